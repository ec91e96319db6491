import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as edSign,
  verify as edVerify,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ConfigError, LedgerIntegrityError } from '../errors.js';
import { ensurePrivateDir, tightenFile, writePrivateFile } from '../private-files.js';

/**
 * The installation's Ed25519 key. The private key lives in `.greenlight/keys/ledger.key`
 * (PKCS#8 PEM, mode 0600) or in `GREENLIGHT_LEDGER_KEY` (for CI); it is never logged and never
 * leaves this module except as signatures. The key id is the lower-case hex SHA-256 of the raw
 * 32-byte public key (RFC 8032 encoding), so anyone holding the public key can recompute it.
 */

export const KEY_DIR = path.join('.greenlight', 'keys');
export const PRIVATE_KEY_FILE = 'ledger.key';
export const PUBLIC_KEY_FILE = 'ledger.pub';
export const KEY_ENV = 'GREENLIGHT_LEDGER_KEY';

/** Signs bytes with one key. A KMS-backed signer implements the same interface later. */
export interface Signer {
  readonly algorithm: 'ed25519';
  /** Hex SHA-256 of the raw public key. */
  readonly keyId: string;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
  sign(data: Uint8Array): Promise<Buffer>;
  /** Optional batch form; callers fall back to sign() one by one. */
  signMany?(data: Uint8Array[]): Promise<Buffer[]>;
}

export interface PublicKey {
  keyId: string;
  raw: Buffer;
  key: KeyObject;
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function keyIdOf(rawPublicKey: Uint8Array): string {
  return createHash('sha256').update(rawPublicKey).digest('hex');
}

export function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ type: 'spki', format: 'der' });
  return Buffer.from(der.subarray(der.length - 32));
}

export function publicKeyFromRaw(raw: Uint8Array): PublicKey {
  if (raw.length !== 32)
    throw new LedgerIntegrityError(`an Ed25519 public key has 32 bytes, not ${raw.length}`);
  const key = createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
  return { keyId: keyIdOf(raw), raw: Buffer.from(raw), key };
}

export function publicKeyPem(raw: Uint8Array): string {
  return publicKeyFromRaw(raw).key.export({ type: 'spki', format: 'pem' }).toString();
}

/** Reads a public key from PEM (SPKI) text, or from a private key PEM (its public half). */
export function parsePublicKey(text: string, where: string): PublicKey {
  try {
    const key = createPublicKey(text);
    if (key.asymmetricKeyType !== 'ed25519') {
      throw new ConfigError(`${where}: not an Ed25519 key (${key.asymmetricKeyType})`);
    }
    return publicKeyFromRaw(rawPublicKey(key));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`${where}: not a PEM public key`);
  }
}

export function verifySignature(key: PublicKey, data: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== 64) return false;
  try {
    return edVerify(null, data, key.key, sig);
  } catch {
    return false;
  }
}

function keyPaths(root: string) {
  const dir = path.join(root, KEY_DIR);
  return { dir, priv: path.join(dir, PRIVATE_KEY_FILE), pub: path.join(dir, PUBLIC_KEY_FILE) };
}

/** Below this many messages, signing in this thread beats handing them to workers. */
const PARALLEL_SIGN_MIN = 256;

/**
 * A local Ed25519 signer. Large batches are signed by worker threads (one per core, started on
 * first use and never keeping the process alive): Ed25519 signing, not the database, is what
 * bounds how fast signed evidence can be appended.
 */
export function signerFromPrivateKey(privateKey: KeyObject, opts: { workers?: number } = {}): Signer {
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError(`the ledger key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
  }
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  const keyId = keyIdOf(publicKey);
  const signOne = (data: Uint8Array) => edSign(null, data, privateKey);
  const workers = opts.workers ?? Math.min(4, availableParallelism());
  let pool: SignPool | undefined;
  return {
    algorithm: 'ed25519',
    keyId,
    publicKey,
    sign: async (data) => signOne(data),
    async signMany(list) {
      if (workers < 2 || list.length < PARALLEL_SIGN_MIN) return list.map(signOne);
      pool ??= signPool(privateKey, workers);
      return pool.sign(list);
    },
  };
}

interface SignPool {
  sign(list: Uint8Array[]): Promise<Buffer[]>;
}

const SIGN_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
const key = crypto.createPrivateKey({ key: Buffer.from(workerData.pkcs8), format: 'der', type: 'pkcs8' });
parentPort.on('message', (m) => {
  const sigs = m.list.map((d) => crypto.sign(null, d, key));
  parentPort.postMessage({ id: m.id, sigs });
});
`;

function signPool(privateKey: KeyObject, count: number): SignPool {
  // The key travels to the workers in memory only, never to disk or logs.
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  type Job = { resolve: (sigs: Uint8Array[]) => void; reject: (err: Error) => void };
  const workers = Array.from({ length: count }, () => {
    const jobs = new Map<number, Job>();
    const w = new Worker(SIGN_WORKER, { eval: true, workerData: { pkcs8 } });
    w.unref(); // idle workers never keep the process alive; busy ones are ref'd below
    w.on('message', (m: { id: number; sigs: Uint8Array[] }) => {
      jobs.get(m.id)?.resolve(m.sigs);
      jobs.delete(m.id);
      if (jobs.size === 0) w.unref();
    });
    w.on('error', (err) => {
      for (const job of jobs.values()) job.reject(err);
      jobs.clear();
    });
    return { w, jobs };
  });
  let next = 0;
  return {
    async sign(list) {
      const per = Math.ceil(list.length / workers.length);
      const parts = await Promise.all(
        workers.map(({ w, jobs }, i) => {
          const slice = list.slice(i * per, (i + 1) * per);
          if (slice.length === 0) return Promise.resolve([] as Uint8Array[]);
          const id = next++;
          return new Promise<Uint8Array[]>((resolve, reject) => {
            jobs.set(id, { resolve, reject });
            w.ref();
            w.postMessage({ id, list: slice });
          });
        }),
      );
      return parts.flat().map((s) => Buffer.from(s.buffer, s.byteOffset, s.byteLength));
    },
  };
}

function parsePrivateKey(text: string, where: string): KeyObject {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('-----BEGIN')) return createPrivateKey(trimmed);
    // base64 of the PKCS#8 DER, convenient for CI secrets
    return createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new ConfigError(`${where}: not an Ed25519 private key (PKCS#8 PEM or base64 DER expected)`);
  }
}

