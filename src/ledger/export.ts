import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { ConfigError, LedgerIntegrityError, UsageError } from '../errors.js';
import { toolVersion } from '../version.js';
import { decodeBlob } from './blobs.js';
import { noteVerifierKey, openCheckpoint, type Checkpoint } from './checkpoint.js';
import { checkEnvelopeSignature, envelopePayload, parseEnvelope } from './dsse.js';
import { parsePublicKey, publicKeyPem, type PublicKey } from './keys.js';
import { latestCheckpoint, makeCheckpoint, statementBlobDigests, type LedgerContext } from './ledger.js';
import { keyOf, leafHash, subtreeBlocks, type HashKey, type HashReader } from './merkle.js';
import { consistencyProof, inclusionProof, verifyConsistency, verifyInclusion } from './proofs.js';
import { parseStatement, PREDICATE_TYPES, sha256, type Statement } from './statement.js';
import { verifyLedger } from './verify.js';

/**
 * Export layout (documented in docs/evidence.md) — everything an auditor needs, no database:
 *
 *   manifest.json                     what, which range, which log, which key
 *   checkpoint.txt                    signed checkpoint (C2SP signed note) the proofs lead to
 *   key/ledger.pub                    Ed25519 public key, SPKI PEM
 *   key/note-verifier.txt             the same key as a golang.org/x/mod/sumdb/note verifier key
 *   entries/<seq>.dsse.json           DSSE envelope, the exact leaf bytes: leaf = SHA-256(0x00 ‖ file)
 *   proofs/<seq>.json                 RFC 9162 inclusion proof of the entry in checkpoint.txt
 *   pruned.json                       entries in range whose payload was pruned: seq, leaf hash, proof
 *                                     (the signed prune statement of each is exported too, in entries/)
 *   blobs/sha256/<hex>                raw material, redacted, uncompressed: name = SHA-256(file)
 *   checkpoints/<size>.txt            earlier signed checkpoints of the log …
 *   consistency/<size>.json           … each with an RFC 9162 consistency proof to checkpoint.txt
 */

export const EXPORT_FORMAT = 'greenlight-evidence-export/v1';
const pad = (seq: number) => String(seq).padStart(12, '0');

export interface ExportOptions {
  out: string;
  /** First entry (inclusive), default 0. */
  from?: number | undefined;
  /** Last entry (inclusive), default the last entry of the checkpoint. */
  to?: number | undefined;
}

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  origin: string;
  treeSize: number;
  rootHash: string;
  from: number;
  to: number;
  entries: number;
  pruned: number;
  blobs: number;
  checkpoints: number[];
  /** Prune statements outside [from, to] exported because they explain a pruned entry in it. */
  pruneStatements?: number[];
  keyId: string;
  exportedAt: string;
  tool: { name: 'greenlight'; version: string };
  hashing: 'RFC 9162 SHA-256: leaf = SHA-256(0x00 || entry file), node = SHA-256(0x01 || left || right)';
}

interface InclusionFile {
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  /** Audit path, deepest sibling first, hex. */
  hashes: string[];
}

/** A reader that remembers every hash it has read and can prefetch whole windows of a level. */
function cachingReader(
  ctx: LedgerContext,
): HashReader & { prefetch(lo: number, hi: number, size: number): Promise<void> } {
  const memo = new Map<string, Buffer>();
  const read = (async (keys: HashKey[]) => {
    const missing = keys.filter((k) => !memo.has(keyOf(k.level, k.idx)));
    if (missing.length) for (const [k, v] of await ctx.read(missing)) memo.set(k, v);
    return memo;
  }) as HashReader & { prefetch(lo: number, hi: number, size: number): Promise<void> };
  read.prefetch = async (lo, hi, size) => {
    for (let level = 1; 2 ** level <= size; level++) {
      const a = Math.max(0, Math.floor(lo / 2 ** level) - 1);
      const b = Math.floor(hi / 2 ** level) + 2;
      for (const r of await ctx.store.ledger.hashesRange(level, a, b)) memo.set(keyOf(level, r.idx), r.hash);
    }
    const leafLo = Math.max(0, lo - 1);
    for (const r of await ctx.store.ledger.entries(leafLo, Math.min(size, hi + 1)))
      memo.set(keyOf(0, r.seq), r.leaf_hash);
    // the right edge: every proof may need the blocks of the last, incomplete subtrees
    await read(subtreeBlocks(0, size));
  };
  return read;
}

function assertEmptyTarget(out: string): void {
  if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0)) {
    throw new UsageError(
      `${out} exists and is not empty; export into a new folder (evidence is never overwritten)`,
    );
  }
}

