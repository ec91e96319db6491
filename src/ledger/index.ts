import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../config/index.js';
import { LedgerIntegrityError, UsageError } from '../errors.js';
import { ensurePrivateDir, tightenFile, writePrivateFile } from '../private-files.js';
import type { EntryRow, SummaryRow } from '../store/index.js';
import type { Checkpoint } from './checkpoint.js';
import { exportLedger, type ExportManifest, type ExportOptions } from './export.js';
import { macMatches, readerIndexKey, sealSummaries, tamperedSummary } from './index-mac.js';
import { ensureKeyPair, ensurePublicKeyFile, KEY_DIR, KEY_ENV, loadSigner } from './keys.js';
import {
  latestCheckpoint,
  makeCheckpoint,
  openContext,
  proveConsistency,
  proveInclusion,
  recordStatements,
  registerLedger,
  requireSigner,
  resolveEntry,
  showEntry,
  trustedStatementOfRow,
  summaryOf,
  type ConsistencyProofResult,
  type EntryView,
  type InclusionProofResult,
  type LedgerContext,
  type LedgerOptions,
  type RecordItem,
  type RecordOptions,
  type RecordResult,
} from './ledger.js';
import { rootAt } from './merkle.js';
import type { Redaction } from './redact.js';
import {
  addHold,
  listHolds,
  prune,
  releaseHold,
  type Hold,
  type HoldSelector,
  type PruneOptions,
  type PruneReport,
} from './retention.js';
import { evidenceType, type Statement } from './statement.js';
import { verifyLedger, type VerifyOptions, type VerifyReport } from './verify.js';

/**
 * The ledger's entry point: signed in-toto statements in DSSE envelopes, appended to an RFC 9162 Merkle
 * log with signed C2SP checkpoints, content-addressed redacted blobs, retention and legal hold.
 * See docs/evidence.md.
 */

export type {
  LedgerOptions,
  RecordItem,
  RecordOptions,
  RecordResult,
  RecordedEntry,
  EntryView,
} from './ledger.js';
export type { InclusionProofResult, ConsistencyProofResult } from './ledger.js';
export type { BlobInput, BlobRef, BlobStore } from './blobs.js';
export type { Redaction } from './redact.js';
export type { Checkpoint } from './checkpoint.js';
export type { Signer, PublicKey } from './keys.js';
export type { Statement, ResourceDescriptor } from './statement.js';
export type { Envelope } from './dsse.js';
export type { VerifyOptions, VerifyReport, VerifyIssue } from './verify.js';
export type { Hold, HoldSelector, PruneOptions, PruneReport } from './retention.js';
export type { ExportOptions, ExportManifest, ExportVerifyOptions, ExportVerifyReport } from './export.js';
export { PREDICATE_TYPES, STATEMENT_TYPE, PREDICATE_BASE, evidenceType, canonicalJson } from './statement.js';
export { INTOTO_PAYLOAD_TYPE } from './dsse.js';
export { DEFAULT_RETENTION_DAYS, retentionFor } from './retention.js';
export { verifyExport, EXPORT_FORMAT } from './export.js';
export {
  signerFromPrivateKey,
  parsePublicKey,
  keyIdOf,
  KEY_ENV,
  loadTrustedKeys,
  loadSigner,
} from './keys.js';
export { noteVerifierKey, openCheckpoint } from './checkpoint.js';
export { verifyInclusion, verifyConsistency } from './proofs.js';
export { defaultOrigin } from './ledger.js';
export type { Summarizer, SummarizedEntry } from './ledger.js';

export interface EntrySummary {
  seq: number;
  predicateType: string;
  evidenceType: string;
  recordedAt: string;
  payloadDigest: string;
  leafHash: string;
}

export interface StatementQuery {
  predicateTypes: readonly string[];
  since?: Date | undefined;
  until?: Date | undefined;
  /** Only statements with a subject whose digest values include this (or one of these). */
  subjectDigest?: string | readonly string[] | undefined;
}

