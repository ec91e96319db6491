import { createHash } from 'node:crypto';
import { LedgerIntegrityError } from '../errors.js';
import { verifySignature, type PublicKey, type Signer } from './keys.js';

/**
 * Checkpoints in the C2SP tlog-checkpoint format, signed as a C2SP signed note
 * (c2sp.org/signed-note, the format of golang.org/x/mod/sumdb/note):
 *
 *   <origin>\n
 *   <tree size, decimal>\n
 *   <base64 root hash>\n
 *   \n
 *   — <key name> <base64(key hash[4] ‖ Ed25519 signature[64])>\n
 *
 * The signature covers the body (the first three lines, final newline included). The key hash
 * is the first 4 bytes of SHA-256(key name ‖ "\n" ‖ 0x01 ‖ raw public key), 0x01 being the
 * Ed25519 signature type. The key name is the origin, so the verifier key
 * `<origin>+<hex key hash>+<base64(0x01 ‖ public key)>` works with note.NewVerifier.
 */

const ED25519_TYPE = 0x01;
const SIG_PREFIX = '\u2014 ';

export interface Checkpoint {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
  /** The complete signed note text. */
  note: string;
}

/** A key name / origin must be non-empty, with no whitespace and no '+'. */
export function checkOrigin(origin: string): void {
  if (origin.length === 0 || /[\s+]/u.test(origin) || /[\u0000-\u001f]/.test(origin)) {
    throw new LedgerIntegrityError(
      `checkpoint origin "${origin}" is invalid: it must be non-empty, without spaces, '+' or control characters`,
    );
  }
}

export function noteKeyHash(name: string, rawPublicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([ED25519_TYPE]))
    .update(rawPublicKey)
    .digest()
    .subarray(0, 4);
}

/** The verifier key string of golang.org/x/mod/sumdb/note for this origin and key. */
export function noteVerifierKey(name: string, rawPublicKey: Uint8Array): string {
  const hash = noteKeyHash(name, rawPublicKey).toString('hex');
  const material = Buffer.concat([Buffer.from([ED25519_TYPE]), rawPublicKey]).toString('base64');
  return `${name}+${hash}+${material}`;
}

export function checkpointBody(origin: string, treeSize: number, rootHash: Uint8Array): string {
  checkOrigin(origin);
  return `${origin}\n${treeSize}\n${Buffer.from(rootHash).toString('base64')}\n`;
}

export async function signNote(body: string, name: string, signer: Signer): Promise<string> {
  if (!body.endsWith('\n') || body.includes('\n\n')) throw new Error('note body must end in one newline');
  const sig = await signer.sign(Buffer.from(body, 'utf8'));
  const blob = Buffer.concat([noteKeyHash(name, signer.publicKey), sig]).toString('base64');
  return `${body}\n${SIG_PREFIX}${name} ${blob}\n`;
}

export async function signCheckpoint(
  origin: string,
  treeSize: number,
  rootHash: Uint8Array,
  signer: Signer,
): Promise<Checkpoint> {
  const note = await signNote(checkpointBody(origin, treeSize, rootHash), origin, signer);
  return { origin, treeSize, rootHash: Buffer.from(rootHash), note };
}

export interface NoteSignature {
  name: string;
  keyHash: Buffer;
  signature: Buffer;
}

/** Splits a signed note at its last blank line; throws on anything malformed. */
export function parseNote(text: string, where: string): { body: string; signatures: NoteSignature[] } {
  const split = text.lastIndexOf('\n\n');
  if (split < 0 || !text.endsWith('\n')) throw new LedgerIntegrityError(`${where}: not a signed note`);
  const body = text.slice(0, split + 1);
  const signatures: NoteSignature[] = [];
  for (const line of text.slice(split + 2, -1).split('\n')) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/u.exec(line);
    if (!m) throw new LedgerIntegrityError(`${where}: malformed signature line "${line.slice(0, 80)}"`);
    const blob = Buffer.from(m[2] as string, 'base64');
    if (blob.length < 5) throw new LedgerIntegrityError(`${where}: signature too short`);
    signatures.push({ name: m[1] as string, keyHash: blob.subarray(0, 4), signature: blob.subarray(4) });
  }
  if (signatures.length === 0) throw new LedgerIntegrityError(`${where}: the note has no signature`);
  return { body, signatures };
}

/**
 * Parses and verifies a checkpoint note: a signature by one of `keys` under the key name
 * `origin` must verify, and the origin line must equal `origin`.
 */
export function openCheckpoint(
  text: string,
  origin: string,
  keys: readonly PublicKey[],
  where: string,
): Checkpoint {
  const { body, signatures } = parseNote(text, where);
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3)
    throw new LedgerIntegrityError(`${where}: a checkpoint has origin, size and root lines`);
  const [noteOrigin, sizeText, rootText] = lines as [string, string, string];
  if (noteOrigin !== origin) {
    throw new LedgerIntegrityError(
      `${where}: checkpoint is for origin "${noteOrigin}", not "${origin}" (a checkpoint from another log)`,
    );
  }
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new LedgerIntegrityError(`${where}: tree size "${sizeText}" is not a number`);
  }
  const rootHash = Buffer.from(rootText, 'base64');
  if (rootHash.length !== 32 || rootHash.toString('base64') !== rootText) {
    throw new LedgerIntegrityError(`${where}: root hash is not 32 bytes of base64`);
  }
  const message = Buffer.from(body, 'utf8');
  let reason = `no signature by a trusted key for "${origin}" (wrong key?)`;
  for (const sig of signatures) {
    if (sig.name !== origin) continue;
    for (const key of keys) {
      if (!sig.keyHash.equals(noteKeyHash(origin, key.raw))) continue;
      if (verifySignature(key, message, sig.signature)) {
        return { origin, treeSize: Number(sizeText), rootHash, note: text };
      }
      reason = `signature by key ${key.keyId.slice(0, 16)}… does not verify (forged or altered checkpoint)`;
    }
  }
  throw new LedgerIntegrityError(`${where}: ${reason}`);
}

/** Verifies any signed note (not only checkpoints) against one key; returns the body. */
export function openNote(text: string, name: string, key: PublicKey, where = 'note'): string {
  const { body, signatures } = parseNote(text, where);
  const hash = noteKeyHash(name, key.raw);
  for (const sig of signatures) {
    if (
      sig.name === name &&
      sig.keyHash.equals(hash) &&
      verifySignature(key, Buffer.from(body), sig.signature)
    ) {
      return body;
    }
  }
  throw new LedgerIntegrityError(`${where}: no valid signature by ${name}`);
}