export async function exportLedger(ctx: LedgerContext, opts: ExportOptions): Promise<ExportManifest> {
  const out = path.resolve(opts.out);
  assertEmptyTarget(out);
  await assertLedgerVerifies(ctx);
  const { cp, from, to, key } = await exportedCheckpoint(ctx, opts);
  const size = cp.treeSize;

  const tmp = `${out}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const dir of ['key', 'entries', 'proofs', 'blobs/sha256', 'checkpoints', 'consistency']) {
    mkdirSync(path.join(tmp, dir), { recursive: true });
  }
  try {
    writeFileSync(path.join(tmp, 'checkpoint.txt'), cp.note);
    writeKeyFiles(tmp, ctx.origin, key);
    const read = cachingReader(ctx);
    const range = await writeRange(ctx, tmp, read, cp, from, to);
    writeFileSync(path.join(tmp, 'pruned.json'), `${JSON.stringify(range.pruned, null, 2)}\n`);
    const outside = await writePruneStatements(ctx, tmp, read, size, range.pruned, from, to);
    const digests = [...range.blobDigests];
    await writeBlobs(ctx, tmp, digests);
    const older = await writeOlderCheckpoints(ctx, tmp, read, cp);

    const manifest: ExportManifest = {
      format: EXPORT_FORMAT,
      origin: ctx.origin,
      treeSize: size,
      rootHash: cp.rootHash.toString('hex'),
      from,
      to,
      entries: range.entryCount,
      pruned: range.pruned.length,
      blobs: digests.length,
      checkpoints: older,
      ...(outside.length ? { pruneStatements: outside.sort((a, b) => a - b) } : {}),
      keyId: key.keyId,
      exportedAt: ctx.now().toISOString(),
      tool: { name: 'greenlight', version: toolVersion() },
      hashing: 'RFC 9162 SHA-256: leaf = SHA-256(0x00 || entry file), node = SHA-256(0x01 || left || right)',
    };
    writeFileSync(path.join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(path.join(tmp, 'README.txt'), EXPORT_README);
    rmSync(out, { recursive: true, force: true }); // only ever an empty folder (checked above)
    renameSync(tmp, out);
    return manifest;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Never export (or re-sign a checkpoint over) a ledger that `ledger verify` rejects: an export
 * of a damaged log would verify offline and hide the damage.
 */
async function assertLedgerVerifies(ctx: LedgerContext): Promise<void> {
  const verified = await verifyLedger(ctx);
  if (verified.ok) return;
  const first = verified.firstBad;
  throw new LedgerIntegrityError(
    `the ledger does not verify (${first ? `${first.seq === null ? '' : `entry ${first.seq}: `}${first.message}` : 'see `greenlight ledger verify`'}` +
      `${verified.issueCount > 1 ? `, and ${verified.issueCount - 1} more` : ''}); nothing was exported. ` +
      'Run `greenlight ledger verify` to see every issue',
  );
}

/** The checkpoint the export proves against (a fresh one when this process can sign), the range, and its key. */
async function exportedCheckpoint(
  ctx: LedgerContext,
  opts: ExportOptions,
): Promise<{ cp: Checkpoint; from: number; to: number; key: PublicKey }> {
  const cp: Checkpoint | null = ctx.signer ? await makeCheckpoint(ctx) : await latestCheckpoint(ctx);
  if (!cp || cp.treeSize === 0) {
    throw new UsageError(
      'the ledger has no signed checkpoint with entries to export (record evidence first)',
    );
  }
  const size = cp.treeSize;
  const from = opts.from ?? 0;
  const to = opts.to ?? size - 1;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from || to >= size) {
    throw new UsageError(`--from ${from} --to ${to} is not a range of entries in 0..${size - 1}`);
  }
  const key = ctx.trusted.find((k) => openable(cp, ctx, k));
  if (!key) throw new LedgerIntegrityError('the checkpoint is not signed by a trusted key');
  return { cp, from, to, key };
}

function writeKeyFiles(tmp: string, origin: string, key: PublicKey): void {
  writeFileSync(path.join(tmp, 'key', 'ledger.pub'), publicKeyPem(key.raw));
  writeFileSync(path.join(tmp, 'key', 'note-verifier.txt'), `${noteVerifierKey(origin, key.raw)}\n`);
  writeFileSync(path.join(tmp, 'key', 'key-id.txt'), `${key.keyId}\n`);
}

/** An entry's inclusion proof file. */
const inclusionFile = (
  row: { seq: number; leaf_hash: Buffer },
  size: number,
  proof: Buffer[],
): InclusionFile => ({
  leafIndex: row.seq,
  treeSize: size,
  leafHash: row.leaf_hash.toString('hex'),
  hashes: proof.map((h) => h.toString('hex')),
});

/**
 * Every entry of the range with its inclusion proof (checked before it is written); a pruned
 * entry becomes a pruned.json record. Returns those records, the blobs the statements name and
 * the count of entry files.
 */
async function writeRange(
  ctx: LedgerContext,
  tmp: string,
  read: ReturnType<typeof cachingReader>,
  cp: Checkpoint,
  from: number,
  to: number,
): Promise<{ pruned: PrunedRecord[]; blobDigests: Set<string>; entryCount: number }> {
  const size = cp.treeSize;
  const pruned: PrunedRecord[] = [];
  const blobDigests = new Set<string>();
  let entryCount = 0;
  for (let lo = from; lo <= to; lo += 2000) {
    const hi = Math.min(to + 1, lo + 2000);
    await read.prefetch(lo, hi, size);
    const rows = await ctx.store.ledger.entries(lo, hi);
    if (rows.length !== hi - lo)
      throw new LedgerIntegrityError(
        `entries ${lo}..${hi - 1}: some rows are missing; run \`greenlight ledger verify\``,
      );
    for (const row of rows) {
      const proof = await inclusionProof(row.seq, size, read);
      const file = inclusionFile(row, size, proof);
      if (!verifyInclusion(row.seq, size, row.leaf_hash, proof, cp.rootHash)) {
        throw new LedgerIntegrityError(
          `entry ${row.seq} is not included in the checkpoint; run \`greenlight ledger verify\``,
        );
      }
      if (!row.envelope) {
        if (row.prune_seq === null) {
          throw new LedgerIntegrityError(
            `entry ${row.seq}: the payload is missing and no prune record explains it`,
          );
        }
        pruned.push({ ...file, pruneSeq: row.prune_seq });
        continue;
      }
      if (!leafHash(row.envelope).equals(row.leaf_hash)) {
        throw new LedgerIntegrityError(
          `entry ${row.seq}: the envelope does not match its leaf hash (altered)`,
        );
      }
      const name = pad(row.seq);
      writeFileSync(path.join(tmp, 'entries', `${name}.dsse.json`), row.envelope);
      writeFileSync(path.join(tmp, 'proofs', `${name}.json`), `${JSON.stringify(file, null, 2)}\n`);
      entryCount++;
      const env = parseEnvelope(row.envelope, `entry ${row.seq}`);
      const statement = parseStatement(JSON.parse(envelopePayload(env).toString('utf8')), `entry ${row.seq}`);
      for (const d of statementBlobDigests(statement)) blobDigests.add(d);
    }
  }
  return { pruned, blobDigests, entryCount };
}

