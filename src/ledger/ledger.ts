import path from 'node:path';
import { LedgerIntegrityError, UsageError } from '../errors.js';
import { openStore, type EntryRow, type LedgerWriter, type Store, type SummaryRow } from '../store/index.js';
import {
  databaseBlobStore,
  prepareBlob,
  type BlobInput,
  type BlobRef,
  type BlobStore,
  type PreparedBlob,
} from './blobs.js';
import { checkOrigin, openCheckpoint, signCheckpoint, type Checkpoint } from './checkpoint.js';
import {
  checkEnvelopeSignature,
  envelopePayload,
  parseEnvelope,
  serializeEnvelope,
  signEnvelopes,
  type Envelope,
} from './dsse.js';
import { loadSigner, loadTrustedKeys, publicKeyFromRaw, type PublicKey, type Signer } from './keys.js';
import {
  appendLeaves,
  leafHash,
  MissingHashError,
  rootAt,
  subtreeBlocks,
  keyOf,
  type HashReader,
} from './merkle.js';
import { consistencyProof, inclusionProof, verifyConsistency } from './proofs.js';
import { holdsSecret, redactStatement } from '../redact/index.js';
import { createRedactor, type Redactor } from './redact.js';
import {
  canonicalJson,
  evidenceType,
  parseStatement,
  sha256,
  statementBytes,
  type Statement,
} from './statement.js';
import { sealSummaries } from './index-mac.js';

export interface LedgerOptions {
  /** Repository root: keys under `.greenlight/keys/`, SQLite under `.greenlight/`. */
  root: string;
  /** Database URL; default GREENLIGHT_DATABASE_URL, else the SQLite file. */
  url?: string | undefined;
  /** Create the database when missing (default false: read commands never create one). */
  create?: boolean | undefined;
  /** Signing key; default: GREENLIGHT_LEDGER_KEY or `.greenlight/keys/ledger.key`, else read-only. */
  signer?: Signer | null | undefined;
  /** Keys whose signatures verify; default: the local public key (and signer). */
  trustedKeys?: PublicKey[] | undefined;
  /** Config `ledger.origin`; default `greenlight/<repository folder name>`. */
  origin?: string | undefined;
  /** Config `ledger.redact`: extra regular expressions removed from blobs. */
  redact?: readonly string[] | undefined;
  /** Clock, for tests. */
  now?: (() => Date) | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** Computes the read index's summary of each appended entry (see `Summarizer`). */
  summarizer?: Summarizer | undefined;
}

/**
 * A caller's compact, derived view of a statement, stored beside the entry when it is appended
 * (`ledger_summaries`) so that reading thousands of statements does not mean decoding thousands
 * of envelopes. `summarize` must be a pure function of its input: `verify` recomputes it, and
 * readers recompute it for entries without a summary of this `version` (older ledgers).
 */
export interface Summarizer {
  version: string;
  summarize(entry: SummarizedEntry): unknown;
}

export interface SummarizedEntry {
  seq: number;
  recordedAt: string;
  predicateType: string;
  statement: Statement;
}

/** The summary of one entry as stored (canonical JSON), or null when the summarizer has none. */
export function summaryOf(summarizer: Summarizer, entry: SummarizedEntry): string | null {
  const value = summarizer.summarize(entry);
  return value === undefined ? null : canonicalJson(value);
}

/** One statement to record, with the raw material it points to. */
export interface RecordItem {
  /** An in-toto Statement v1. Its predicate must not have a `blobs` key when blobs are given. */
  statement: Statement | Record<string, unknown>;
  /** Stored (redacted) as blobs; their references are added as `predicate.blobs`. */
  blobs?: BlobInput[] | undefined;
}

export interface RecordedEntry {
  seq: number;
  leafHash: string;
  /** SHA-256 of the statement bytes (the DSSE payload). */
  payloadDigest: string;
  predicateType: string;
  /** True when identical evidence was already in the ledger (nothing appended). */
  duplicate: boolean;
  blobs: BlobRef[];
}

export interface RecordResult {
  entries: RecordedEntry[];
  treeSize: number;
  checkpoint: Checkpoint | null;
}