export interface SummaryQuery {
  predicateTypes: string[];
  since?: Date | undefined;
  until?: Date | undefined;
}

export interface StoredSummary {
  seq: number;
  recordedAt: string;
  predicateType: string;
  summary: unknown;
  /** True when the entry had no stored summary of this version and it was computed on read. */
  computed?: true;
  /** True when it was computed because the index could not be checked (no signing key here). */
  unchecked?: true;
}

export interface StoredStatement {
  seq: number;
  recordedAt: string;
  statement: Statement;
}

export interface LedgerStatus {
  origin: string;
  dialect: 'sqlite' | 'postgres';
  location: string;
  treeSize: number;
  rootHash: string;
  latestCheckpoint: { treeSize: number; createdAt: string } | null;
  keys: { keyId: string; algorithm: string; addedAt: string; trusted: boolean }[];
  canSign: boolean;
  prunedEntries: number;
  blobs: number;
  activeHolds: number;
}

export interface Ledger {
  readonly origin: string;
  readonly dialect: 'sqlite' | 'postgres';
  readonly location: string;
  /**
   * Records in-toto statements, each with optional raw material stored as redacted blobs
   * (referenced from `predicate.blobs`). Signs each as a DSSE envelope, appends all in one
   * transaction, and signs a checkpoint. Identical statements already recorded are not appended
   * again (`duplicate: true`), so re-recording the same evidence is idempotent.
   */
  recordStatements(items: RecordItem[], opts?: RecordOptions): Promise<RecordResult>;
  /** Entry metadata, e.g. every assessment statement recorded in a window (for evidence checks). */
  findEntries(query: {
    predicateType?: string;
    since?: Date;
    until?: Date;
    limit?: number;
  }): Promise<EntrySummary[]>;
  status(): Promise<LedgerStatus>;
  checkpoint(): Promise<Checkpoint>;
  latestCheckpoint(): Promise<Checkpoint | null>;
  /** `ref`: an entry number or a statement digest (`sha256:<hex>`). */
  proveInclusion(ref: string | number): Promise<InclusionProofResult>;
  proveConsistency(from: number, to?: number): Promise<ConsistencyProofResult>;
  show(ref: string | number): Promise<EntryView>;
  /** A blob's (redacted) bytes, verified against its digest; null once pruned. */
  getBlob(sha256Hex: string): Promise<Buffer | null>;
  /**
   * Redacts secrets from raw material the way the ledger will (secretlint recommended rules plus
   * `ledger.redact`). Callers that reference a blob by digest in their own predicate fields redact
   * first, digest the result, and pass `sha256` in the BlobInput.
   */
  redact(content: Uint8Array | string, name: string): Promise<{ bytes: Buffer; redaction: Redaction }>;
  /**
   * Statements by predicate type and recording time (and optionally a subject digest value such
   * as a commit SHA), oldest first. Each envelope is checked against its leaf hash; pruned
   * entries are skipped. Signatures are checked by `verify`, not here.
   */
  readStatements(query: StatementQuery): Promise<StoredStatement[]>;
  /**
   * The read index: the summarizer's summary of each unpruned entry of these predicate types in
   * [since, until), oldest first. Stored summaries are used as they are (`verify` checks them
   * against their statements); entries without one of this version are summarized from their
   * statement. Needs `LedgerOptions.summarizer`.
   */
  readSummaries(query: SummaryQuery): Promise<StoredSummary[]>;
  /** Writes missing read-index summaries (see `readSummaries`); needs `LedgerOptions.summarizer`. */
  reindex(progress?: (done: number, total: number) => void): Promise<{ entries: number; written: number }>;
  verify(opts?: VerifyOptions): Promise<VerifyReport>;
  prune(opts: PruneOptions): Promise<PruneReport>;
  addHold(input: { id?: string; reason: string; actor?: string; selector: HoldSelector }): Promise<Hold>;
  releaseHold(id: string, input: { reason: string; actor?: string }): Promise<Hold>;
  listHolds(): Promise<Hold[]>;
  export(opts: ExportOptions): Promise<ExportManifest>;
  close(): Promise<void>;
}