/**
 * The signed prune statements that explain the pruned entries go with them, even from outside
 * the range: an offline verifier accepts a missing entry only when one of them lists it.
 * Returns the statements written from outside the range.
 */
async function writePruneStatements(
  ctx: LedgerContext,
  tmp: string,
  read: ReturnType<typeof cachingReader>,
  size: number,
  pruned: PrunedRecord[],
  from: number,
  to: number,
): Promise<number[]> {
  const outside = [...new Set(pruned.map((p) => p.pruneSeq as number))].filter((s) => s < from || s > to);
  for (const row of await ctx.store.ledger.entriesBySeq(outside)) {
    if (!row.envelope || !leafHash(row.envelope).equals(row.leaf_hash)) {
      throw new LedgerIntegrityError(
        `entry ${row.seq}: the prune statement is missing or altered; run \`greenlight ledger verify\``,
      );
    }
    const proof = await inclusionProof(row.seq, size, read);
    const name = pad(row.seq);
    writeFileSync(path.join(tmp, 'entries', `${name}.dsse.json`), row.envelope);
    const file = inclusionFile(row, size, proof);
    writeFileSync(path.join(tmp, 'proofs', `${name}.json`), `${JSON.stringify(file, null, 2)}\n`);
  }
  return outside;
}

/** Each blob the exported statements name, decoded, under its digest. */
async function writeBlobs(ctx: LedgerContext, tmp: string, digests: string[]): Promise<void> {
  for (let i = 0; i < digests.length; i += 200) {
    const part = digests.slice(i, i + 200);
    const rows = await ctx.store.ledger.blobs(part.map((d) => Buffer.from(d, 'hex')));
    const found = new Map(rows.map((r) => [r.digest.toString('hex'), r]));
    for (const d of part) {
      const row = found.get(d);
      if (!row)
        throw new LedgerIntegrityError(
          `blob sha256:${d} is missing from the ledger; run \`greenlight ledger verify\``,
        );
      writeFileSync(path.join(tmp, 'blobs', 'sha256', d), decodeBlob(row));
    }
  }
}