export interface RecordOptions {
  /** Sign and store a checkpoint at the new size (default true). */
  checkpoint?: boolean | undefined;
}

/** An envelope ready to append: signed, serialized, hashed. */
export interface PreparedEntry {
  envelope: Buffer;
  /** The statement bytes (DSSE payload). */
  payload: Buffer;
  leafHash: Buffer;
  payloadDigest: Buffer;
  predicateType: string;
  blobs: PreparedBlob[];
}

export interface LedgerContext {
  root: string;
  store: Store;
  origin: string;
  /** Whether the origin is already written in the database. */
  originStored: boolean;
  signer: Signer | null;
  trusted: PublicKey[];
  /** Where the trusted keys came from: local key files, or (with none) the database's own key table. */
  trustSource: 'local' | 'database' | 'given';
  redactor: Redactor;
  blobStore: BlobStore;
  now: () => Date;
  read: HashReader;
  summarizer: Summarizer | null;
}

export function defaultOrigin(root: string): string {
  const name = path.basename(path.resolve(root)).replace(/[\s+]+/g, '-') || 'repository';
  return `greenlight/${name}`;
}

export async function openContext(opts: LedgerOptions): Promise<LedgerContext> {
  if (opts.origin !== undefined) checkOrigin(opts.origin);
  const env = opts.env ?? process.env;
  const signer = opts.signer === undefined ? loadSigner(opts.root, env) : opts.signer;
  const store = await openStore({ root: opts.root, url: opts.url, create: opts.create ?? false });
  try {
    const meta = await store.ledger.meta();
    const stored = meta.origin;
    if (stored !== undefined && opts.origin !== undefined && stored !== opts.origin) {
      throw new LedgerIntegrityError(
        `config ledger.origin is "${opts.origin}" but this ledger's origin is "${stored}"; ` +
          `checkpoints of one log cannot change origin (remove the setting or restore it)`,
      );
    }
    let trusted = opts.trustedKeys ?? loadTrustedKeys(opts.root, env);
    let trustSource: LedgerContext['trustSource'] = opts.trustedKeys ? 'given' : 'local';
    if (trusted.length === 0) {
      trusted = (await store.ledger.keys()).map((k) => publicKeyFromRaw(k.public_key));
      trustSource = 'database';
    }
    return {
      root: opts.root,
      store,
      origin: stored ?? opts.origin ?? defaultOrigin(opts.root),
      originStored: stored !== undefined,
      signer,
      trusted,
      trustSource,
      redactor: createRedactor(opts.redact ?? []),
      blobStore: databaseBlobStore(store.ledger),
      now: opts.now ?? (() => new Date()),
      read: (keys) => store.ledger.hashes(keys),
      summarizer: opts.summarizer ?? null,
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

export function requireSigner(ctx: LedgerContext): Signer {
  if (!ctx.signer) {
    throw new UsageError(
      `no ledger signing key: run \`greenlight init\` (creates .greenlight/keys/ledger.key) or set GREENLIGHT_LEDGER_KEY`,
    );
  }
  return ctx.signer;
}

/** Validates statements, redacts them and their blobs, keeps the blobs' bytes in memory, signs, hashes. */
export async function prepareEntries(ctx: LedgerContext, items: RecordItem[]): Promise<PreparedEntry[]> {
  const signer = requireSigner(ctx);
  const statements: Statement[] = [];
  const blobsPerItem: PreparedBlob[][] = [];
  for (const [i, item] of items.entries()) {
    const statement = parseStatement(item.statement, `statement ${i}`);
    const blobs: PreparedBlob[] = [];
    for (const input of item.blobs ?? []) blobs.push(await prepareBlob(input, ctx.redactor));
    if (blobs.length > 0) {
      if ('blobs' in statement.predicate) {
        throw new UsageError(`statement ${i}: predicate.blobs is reserved for the blobs the ledger stores`);
      }
      statement.predicate = { ...statement.predicate, blobs: blobs.map((b) => b.ref) };
    }
    statements.push(statement);
    blobsPerItem.push(blobs);
  }
  // One look at each statement's canonical bytes; only one that holds a secret is walked field by field.
  const payloads = statements.map((st, i) => {
    const bytes = statementBytes(st);
    if (!holdsSecret(bytes.toString('utf8'))) return bytes;
    statements[i] = redactStatement(st);
    return statementBytes(statements[i]);
  });
  const envelopes = await signEnvelopes(payloads, signer);
  return envelopes.map((env, i) => {
    const bytes = serializeEnvelope(env);
    return {
      envelope: bytes,
      payload: payloads[i] as Buffer,
      leafHash: leafHash(bytes),
      payloadDigest: sha256(payloads[i] as Buffer),
      predicateType: (statements[i] as Statement).predicateType,
      blobs: blobsPerItem[i] as PreparedBlob[],
    };
  });
}

/** Blob references named in a statement's predicate (as recordStatements writes them). */
export function statementBlobDigests(statement: Statement): string[] {
  const blobs = statement.predicate.blobs;
  if (!Array.isArray(blobs)) return [];
  const out: string[] = [];
  for (const b of blobs) {
    const hex = (b as { digest?: { sha256?: unknown } } | null)?.digest?.sha256;
    if (typeof hex === 'string' && /^[0-9a-f]{64}$/.test(hex)) out.push(hex);
  }
  return out;
}

async function frontier(tx: LedgerWriter, size: number): Promise<Buffer[]> {
  const keys = subtreeBlocks(0, size);
  const found = await tx.hashes(keys);
  return keys.map((k) => {
    const h = found.get(keyOf(k.level, k.idx));
    if (!h) {
      throw new LedgerIntegrityError(
        `stored hash ${k.level}/${k.idx} is missing: the log cannot be extended; run \`greenlight ledger verify\``,
      );
    }
    return h;
  });
}

/**
 * Before extending the log, its stored hashes must still match the newest signed checkpoint;
 * otherwise an edit of the tree would be laundered into new signed checkpoints.
 */
async function checkAgainstLatestCheckpoint(
  ctx: LedgerContext,
  tx: LedgerWriter,
  size: number,
  root: Buffer,
) {
  const latest = await tx.latestCheckpoint();
  if (!latest) return;
  const where = `checkpoint at size ${latest.tree_size}`;
  const cp = openCheckpoint(latest.note, ctx.origin, ctx.trusted, where);
  if (cp.treeSize !== latest.tree_size || !cp.rootHash.equals(latest.root_hash)) {
    throw new LedgerIntegrityError(`${where}: stored columns differ from the signed note`);
  }
  if (cp.treeSize > size) {
    throw new LedgerIntegrityError(
      `${where} is larger than the log (${size} entries): entries were removed; run \`greenlight ledger verify\``,
    );
  }
  const read: HashReader = (keys) => tx.hashes(keys);
  try {
    const oldRoot = await rootAt(cp.treeSize, read);
    const proof = await consistencyProof(cp.treeSize, size, read);
    if (!oldRoot.equals(cp.rootHash) || !verifyConsistency(cp.treeSize, size, cp.rootHash, root, proof)) {
      throw new LedgerIntegrityError(
        `the log no longer matches its ${where}; refusing to append: run \`greenlight ledger verify\``,
      );
    }
  } catch (err) {
    if (err instanceof MissingHashError) {
      throw new LedgerIntegrityError(
        `stored hash ${err.key.level}/${err.key.idx} is missing; run \`greenlight ledger verify\``,
      );
    }
    throw err;
  }
}

async function registerKeyAndOrigin(ctx: LedgerContext, tx: LedgerWriter, signer: Signer): Promise<void> {
  const keys = await tx.keys();
  if (!keys.some((k) => k.key_id === signer.keyId)) {
    if (keys.length > 0) {
      throw new LedgerIntegrityError(
        `wrong key: this ledger is signed by key ${keys.map((k) => k.key_id.slice(0, 16)).join(', ')}…, ` +
          `but the signing key is ${signer.keyId.slice(0, 16)}…; restore .greenlight/keys/ledger.key ` +
          `(or GREENLIGHT_LEDGER_KEY) instead of signing with a new key`,
      );
    }
    await tx.insertKey({
      key_id: signer.keyId,
      algorithm: signer.algorithm,
      public_key: signer.publicKey,
      added_at: ctx.now().toISOString(),
    });
  }
  if (!ctx.originStored) {
    const meta = await tx.meta();
    if (meta.origin === undefined) {
      await tx.insertMeta([
        { key: 'origin', value: ctx.origin },
        { key: 'created_at', value: ctx.now().toISOString() },
      ]);
    } else if (meta.origin !== ctx.origin) {
      throw new LedgerIntegrityError(`this ledger's origin is "${meta.origin}", not "${ctx.origin}"`);
    }
    ctx.originStored = true;
  }
}

/** Records the signing key and the origin in the database (what `greenlight init` does). */
export async function registerLedger(ctx: LedgerContext): Promise<void> {
  const signer = requireSigner(ctx);
  await ctx.store.ledger.write((tx) => registerKeyAndOrigin(ctx, tx, signer));
}

/**
 * Appends prepared entries in one transaction under the single-writer lock: entries whose
 * statement is already recorded are not appended again (idempotent); the rest get the next
 * sequence numbers, their blobs, stored hashes and, by default, a new signed checkpoint.
 */
export async function appendPrepared(
  ctx: LedgerContext,
  prepared: PreparedEntry[],
  opts: RecordOptions = {},
  /** Extra work in the same transaction, given the appended entries' seqs. */
  also?: (tx: LedgerWriter, seqs: number[]) => Promise<void>,
): Promise<RecordResult> {
  const signer = requireSigner(ctx);
  return ctx.store.ledger.write(async (tx) => {
    await registerKeyAndOrigin(ctx, tx, signer);
    const size = await tx.treeSize();
    const recordedAt = await nextRecordedAt(ctx, tx, size);
    const { fresh, results } = await assignSeqs(tx, prepared, size);
    const front = await frontier(tx, size);
    const before = appendLeaves(size, front, []);
    await checkAgainstLatestCheckpoint(ctx, tx, size, before.root);
    const appended = appendLeaves(
      size,
      front,
      fresh.map((p) => p.leafHash),
    );
    if (fresh.length > 0) await insertFresh(ctx, tx, fresh, size, recordedAt, appended.nodes);
    if (also)
      await also(
        tx,
        fresh.map((_, i) => size + i),
      );
    const checkpoint =
      (opts.checkpoint ?? true) && appended.size > 0
        ? await checkpointOf(ctx, tx, signer, appended, recordedAt)
        : null;
    return { entries: results, treeSize: appended.size, checkpoint };
  });
}

/** Taken under the lock and never before the previous entry's, so recording times only grow. */
async function nextRecordedAt(ctx: LedgerContext, tx: LedgerWriter, size: number): Promise<string> {
  let recordedAt = ctx.now().toISOString();
  if (size > 0) {
    const [last] = await tx.entries(size - 1, size);
    if (last && last.recorded_at > recordedAt) recordedAt = last.recorded_at;
  }
  return recordedAt;
}

/**
 * Each prepared entry's seq: the existing entry's when its statement is already recorded (or
 * earlier in this batch), else the next free one. Returns the entries to append and every result.
 */
async function assignSeqs(
  tx: LedgerWriter,
  prepared: PreparedEntry[],
  size: number,
): Promise<{ fresh: PreparedEntry[]; results: RecordedEntry[] }> {
  const existing = new Map<string, number>();
  for (const row of await tx.entriesByPayloadDigest(prepared.map((p) => p.payloadDigest))) {
    const hex = row.payload_sha256.toString('hex');
    if (!existing.has(hex)) existing.set(hex, row.seq);
  }
  const fresh: PreparedEntry[] = [];
  const results: RecordedEntry[] = [];
  for (const p of prepared) {
    const hex = p.payloadDigest.toString('hex');
    const dup = existing.get(hex);
    const seq = dup ?? size + fresh.length;
    if (dup === undefined) {
      existing.set(hex, seq);
      fresh.push(p);
    }
    results.push({
      seq,
      leafHash: p.leafHash.toString('hex'),
      payloadDigest: hex,
      predicateType: p.predicateType,
      duplicate: dup !== undefined,
      blobs: p.blobs.map((b) => b.ref),
    });
  }
  return { fresh, results };
}

/** The new entries' blobs, rows, payloads, summaries, blob references and stored hashes. */
async function insertFresh(
  ctx: LedgerContext,
  tx: LedgerWriter,
  fresh: PreparedEntry[],
  size: number,
  recordedAt: string,
  nodes: ReturnType<typeof appendLeaves>['nodes'],
): Promise<void> {
  await ctx.blobStore.put(
    fresh.flatMap((p) => p.blobs),
    tx,
  );
  await tx.insertEntries(
    fresh.map((p, i) => ({
      seq: size + i,
      leaf_hash: p.leafHash,
      payload_sha256: p.payloadDigest,
      predicate_type: p.predicateType,
      recorded_at: recordedAt,
    })),
  );
  await tx.insertPayloads(fresh.map((p, i) => ({ seq: size + i, envelope: p.envelope })));
  if (ctx.summarizer)
    await tx.insertSummaries(await sealSummaries(ctx, summaryRows(ctx.summarizer, fresh, size, recordedAt)));
  const refs = fresh.flatMap((p, i) => {
    const digests = new Map(p.blobs.map((b) => [b.ref.digest.sha256, b.digest]));
    return [...digests.values()].map((digest) => ({ seq: size + i, digest }));
  });
  if (refs.length) await tx.insertBlobRefs(refs);
  if (nodes.length) await tx.insertHashes(nodes);
}

/** A new signed checkpoint for the appended tree, or the stored one when it already covers that size. */
async function checkpointOf(
  ctx: LedgerContext,
  tx: LedgerWriter,
  signer: Signer,
  appended: { size: number; root: Buffer },
  recordedAt: string,
): Promise<Checkpoint> {
  const latest = await tx.latestCheckpoint();
  if (latest && latest.tree_size === appended.size) {
    return { origin: ctx.origin, treeSize: latest.tree_size, rootHash: latest.root_hash, note: latest.note };
  }
  const checkpoint = await signCheckpoint(ctx.origin, appended.size, appended.root, signer);
  await tx.insertCheckpoint({
    tree_size: checkpoint.treeSize,
    root_hash: checkpoint.rootHash,
    note: checkpoint.note,
    created_at: recordedAt,
  });
  return checkpoint;
}

/** The statement of a stored entry, after checking its envelope against the leaf hash. */
export function statementOfRow(row: EntryRow & { envelope: Buffer }): Statement {
  if (!leafHash(row.envelope).equals(row.leaf_hash)) {
    throw new LedgerIntegrityError(`entry ${row.seq}: the envelope does not match its leaf hash (altered)`);
  }
  const env = parseEnvelope(row.envelope, `entry ${row.seq}`);
  return parseStatement(JSON.parse(envelopePayload(env).toString('utf8')), `entry ${row.seq}`);
}

const trustedMaps = new WeakMap<readonly PublicKey[], ReadonlyMap<string, PublicKey>>();

/**
 * The statement of a stored entry for a reader that acts on it (the gate, the change population,
 * the read index): its envelope matches the leaf hash AND carries a signature by a trusted key.
 * A row rewritten with a matching leaf hash but without the signing key is refused (exit 3).
 */
export function trustedStatementOfRow(ctx: LedgerContext, row: EntryRow & { envelope: Buffer }): Statement {
  const statement = statementOfRow(row);
  let trusted = trustedMaps.get(ctx.trusted);
  if (!trusted) {
    trusted = new Map(ctx.trusted.map((k) => [k.keyId, k]));
    trustedMaps.set(ctx.trusted, trusted);
  }
  const env = parseEnvelope(row.envelope, `entry ${row.seq}`);
  const problem = checkEnvelopeSignature(env, envelopePayload(env), trusted);
  if (problem) {
    throw new LedgerIntegrityError(
      `entry ${row.seq}: ${problem}; the evidence cannot be used: run \`greenlight ledger verify\``,
    );
  }
  return statement;
}

function summaryRows(summarizer: Summarizer, fresh: PreparedEntry[], size: number, recordedAt: string) {
  const rows: Omit<SummaryRow, 'mac'>[] = [];
  fresh.forEach((p, i) => {
    const entry = {
      seq: size + i,
      recordedAt,
      predicateType: p.predicateType,
      statement: JSON.parse(p.payload.toString('utf8')) as Statement,
    };
    const summary = summaryOf(summarizer, entry);
    if (summary !== null)
      rows.push({
        seq: entry.seq,
        version: summarizer.version,
        predicate_type: entry.predicateType,
        recorded_at: recordedAt,
        summary,
        leaf_hash: p.leafHash,
      });
  });
  return rows;
}

export async function recordStatements(
  ctx: LedgerContext,
  items: RecordItem[],
  opts: RecordOptions = {},
): Promise<RecordResult> {
  return appendPrepared(ctx, await prepareEntries(ctx, items), opts);
}

/** Signs and stores a checkpoint at the current size (returns the existing one if already there). */
export async function makeCheckpoint(ctx: LedgerContext): Promise<Checkpoint> {
  const signer = requireSigner(ctx);
  return ctx.store.ledger.write(async (tx) => {
    await registerKeyAndOrigin(ctx, tx, signer);
    const size = await tx.treeSize();
    const root = appendLeaves(size, await frontier(tx, size), []).root;
    await checkAgainstLatestCheckpoint(ctx, tx, size, root);
    const latest = await tx.latestCheckpoint();
    if (latest && latest.tree_size === size) {
      return { origin: ctx.origin, treeSize: size, rootHash: latest.root_hash, note: latest.note };
    }
    const cp = await signCheckpoint(ctx.origin, size, root, signer);
    await tx.insertCheckpoint({
      tree_size: size,
      root_hash: cp.rootHash,
      note: cp.note,
      created_at: ctx.now().toISOString(),
    });
    return cp;
  });
}

export async function latestCheckpoint(ctx: LedgerContext): Promise<Checkpoint | null> {
  const row = await ctx.store.ledger.latestCheckpoint();
  if (!row) return null;
  return openCheckpoint(row.note, ctx.origin, ctx.trusted, `checkpoint at size ${row.tree_size}`);
}

/** Resolves `<seq>`, or a statement digest (`sha256:<hex>` or bare hex), to a sequence number. */
export async function resolveEntry(ctx: LedgerContext, ref: string): Promise<number> {
  const size = await ctx.store.ledger.treeSize();
  if (/^\d+$/.test(ref)) {
    const seq = Number(ref);
    if (seq >= size) throw new UsageError(`entry ${seq} does not exist (the ledger has ${size} entries)`);
    return seq;
  }
  const m = /^(?:sha256:)?([0-9a-fA-F]{64})$/.exec(ref);
  if (!m?.[1]) throw new UsageError(`"${ref}" is neither an entry number nor a sha256 statement digest`);
  const [row] = await ctx.store.ledger.entriesByPayloadDigest([Buffer.from(m[1].toLowerCase(), 'hex')]);
  if (!row) throw new UsageError(`no statement with digest sha256:${m[1].toLowerCase()} in the ledger`);
  return row.seq;
}

export interface InclusionProofResult {
  seq: number;
  treeSize: number;
  leafHash: string;
  rootHash: string;
  /** Audit path, deepest sibling first (RFC 9162 §2.1.3), hex. */
  proof: string[];
  /** The signed checkpoint at treeSize, when there is one. */
  checkpoint: string | null;
}

/** Proof against the newest checkpoint covering the entry (made now if none covers it and we can sign). */
export async function proveInclusion(ctx: LedgerContext, seq: number): Promise<InclusionProofResult> {
  let cp = await latestCheckpoint(ctx);
  if ((!cp || cp.treeSize <= seq) && ctx.signer) cp = await makeCheckpoint(ctx);
  const treeSize = cp && cp.treeSize > seq ? cp.treeSize : await ctx.store.ledger.treeSize();
  const proof = await inclusionProof(seq, treeSize, ctx.read);
  const leaves = await ctx.read([{ level: 0, idx: seq }]);
  const root = await rootAt(treeSize, ctx.read);
  if (cp && cp.treeSize === treeSize && !root.equals(cp.rootHash)) {
    throw new LedgerIntegrityError(
      `the log no longer matches its checkpoint at size ${treeSize}; run \`greenlight ledger verify\``,
    );
  }
  return {
    seq,
    treeSize,
    leafHash: (leaves.get(keyOf(0, seq)) as Buffer).toString('hex'),
    rootHash: root.toString('hex'),
    proof: proof.map((h) => h.toString('hex')),
    checkpoint: cp && cp.treeSize === treeSize ? cp.note : null,
  };
}

export interface ConsistencyProofResult {
  from: number;
  to: number;
  fromRoot: string;
  toRoot: string;
  proof: string[];
  checkpoint: string | null;
}

export async function proveConsistency(
  ctx: LedgerContext,
  from: number,
  to?: number,
): Promise<ConsistencyProofResult> {
  const size = await ctx.store.ledger.treeSize();
  let target = to;
  let note: string | null = null;
  if (target === undefined) {
    let cp = await latestCheckpoint(ctx);
    if ((!cp || cp.treeSize < from) && ctx.signer) cp = await makeCheckpoint(ctx);
    target = cp && cp.treeSize >= from ? cp.treeSize : size;
    note = cp && cp.treeSize === target ? cp.note : null;
  }
  if (from > target || target > size) {
    throw new UsageError(
      `no consistency proof from size ${from} to size ${target} (the ledger has ${size} entries)`,
    );
  }
  const proof = await consistencyProof(from, target, ctx.read);
  return {
    from,
    to: target,
    fromRoot: (await rootAt(from, ctx.read)).toString('hex'),
    toRoot: (await rootAt(target, ctx.read)).toString('hex'),
    proof: proof.map((h) => h.toString('hex')),
    checkpoint: note,
  };
}

export interface EntryView {
  seq: number;
  leafHash: string;
  payloadDigest: string;
  predicateType: string;
  evidenceType: string;
  recordedAt: string;
  pruned: { pruneSeq: number } | null;
  /** Null once pruned. */
  statement: Statement | null;
  envelope: Envelope | null;
  /** Null when the signature verifies with a trusted key; else why not. Null when pruned. */
  signatureProblem: string | null;
}

export async function showEntry(ctx: LedgerContext, seq: number): Promise<EntryView> {
  const [row] = await ctx.store.ledger.entries(seq, seq + 1);
  if (!row) throw new UsageError(`entry ${seq} does not exist`);
  const view: EntryView = {
    seq,
    leafHash: row.leaf_hash.toString('hex'),
    payloadDigest: row.payload_sha256.toString('hex'),
    predicateType: row.predicate_type,
    evidenceType: evidenceType(row.predicate_type),
    recordedAt: row.recorded_at,
    pruned: row.prune_seq === null ? null : { pruneSeq: row.prune_seq },
    statement: null,
    envelope: null,
    signatureProblem: null,
  };
  if (row.envelope) {
    const where = `entry ${seq}`;
    if (!leafHash(row.envelope).equals(row.leaf_hash)) {
      throw new LedgerIntegrityError(`${where}: the envelope does not match its leaf hash (altered)`);
    }
    const env = parseEnvelope(row.envelope, where);
    const payload = envelopePayload(env);
    view.envelope = env;
    view.statement = parseStatement(JSON.parse(payload.toString('utf8')), where);
    view.signatureProblem = checkEnvelopeSignature(
      env,
      payload,
      new Map(ctx.trusted.map((k) => [k.keyId, k])),
    );
  } else if (row.prune_seq === null) {
    throw new LedgerIntegrityError(`entry ${seq}: the payload is missing and no prune record explains it`);
  }
  return view;
}