function summary(row: EntryRow): EntrySummary {
  return {
    seq: row.seq,
    predicateType: row.predicate_type,
    evidenceType: evidenceType(row.predicate_type),
    recordedAt: row.recorded_at,
    payloadDigest: row.payload_sha256.toString('hex'),
    leafHash: row.leaf_hash.toString('hex'),
  };
}

async function readSummaries(ctx: LedgerContext, q: SummaryQuery): Promise<StoredSummary[]> {
  const summarizer = ctx.summarizer;
  if (!summarizer) throw new UsageError('reading summaries needs a summarizer (LedgerOptions.summarizer)');
  const window = {
    version: summarizer.version,
    predicateTypes: [...new Set(q.predicateTypes)],
    since: q.since?.toISOString(),
    until: q.until?.toISOString(),
  };
  // Every summary read is checked against its authentication code (src/ledger/index-mac.ts).
  // Without the index key no row can be told from a forged one: every statement is read instead.
  const key = await readerIndexKey(ctx);
  if (key) {
    // Fast path: one key range of the summaries table, when every entry of the window has one.
    const fast = await ctx.store.ledger.summariesWindow(window);
    const read: StoredSummary[] = [];
    for await (const chunk of fast.chunks)
      for (const r of chunk) {
        if (!macMatches(key, window.version, r, r.mac)) throw tamperedSummary(r.seq);
        read.push({
          seq: r.seq,
          recordedAt: r.recorded_at,
          predicateType: r.predicate_type,
          summary: JSON.parse(r.summary) as unknown,
        });
      }
    if (read.length === fast.entries) return read;
  }
  const rows = await ctx.store.ledger.summariesOfTypes(window);
  const out: StoredSummary[] = [];
  const missing: number[] = [];
  for (const r of rows) {
    if (r.summary === null || !key) missing.push(r.seq);
    else {
      const bound = { ...r, summary: r.summary, leaf_hash: r.summary_leaf as Buffer };
      // the summary's copy of the leaf hash must be its entry's: a summary moved to another entry fails
      if (!r.summary_leaf?.equals(r.leaf_hash) || !macMatches(key, window.version, bound, r.mac))
        throw tamperedSummary(r.seq);
      out.push({
        seq: r.seq,
        recordedAt: r.recorded_at,
        predicateType: r.predicate_type,
        summary: JSON.parse(r.summary) as unknown,
      });
    }
  }
  if (missing.length === 0) return out;
  // Entries appended before summaries existed (or by another summarizer version): from the statement.
  for (const row of await ctx.store.ledger.entriesBySeq(missing)) {
    if (!row.envelope) continue;
    const entry = {
      seq: row.seq,
      recordedAt: row.recorded_at,
      predicateType: row.predicate_type,
      statement: trustedStatementOfRow(ctx, row as EntryRow & { envelope: Buffer }),
    };
    const summary = summaryOf(summarizer, entry);
    if (summary !== null)
      out.push({
        ...entry,
        summary: JSON.parse(summary) as unknown,
        computed: true,
        ...(key ? {} : { unchecked: true as const }),
      });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/**
 * Writes the read index for unpruned entries without a summary of the summarizer's version:
 * ledgers recorded before the index existed, or after the summarizer's format changed.
 */
async function reindex(
  ctx: LedgerContext,
  progress?: (done: number, total: number) => void,
): Promise<{ entries: number; written: number }> {
  const summarizer = ctx.summarizer;
  if (!summarizer) throw new UsageError('reindexing needs a summarizer (LedgerOptions.summarizer)');
  // Each summary is sealed with the index key, which only the signing key derives.
  requireSigner(ctx);
  const size = await ctx.store.ledger.treeSize();
  const step = 4096;
  let written = 0;
  for (let from = 0; from < size; from += step) {
    const to = Math.min(size, from + step);
    written += await ctx.store.ledger.write(async (tx) => {
      const have = new Set(
        (await tx.summariesRange(from, to)).filter((r) => r.version === summarizer.version).map((r) => r.seq),
      );
      const rows: Omit<SummaryRow, 'mac'>[] = [];
      for (const row of await tx.entries(from, to)) {
        if (have.has(row.seq) || !row.envelope) continue;
        const summary = summaryOf(summarizer, {
          seq: row.seq,
          recordedAt: row.recorded_at,
          predicateType: row.predicate_type,
          statement: trustedStatementOfRow(ctx, row as EntryRow & { envelope: Buffer }),
        });
        if (summary !== null)
          rows.push({
            seq: row.seq,
            version: summarizer.version,
            predicate_type: row.predicate_type,
            recorded_at: row.recorded_at,
            summary,
            leaf_hash: row.leaf_hash,
          });
      }
      if (rows.length) await tx.insertSummaries(await sealSummaries(ctx, rows));
      return rows.length;
    });
    progress?.(to, size);
  }
  return { entries: size, written };
}

/** Whether an envelope's payload text contains any of the digests (false only when none can be in it). */
function mayMention(envelope: Buffer, digests: readonly string[]): boolean {
  const m = /"payload"\s*:\s*"([A-Za-z0-9+/=]*)"/.exec(envelope.toString('latin1'));
  if (!m?.[1]) return true; // not our envelope layout: decide after the full decode
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  return digests.some((d) => text.includes(d));
}

async function readStatements(ctx: LedgerContext, q: StatementQuery): Promise<StoredStatement[]> {
  const want =
    q.subjectDigest === undefined
      ? null
      : new Set(typeof q.subjectDigest === 'string' ? [q.subjectDigest] : q.subjectDigest);
  const out: StoredStatement[] = [];
  const rows = await ctx.store.ledger.entriesOfTypes({
    predicateTypes: [...new Set(q.predicateTypes)],
    since: q.since?.toISOString(),
    until: q.until?.toISOString(),
  });
  const digests = want ? [...want] : [];
  for (const row of rows) {
    // Most entries of a kind are about other commits: skip those before the full decode (the
    // digest must appear in the statement's text), then check the parsed subjects exactly.
    if (want && !mayMention(row.envelope, digests)) continue;
    const statement = trustedStatementOfRow(ctx, row as EntryRow & { envelope: Buffer });
    if (want && !statement.subject.some((s) => Object.values(s.digest ?? {}).some((d) => want.has(d))))
      continue;
    out.push({ seq: row.seq, recordedAt: row.recorded_at, statement });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

function wrap(ctx: LedgerContext): Ledger {
  const seqOf = async (ref: string | number) => (typeof ref === 'number' ? ref : resolveEntry(ctx, ref));
  return {
    get origin() {
      return ctx.origin;
    },
    dialect: ctx.store.dialect,
    location: ctx.store.location,
    recordStatements: (items, opts) => recordStatements(ctx, items, opts),
    async findEntries(q) {
      const rows = await ctx.store.ledger.findEntries({
        predicateType: q.predicateType,
        since: q.since?.toISOString(),
        until: q.until?.toISOString(),
        limit: q.limit,
      });
      return rows.map(summary);
    },
    async status() {
      const size = await ctx.store.ledger.treeSize();
      const latest = await ctx.store.ledger.latestCheckpoint();
      const counts = await ctx.store.ledger.counts();
      const trusted = new Set(ctx.trusted.map((k) => k.keyId));
      return {
        origin: ctx.origin,
        dialect: ctx.store.dialect,
        location: ctx.store.location,
        treeSize: size,
        rootHash: (await rootAt(size, ctx.read)).toString('hex'),
        latestCheckpoint: latest ? { treeSize: latest.tree_size, createdAt: latest.created_at } : null,
        keys: (await ctx.store.ledger.keys()).map((k) => ({
          keyId: k.key_id,
          algorithm: k.algorithm,
          addedAt: k.added_at,
          trusted: trusted.has(k.key_id),
        })),
        canSign: ctx.signer !== null,
        prunedEntries: counts.prunes,
        blobs: counts.blobs,
        activeHolds: (await listHolds(ctx)).filter((h) => !h.released).length,
      };
    },
    checkpoint: () => makeCheckpoint(ctx),
    latestCheckpoint: () => latestCheckpoint(ctx),
    proveInclusion: async (ref) => proveInclusion(ctx, await seqOf(ref)),
    proveConsistency: (from, to) => proveConsistency(ctx, from, to),
    show: async (ref) => showEntry(ctx, await seqOf(ref)),
    getBlob: (hex) => ctx.blobStore.get(hex),
    redact: (content, name) =>
      ctx.redactor.redact(
        typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content),
        name,
      ),
    readStatements: (q) => readStatements(ctx, q),
    readSummaries: (q) => readSummaries(ctx, q),
    reindex: (progress) => reindex(ctx, progress),
    verify: (opts) => verifyLedger(ctx, opts),
    prune: (opts) => prune(ctx, opts),
    addHold: (input) => addHold(ctx, input),
    releaseHold: (id, input) => releaseHold(ctx, id, input),
    listHolds: () => listHolds(ctx),
    export: (opts) => exportLedger(ctx, opts),
    close: () => ctx.store.close(),
  };
}

export async function openLedger(opts: LedgerOptions): Promise<Ledger> {
  return wrap(await openContext(opts));
}

/** Ledger options from a loaded config: origin and redaction patterns. */
export function ledgerOptionsFromConfig(root: string, config: Config): LedgerOptions {
  return { root, origin: config.ledger.origin, redact: config.ledger.redact };
}

export interface InitLedgerResult {
  keyId: string;
  publicKeyFile: string;
  keyCreated: boolean;
  origin: string;
  dialect: 'sqlite' | 'postgres';
  location: string;
}

const GITIGNORE = `# greenlight: the database and the private key never belong in git
greenlight.db*
keys/*.key
*.partial-*
`;

/**
 * What `greenlight init` does for the ledger: create the database (running migrations), the
 * Ed25519 key pair (private key mode 0600) unless one exists, and record the public key and
 * the origin. Safe to run again. Refuses to mint a new key for a ledger signed by another.
 */
export async function initLedger(
  root: string,
  opts: { url?: string; configFile?: string } = {},
): Promise<InitLedgerResult> {
  const abs = path.resolve(root);
  const { config } = loadConfig(abs, opts.configFile);
  const base = { ...ledgerOptionsFromConfig(abs, config), url: opts.url, create: true };
  // Look before minting a key: a ledger that already has keys needs its own key restored.
  const probe = await openContext({ ...base, signer: null });
  try {
    const keys = await probe.store.ledger.keys();
    if (keys.length > 0 && !loadSigner(abs)) {
      throw new LedgerIntegrityError(
        `the ledger at ${probe.store.location} is signed by key ${keys[0]?.key_id.slice(0, 16)}…, but no ` +
          `private key is at ${path.join(abs, KEY_DIR, 'ledger.key')} (or GREENLIGHT_LEDGER_KEY); restore it`,
      );
    }
  } finally {
    await probe.store.close();
  }
  const dir = path.join(abs, '.greenlight');
  ensurePrivateDir(dir);
  const ignore = path.join(dir, '.gitignore');
  if (!existsSync(ignore)) writePrivateFile(ignore, GITIGNORE);
  tightenFile(ignore);
  const envSigner = process.env[KEY_ENV]?.trim() ? loadSigner(abs) : null;
  const pair = envSigner ? ensurePublicKeyFile(abs, envSigner) : ensureKeyPair(abs);
  const ctx = await openContext(base);
  try {
    await registerLedger(ctx);
    const signer = ctx.signer;
    return {
      keyId: signer?.keyId ?? pair.keyId,
      publicKeyFile: pair.publicKeyFile,
      keyCreated: pair.created,
      origin: ctx.origin,
      dialect: ctx.store.dialect,
      location: ctx.store.location,
    };
  } finally {
    await ctx.store.close();
  }
}