/** Every earlier stored checkpoint with its consistency proof to the exported one. Returns their sizes. */
async function writeOlderCheckpoints(
  ctx: LedgerContext,
  tmp: string,
  read: ReturnType<typeof cachingReader>,
  cp: Checkpoint,
): Promise<number[]> {
  const size = cp.treeSize;
  const older: number[] = [];
  for (const row of await ctx.store.ledger.checkpoints()) {
    if (row.tree_size >= size || row.tree_size === 0) continue;
    const old = openCheckpoint(row.note, ctx.origin, ctx.trusted, `checkpoint at size ${row.tree_size}`);
    const proof = await consistencyProof(old.treeSize, size, read);
    if (!verifyConsistency(old.treeSize, size, old.rootHash, cp.rootHash, proof)) {
      throw new LedgerIntegrityError(
        `checkpoint at size ${old.treeSize} is not consistent with the log; run \`greenlight ledger verify\``,
      );
    }
    writeFileSync(path.join(tmp, 'checkpoints', `${old.treeSize}.txt`), old.note);
    writeFileSync(
      path.join(tmp, 'consistency', `${old.treeSize}.json`),
      `${JSON.stringify({ fromSize: old.treeSize, toSize: size, hashes: proof.map((h) => h.toString('hex')) }, null, 2)}\n`,
    );
    older.push(old.treeSize);
  }
  return older;
}

function openable(cp: Checkpoint, ctx: LedgerContext, key: PublicKey): boolean {
  try {
    openCheckpoint(cp.note, ctx.origin, [key], 'checkpoint');
    return true;
  } catch {
    return false;
  }
}

const EXPORT_README = `greenlight evidence export (${EXPORT_FORMAT})

Check it with \`greenlight verify <this folder> --key <public key you trust>\`, or with any
RFC 9162 implementation and the C2SP signed-note tooling: see docs/evidence.md, "Verifying an
export without greenlight". In short:
  leaf hash of entry N  = SHA-256(0x00 || entries/N.dsse.json)
  proofs/N.json         = RFC 9162 inclusion proof of that leaf in checkpoint.txt
  checkpoint.txt        = C2SP checkpoint, verifier key in key/note-verifier.txt
  entries/N.dsse.json   = DSSE envelope (PAE, Ed25519, key/ledger.pub) of an in-toto Statement v1
  blobs/sha256/H        = bytes whose SHA-256 is H, named in the statements' predicate.blobs
`;

// ------------------------------------------------------------------ offline verification

export interface ExportVerifyOptions {
  /** A public key (PEM file path) or key id (hex) the auditor trusts; else the export's own key. */
  key?: string | undefined;
  /** Expected origin; default the manifest's. */
  origin?: string | undefined;
  /** A checkpoint file kept from earlier, to prove the exported log extends it. */
  checkpoint?: string | undefined;
}

export interface ExportVerifyReport {
  ok: boolean;
  origin: string;
  treeSize: number;
  rootHash: string;
  from: number;
  to: number;
  entries: number;
  pruned: number;
  blobs: number;
  checkpoints: number;
  keyId: string;
  /** False when the key came from the export itself: compare keyId with one obtained independently. */
  keyPinned: boolean;
  heldCheckpoint: { treeSize: number; consistent: boolean } | null;
  issues: { seq: number | null; message: string }[];
  firstBad: { seq: number | null; message: string } | null;
}

function readJson<T>(file: string, what: string): T {
  if (!existsSync(file)) throw new LedgerIntegrityError(`${what} is missing: ${file}`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    throw new LedgerIntegrityError(`${file}: not valid JSON`);
  }
}

const hexList = (v: unknown): Buffer[] | null =>
  Array.isArray(v) && v.every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h))
    ? v.map((h: string) => Buffer.from(h, 'hex'))
    : null;

/**
 * Every file of an export folder ('/'-separated, relative). A symbolic link (or anything but a
 * plain file or folder) anywhere in it is refused before a byte is read: a link could make the
 * verifier read, and vouch for, files from outside the export.
 */
function listExport(root: string): Set<string> {
  const files = new Set<string>();
  const walk = (rel: string) => {
    for (const d of readdirSync(rel ? path.join(root, rel) : root, { withFileTypes: true })) {
      const name = rel ? `${rel}/${d.name}` : d.name;
      // lstat as well: some file systems do not report the type in the listing.
      const plain = !d.isSymbolicLink() && (d.isFile() || d.isDirectory());
      if (!plain || lstatSync(path.join(root, name)).isSymbolicLink()) {
        throw new LedgerIntegrityError(
          `${path.join(root, name)}: ${d.isSymbolicLink() ? 'a symbolic link' : 'not a plain file'} in the ` +
            'export; refused (an export holds only plain files and folders)',
        );
      }
      if (d.isDirectory()) walk(name);
      else files.add(name);
    }
  };
  walk('');
  return files;
}