/**
 * The signer for this installation: `GREENLIGHT_LEDGER_KEY` when set, else the key file, else
 * null (read-only use: verify, export, status).
 */
export function loadSigner(root: string, env: NodeJS.ProcessEnv = process.env): Signer | null {
  const fromEnv = env[KEY_ENV];
  if (fromEnv && fromEnv.trim() !== '') return signerFromPrivateKey(parsePrivateKey(fromEnv, KEY_ENV));
  const { priv } = keyPaths(root);
  if (!existsSync(priv)) return null;
  const mode = statSync(priv).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new ConfigError(
      `${priv} is readable by other users (mode ${mode.toString(8)}); run \`chmod 600 ${priv}\``,
    );
  }
  return signerFromPrivateKey(parsePrivateKey(readFileSync(priv, 'utf8'), priv));
}

/** Public keys this machine trusts: ledger.pub, and the public half of the signing key. */
export function loadTrustedKeys(root: string, env: NodeJS.ProcessEnv = process.env): PublicKey[] {
  const out = new Map<string, PublicKey>();
  const { pub } = keyPaths(root);
  if (existsSync(pub)) {
    const key = parsePublicKey(readFileSync(pub, 'utf8'), pub);
    out.set(key.keyId, key);
  }
  const signer = loadSigner(root, env);
  if (signer && !out.has(signer.keyId)) out.set(signer.keyId, publicKeyFromRaw(signer.publicKey));
  return [...out.values()];
}

export interface KeyPairResult {
  keyId: string;
  publicKeyFile: string;
  privateKeyFile: string;
  created: boolean;
}

/**
 * Creates the key pair unless one exists. The private key is written with O_EXCL and mode 0600,
 * so an existing key is never replaced and the secret is never world-readable, even briefly.
 */
export function ensureKeyPair(root: string): KeyPairResult {
  const { dir, priv, pub } = keyPaths(root);
  if (existsSync(priv)) {
    const signer = loadSigner(root, {});
    if (!signer) throw new ConfigError(`${priv}: cannot read the ledger key`);
    if (!existsSync(pub)) writePrivateFile(pub, publicKeyPem(signer.publicKey));
    ensurePrivateDir(dir);
    tightenFile(pub);
    return { keyId: signer.keyId, publicKeyFile: pub, privateKeyFile: priv, created: false };
  }
  if (existsSync(pub)) {
    throw new LedgerIntegrityError(
      `${pub} exists but its private key ${priv} is missing; restore the private key ` +
        `(or set ${KEY_ENV}) instead of creating a new one`,
    );
  }
  ensurePrivateDir(dir);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  chmodSync(priv, 0o600); // in case the umask widened nothing, or narrowed it oddly
  const raw = rawPublicKey(publicKey);
  writePrivateFile(pub, publicKeyPem(raw));
  return { keyId: keyIdOf(raw), publicKeyFile: pub, privateKeyFile: priv, created: true };
}

/** With the key in GREENLIGHT_LEDGER_KEY, only the public half is written to disk. */
export function ensurePublicKeyFile(root: string, signer: Signer): KeyPairResult {
  const { dir, priv, pub } = keyPaths(root);
  ensurePrivateDir(dir);
  if (existsSync(pub)) {
    tightenFile(pub);
    const existing = parsePublicKey(readFileSync(pub, 'utf8'), pub);
    if (existing.keyId !== signer.keyId) {
      throw new LedgerIntegrityError(
        `wrong key: ${pub} holds key ${existing.keyId.slice(0, 16)}…, but ${KEY_ENV} is key ${signer.keyId.slice(0, 16)}…`,
      );
    }
  } else {
    writePrivateFile(pub, publicKeyPem(signer.publicKey));
  }
  return { keyId: signer.keyId, publicKeyFile: pub, privateKeyFile: priv, created: false };
}