type PrunedRecord = InclusionFile & { pruneSeq: number | null };

/** The `[from, to)` ranges a prune statement lists (its `entries`). */
function prunedRanges(predicate: Record<string, unknown>): [number, number][] {
  return Array.isArray(predicate.entries)
    ? predicate.entries.filter(
        (r): r is [number, number] =>
          Array.isArray(r) && Number.isSafeInteger(r[0]) && Number.isSafeInteger(r[1]),
      )
    : [];
}

/**
 * Checks an export folder with no database: signatures, proofs, blobs, completeness of the
 * range (each missing entry must be listed by a signed prune statement in the export), and that
 * the folder holds nothing else (no link, no file the export does not account for).
 */
export function verifyExport(dir: string, opts: ExportVerifyOptions = {}): ExportVerifyReport {
  const folder = openExportFolder(dir);
  const head = readExportHead(folder, opts);
  const { key, origin, cp, manifest } = head;
  const { from, to } = manifest;
  const issues: ExportIssue[] = [];
  const issue = (seq: number | null, message: string) => issues.push({ seq, message });
  const pruned = readPrunedList(folder, from, to, issue);
  const entryCheck = exportEntryChecker(folder, cp, key, issues);
  const range = verifyRange(folder, from, to, pruned, entryCheck, issue);
  verifyPrunedEntries(folder, range.missingPayloads, pruned, from, to, cp, entryCheck, issue);
  const older = verifyOlderCheckpoints(folder, head.sizes, origin, key, cp, issue);
  verifyKeyForms(folder, origin, key, issue);
  refuseUnaccountedFiles(folder, issue);
  const heldCheckpoint = opts.checkpoint
    ? checkHeldCheckpoint(opts.checkpoint, origin, key, cp, older.roots, issue)
    : null;

  const sorted = issues.filter((i) => i.seq !== null).sort((a, b) => (a.seq as number) - (b.seq as number));
  return {
    ok: issues.length === 0,
    origin,
    treeSize: cp.treeSize,
    rootHash: cp.rootHash.toString('hex'),
    from,
    to,
    entries: range.entries,
    pruned: pruned.size,
    blobs: entryCheck.blobs.size,
    checkpoints: older.count,
    keyId: key.keyId,
    keyPinned: head.keyPinned,
    heldCheckpoint,
    issues,
    firstBad: sorted[0] ?? issues[0] ?? null,
  };
}

type ExportIssue = { seq: number | null; message: string };
type Issue = (seq: number | null, message: string) => void;

interface ExportFolder {
  root: string;
  /** Every file of the folder. */
  files: Set<string>;
  /** The files accounted for so far. */
  used: Set<string>;
  /** The absolute path of a file of the export, which is then accounted for. */
  at(rel: string): string;
}

function openExportFolder(dir: string): ExportFolder {
  const root = path.resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`${dir}: no such folder`);
  const files = listExport(root);
  const used = new Set<string>();
  const at = (rel: string): string => {
    const abs = path.resolve(root, rel);
    const back = path.relative(root, abs);
    if (back === '' || back.startsWith('..') || path.isAbsolute(back)) {
      throw new LedgerIntegrityError(`${rel}: a path that leaves the export folder ${root}; refused`);
    }
    used.add(rel);
    return abs;
  };
  return { root, files, used, at };
}

/**
 * The manifest, the key (pinned by the caller or the export's own), the signed checkpoint, and
 * the manifest checked against it: same origin, size and root, a range within it, earlier
 * checkpoint sizes that are plain numbers. Anything wrong here is thrown: nothing else can be checked.
 */
function readExportHead(folder: ExportFolder, opts: ExportVerifyOptions) {
  const { files, at } = folder;
  const manifest = readJson<ExportManifest>(at('manifest.json'), 'manifest.json');
  if (manifest.format !== EXPORT_FORMAT) {
    throw new LedgerIntegrityError(
      `manifest.json: format "${String(manifest.format)}" is not ${EXPORT_FORMAT}`,
    );
  }
  const { key, keyPinned } = readExportKey(folder, opts.key);
  const origin = opts.origin ?? manifest.origin;
  if (!files.has('checkpoint.txt'))
    throw new LedgerIntegrityError('checkpoint.txt is missing from the export');
  const cp = openCheckpoint(readFileSync(at('checkpoint.txt'), 'utf8'), origin, [key], 'checkpoint.txt');
  if (manifest.origin !== origin) {
    throw new LedgerIntegrityError(
      `manifest.json: origin "${manifest.origin}" is not "${origin}" (an export of another log)`,
    );
  }
  if (cp.treeSize !== manifest.treeSize || cp.rootHash.toString('hex') !== manifest.rootHash) {
    throw new LedgerIntegrityError('manifest.json: tree size or root hash differ from checkpoint.txt');
  }
  const { from, to } = manifest;
  if (
    !Number.isSafeInteger(from) ||
    !Number.isSafeInteger(to) ||
    from < 0 ||
    to < from ||
    to >= cp.treeSize
  ) {
    throw new LedgerIntegrityError(
      `manifest.json: range ${from}..${to} is not within the checkpoint's ${cp.treeSize} entries`,
    );
  }
  // The manifest's checkpoint sizes name files: numbers only, so no path can leave the folder.
  const sizes: unknown = manifest.checkpoints ?? [];
  if (
    !Array.isArray(sizes) ||
    !sizes.every((n) => Number.isSafeInteger(n) && (n as number) > 0 && (n as number) < cp.treeSize)
  ) {
    throw new LedgerIntegrityError(
      `manifest.json: "checkpoints" must list earlier tree sizes (whole numbers below ${cp.treeSize}), ` +
        `not ${JSON.stringify(sizes).slice(0, 200)}; refused`,
    );
  }
  return { manifest, key, keyPinned, origin, cp, sizes: sizes as number[] };
}

/** The export's key, or the caller's (a PEM file or a key id) when it names the same key. */
function readExportKey(
  folder: ExportFolder,
  pin: string | undefined,
): { key: PublicKey; keyPinned: boolean } {
  if (!folder.files.has('key/ledger.pub'))
    throw new LedgerIntegrityError(`key/ledger.pub is missing from the export`);
  const keyFile = folder.at('key/ledger.pub');
  const key = parsePublicKey(readFileSync(keyFile, 'utf8'), keyFile);
  if (!pin) return { key, keyPinned: false };
  if (/^[0-9a-f]{64}$/i.test(pin)) {
    if (pin.toLowerCase() !== key.keyId) {
      throw new LedgerIntegrityError(
        `wrong key: the export is signed by key ${key.keyId}, not ${pin.toLowerCase()}`,
      );
    }
    return { key, keyPinned: true };
  }
  if (!existsSync(pin)) throw new ConfigError(`${pin}: key file not found`);
  const pinned = parsePublicKey(readFileSync(pin, 'utf8'), pin);
  if (pinned.keyId !== key.keyId) {
    throw new LedgerIntegrityError(
      `wrong key: the export is signed by key ${key.keyId}, not ${pinned.keyId} (${pin})`,
    );
  }
  return { key: pinned, keyPinned: true };
}

/** pruned.json: one record per entry of the range left out, none twice, none outside the range. */
function readPrunedList(
  folder: ExportFolder,
  from: number,
  to: number,
  issue: Issue,
): Map<number, PrunedRecord> {
  const prunedList = readJson<unknown>(folder.at('pruned.json'), 'pruned.json');
  if (!Array.isArray(prunedList)) throw new LedgerIntegrityError('pruned.json: not a list of pruned entries');
  const pruned = new Map<number, PrunedRecord>();
  for (const p of prunedList as PrunedRecord[]) {
    const seq = (p as Partial<PrunedRecord> | null)?.leafIndex;
    if (!Number.isSafeInteger(seq) || (seq as number) < from || (seq as number) > to) {
      issue(
        null,
        `pruned.json: a record for ${JSON.stringify(seq)}, which is not an entry of ${from}..${to}`,
      );
    } else if (pruned.has(seq as number)) issue(seq as number, `pruned.json lists entry ${seq} twice`);
    else pruned.set(seq as number, p);
  }
  return pruned;
}

interface EntryChecker {
  /** An inclusion proof of `leaf` at `seq` in the export's checkpoint. */
  checkProof(seq: number, leaf: Buffer, file: InclusionFile | undefined): void;
  /** An entry file: its proof, signature, statement and blobs. */
  checkEntry(seq: number): void;
  /** Entries of the export whose file, proof, signature and blobs all check out. */
  verified: Map<number, Statement>;
  /** Blobs checked against their digest. */
  blobs: Set<string>;
}

function exportEntryChecker(
  folder: ExportFolder,
  cp: Checkpoint,
  key: PublicKey,
  issues: ExportIssue[],
): EntryChecker {
  const { files, at } = folder;
  const issue: Issue = (seq, message) => issues.push({ seq, message });
  const trusted = new Map([[key.keyId, key]]);
  const blobs = new Set<string>();
  const verified = new Map<number, Statement>();

  const checkProof = (seq: number, leaf: Buffer, file: InclusionFile | undefined) => {
    const hashes = file ? hexList(file.hashes) : null;
    if (!file || !hashes || file.leafIndex !== seq || file.treeSize !== cp.treeSize) {
      issue(seq, `entry ${seq}: inclusion proof missing or malformed`);
      return;
    }
    if (!verifyInclusion(seq, cp.treeSize, leaf, hashes, cp.rootHash)) {
      issue(seq, `entry ${seq}: not included in checkpoint.txt (altered entry or proof)`);
    }
  };

  const checkEntry = (seq: number) => {
    const name = pad(seq);
    const before = issues.length;
    const bytes = readFileSync(at(`entries/${name}.dsse.json`));
    const leaf = leafHash(bytes);
    let proofFile: InclusionFile | undefined;
    const proofRel = `proofs/${name}.json`;
    try {
      proofFile = files.has(proofRel)
        ? (JSON.parse(readFileSync(at(proofRel), 'utf8')) as InclusionFile)
        : undefined;
    } catch {
      proofFile = undefined;
    }
    checkProof(seq, leaf, proofFile);
    let statement: Statement | null = null;
    try {
      const env = parseEnvelope(bytes, `entry ${seq}`);
      const payload = envelopePayload(env);
      const problem = checkEnvelopeSignature(env, payload, trusted);
      if (problem) issue(seq, `entry ${seq}: ${problem}`);
      statement = parseStatement(JSON.parse(payload.toString('utf8')), `entry ${seq}`);
      for (const d of statementBlobDigests(statement)) {
        const rel = `blobs/sha256/${d}`;
        if (!files.has(rel)) {
          issue(seq, `entry ${seq}: blob sha256:${d} is missing from the export`);
        } else if (!blobs.has(d)) {
          if (!sha256(readFileSync(at(rel))).equals(Buffer.from(d, 'hex'))) {
            issue(seq, `blob sha256:${d} does not match its digest (altered)`);
          }
          blobs.add(d);
        }
      }
    } catch (err) {
      issue(seq, err instanceof Error ? err.message : String(err));
    }
    if (statement && issues.length === before) verified.set(seq, statement);
  };
  return { checkProof, checkEntry, verified, blobs };
}

/** Every entry of the range: its file checked, or a pruned.json record with a valid proof. */
function verifyRange(
  folder: ExportFolder,
  from: number,
  to: number,
  pruned: Map<number, PrunedRecord>,
  check: EntryChecker,
  issue: Issue,
): { entries: number; missingPayloads: number[] } {
  let entries = 0;
  const missingPayloads: number[] = [];
  for (let seq = from; seq <= to; seq++) {
    const name = pad(seq);
    const p = pruned.get(seq);
    if (folder.files.has(`entries/${name}.dsse.json`)) {
      entries++;
      check.checkEntry(seq);
      if (p) issue(seq, `entry ${seq}: listed in pruned.json, but its entry file is in the export`);
      continue;
    }
    if (!p) {
      issue(
        seq,
        `entry ${seq} is missing from the export (neither entries/${name}.dsse.json nor pruned.json)`,
      );
      continue;
    }
    if (typeof p.leafHash !== 'string' || !/^[0-9a-f]{64}$/.test(p.leafHash))
      issue(seq, `pruned entry ${seq}: malformed leaf hash`);
    else check.checkProof(seq, Buffer.from(p.leafHash, 'hex'), p);
    missingPayloads.push(seq);
  }
  return { entries, missingPayloads };
}

/**
 * A pruned entry is accepted only when a signed prune statement in the export lists it — the
 * rule `greenlight ledger verify` applies to prune records (a `pruned.json` line alone is not
 * evidence: anyone can write one). Prune statements outside the range come with the export.
 */
function verifyPrunedEntries(
  folder: ExportFolder,
  missingPayloads: number[],
  pruned: Map<number, PrunedRecord>,
  from: number,
  to: number,
  cp: Checkpoint,
  check: EntryChecker,
  issue: Issue,
): void {
  for (const seq of missingPayloads) {
    const ps = (pruned.get(seq) as PrunedRecord).pruneSeq;
    if (!Number.isSafeInteger(ps) || (ps as number) < 0 || (ps as number) >= cp.treeSize) {
      issue(
        seq,
        `entry ${seq} is missing from the export and pruned.json names no prune statement for it ` +
          `(pruneSeq ${JSON.stringify(ps)}): an entry may only be left out when a signed prune statement lists it`,
      );
      continue;
    }
    const pruneSeq = ps as number;
    if (!check.verified.has(pruneSeq) && (pruneSeq < from || pruneSeq > to)) {
      if (folder.files.has(`entries/${pad(pruneSeq)}.dsse.json`)) check.checkEntry(pruneSeq);
    }
    const st = check.verified.get(pruneSeq);
    if (!st) {
      issue(
        seq,
        `entry ${seq} is missing from the export: its prune statement (entry ${pruneSeq}) is not in the export or does not verify`,
      );
    } else if (st.predicateType !== PREDICATE_TYPES.prune) {
      issue(seq, `entry ${seq} is missing from the export: entry ${pruneSeq} is not a prune statement`);
    } else if (pruneSeq <= seq || !prunedRanges(st.predicate).some(([a, b]) => seq >= a && seq < b)) {
      issue(
        seq,
        `entry ${seq} is missing from the export: the prune statement (entry ${pruneSeq}) does not list it`,
      );
    }
  }
}

/** The earlier checkpoints the manifest names, each consistent with checkpoint.txt. */
function verifyOlderCheckpoints(
  folder: ExportFolder,
  sizes: number[],
  origin: string,
  key: PublicKey,
  cp: Checkpoint,
  issue: Issue,
): { count: number; roots: Map<number, Buffer> } {
  const { files, at } = folder;
  let count = 0;
  const roots = new Map<number, Buffer>();
  for (const size of sizes) {
    try {
      const cpRel = `checkpoints/${size}.txt`;
      if (!files.has(cpRel)) throw new LedgerIntegrityError(`${cpRel} is missing from the export`);
      const old = openCheckpoint(readFileSync(at(cpRel), 'utf8'), origin, [key], cpRel);
      const proofRel = `consistency/${size}.json`;
      if (!files.has(proofRel)) throw new LedgerIntegrityError(`${proofRel} is missing from the export`);
      const proof = readJson<{ fromSize: number; toSize: number; hashes: unknown }>(at(proofRel), proofRel);
      const hashes = hexList(proof.hashes);
      if (
        old.treeSize !== size ||
        !hashes ||
        !verifyConsistency(old.treeSize, cp.treeSize, old.rootHash, cp.rootHash, hashes)
      ) {
        issue(null, `checkpoints/${size}.txt is not consistent with checkpoint.txt (the log was rewritten)`);
      } else {
        count++;
        roots.set(old.treeSize, old.rootHash);
      }
    } catch (err) {
      issue(null, err instanceof Error ? err.message : String(err));
    }
  }
  return { count, roots };
}

/** The key's other forms, for tooling without greenlight: they must name the same key. */
function verifyKeyForms(folder: ExportFolder, origin: string, key: PublicKey, issue: Issue): void {
  const keyForms: [string, string][] = [
    ['key/key-id.txt', `${key.keyId}\n`],
    ['key/note-verifier.txt', `${noteVerifierKey(origin, key.raw)}\n`],
  ];
  for (const [rel, want] of keyForms) {
    if (folder.files.has(rel) && readFileSync(folder.at(rel), 'utf8') !== want)
      issue(null, `${rel} does not match key/ledger.pub`);
  }
}

/** The folder holds nothing the export does not account for. */
function refuseUnaccountedFiles(folder: ExportFolder, issue: Issue): void {
  if (folder.files.has('README.txt')) folder.used.add('README.txt'); // prose for the reader; nothing rests on it
  for (const rel of [...folder.files].sort()) {
    if (!folder.used.has(rel)) {
      issue(
        null,
        `${rel}: a file the export does not account for (not named by its manifest, range or statements); refused`,
      );
    }
  }
}

/** A checkpoint the caller kept from earlier: the exported log must extend it. */
function checkHeldCheckpoint(
  file: string,
  origin: string,
  key: PublicKey,
  cp: Checkpoint,
  older: Map<number, Buffer>,
  issue: Issue,
): NonNullable<ExportVerifyReport['heldCheckpoint']> {
  if (!existsSync(file)) throw new ConfigError(`${file}: checkpoint file not found`);
  const held = openCheckpoint(readFileSync(file, 'utf8'), origin, [key], file);
  let consistent: boolean;
  if (held.treeSize > cp.treeSize) {
    throw new LedgerIntegrityError(
      `${file}: covers ${held.treeSize} entries, more than this export's checkpoint (${cp.treeSize}); export again`,
    );
  } else if (held.treeSize === cp.treeSize) {
    consistent = held.rootHash.equals(cp.rootHash);
  } else {
    const known = older.get(held.treeSize);
    if (!known) {
      throw new LedgerIntegrityError(
        `${file}: the export has no consistency proof from size ${held.treeSize}; the ledger ` +
          `keeps one per stored checkpoint (ask for an export that includes it)`,
      );
    }
    consistent = known.equals(held.rootHash);
  }
  if (!consistent)
    issue(null, `${file}: the log forked: your checkpoint's root differs from the exported log's`);
  return { treeSize: held.treeSize, consistent };
}

/** The checkpoint a held file proves consistent, for callers who keep checkpoints over time. */
export type { Checkpoint };
