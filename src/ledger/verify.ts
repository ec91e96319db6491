import { availableParallelism } from 'node:os';
import { LedgerIntegrityError } from '../errors.js';
import type { BlobRefRow, FullEntryRow } from '../store/index.js';
import { decodeBlob } from './blobs.js';
import { openCheckpoint } from './checkpoint.js';
import type { EnvelopeBatch, EnvelopeResults } from './envelope-check.js';
import { statementOfRow, summaryOf, type LedgerContext } from './ledger.js';
import { EMPTY_ROOT, foldRight, leafHash, nodeHash, rootAt, subtreeBlocks } from './merkle.js';
import { keyIdOf } from './keys.js';
import { PREDICATE_TYPES } from './statement.js';
import { inlineRunner, workerRunner, type CheckRunner } from './workers.js';
import { macMatches, readerIndexKey } from './index-mac.js';

/**
 * `ledger verify`: recompute every leaf hash from the stored envelope, every stored subtree
 * hash from the leaves, every checkpoint's root, check every envelope (digest and type columns,
 * signature) and every blob against its address, and explain every missing payload or blob by
 * a signed prune statement. Issues name the first entry they concern.
 */

export interface VerifyOptions {
  /**
   * `all` (default): check the Ed25519 signature of every entry. `checkpoints`: entries covered
   * by the newest checkpoint are vouched for by its signature once the recomputed tree matches
   * its root (the signed root commits to every envelope byte); later entries are checked one by one.
   */
  signatures?: 'all' | 'checkpoints' | undefined;
  /** Also run the database's own consistency check (SQLite `PRAGMA quick_check`). */
  deep?: boolean | undefined;
  /** Entries read per query (default 5,000). */
  chunkSize?: number | undefined;
  /** Worker threads for envelope checks; default: all cores for large ledgers, none for small. */
  workers?: number | undefined;
  /**
   * Memo of envelope checks that passed, keyed by leaf hash, columns and trusted keys (a pure
   * function of its key). Long-running callers that verify repeatedly pass one Map.
   */
  cache?: Map<string, string[]> | undefined;
  /**
   * Signed checkpoints kept outside the database (note texts). Each must be consistent with the
   * log: this is what detects a cut tail, which the database alone cannot prove.
   */
  witnesses?: string[] | undefined;
  /** Issues kept in the report (default 1,000; the count covers all). */
  maxIssues?: number | undefined;
}

export interface VerifyIssue {
  /** The first entry concerned, or null when the issue is not about one entry. */
  seq: number | null;
  kind:
    | 'entry-missing'
    | 'leaf'
    | 'envelope'
    | 'payload-missing'
    | 'blob-refs'
    | 'hash'
    | 'hash-missing'
    | 'hash-extra'
    | 'checkpoint'
    | 'blob'
    | 'blob-missing'
    | 'prune'
    | 'orphan'
    | 'hold'
    | 'entry-order'
    | 'entry-duplicate'
    | 'summary'
    | 'database';
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  origin: string;
  treeSize: number;
  rootHash: string;
  checkpoints: number;
  latestCheckpoint: number | null;
  signaturesChecked: number;
  /** Entries whose signature the newest verified checkpoint vouches for (signatures: checkpoints). */
  signaturesVouched: number;
  prunedEntries: number;
  blobs: number;
  trustedKeys: string[];
  trustSource: LedgerContext['trustSource'];
  issueCount: number;
  issues: VerifyIssue[];
  /** The issue with the lowest entry number (else the first found). */
  firstBad: VerifyIssue | null;
  /** Milliseconds per phase, for benchmarks and slow-ledger diagnosis. */
  timings: Record<string, number>;
}

/**
 * The read index (`ledger_summaries`): every summary belongs to an unpruned entry and, for the
 * summarizer's current version, equals the summary recomputed from that entry's statement.
 * Envelopes whose leaf does not match are reported by the entry pass, not again here.
 */
async function verifySummaries(
  ctx: LedgerContext,
  size: number,
  pruned: ReadonlySet<number>,
  issue: Issue,
): Promise<void> {
  const store = ctx.store.ledger;
  const key = await readerIndexKey(ctx); // codes are checked when this process holds the signing key
  const step = 4096;
  for (let from = 0; ; from += step) {
    const rows = await store.summariesRange(from, from >= size ? Number.MAX_SAFE_INTEGER : from + step);
    const live = rows.filter((r) => r.seq < size && !pruned.has(r.seq));
    const current = live.filter((r) => r.version === ctx.summarizer?.version);
    const entries = new Map((await store.entriesBySeq(live.map((r) => r.seq))).map((e) => [e.seq, e]));
    for (const r of rows) {
      if (r.seq >= size)
        issue(r.seq, 'summary', `entry ${r.seq}: a summary exists for an entry that does not`);
      else if (pruned.has(r.seq))
        issue(r.seq, 'summary', `entry ${r.seq}: a pruned entry still has a summary`);
    }
    for (const r of live) {
      const e = entries.get(r.seq);
      if (e && (e.predicate_type !== r.predicate_type || e.recorded_at !== r.recorded_at))
        issue(r.seq, 'summary', `entry ${r.seq}: its summary names another kind or time than the entry`);
      else if (e && !e.leaf_hash.equals(r.leaf_hash))
        issue(r.seq, 'summary', `entry ${r.seq}: its summary is bound to another leaf hash than the entry's`);
      else if (key && !macMatches(key, r.version, r, r.mac))
        issue(
          r.seq,
          'summary',
          `entry ${r.seq}: its summary fails its authentication code (the read index was altered)`,
        );
    }
    for (const r of current) {
      const e = entries.get(r.seq);
      if (!e?.envelope) continue;
      let expected: string | null;
      try {
        expected = summaryOf(ctx.summarizer!, {
          seq: e.seq,
          recordedAt: e.recorded_at,
          predicateType: e.predicate_type,
          statement: statementOfRow(e as FullEntryRow & { envelope: Buffer }),
        });
      } catch {
        continue; // an altered or unreadable envelope is reported by the entry pass
      }
      if (expected !== r.summary)
        issue(
          r.seq,
          'summary',
          `entry ${r.seq}: its stored summary does not match its statement (the read index was altered)`,
        );
    }
    if (from >= size) break;
  }
}

interface PruneStatement {
  entries: [number, number][];
  blobs: string[];
}

type Issue = (seq: number | null, kind: VerifyIssue['kind'], message: string) => void;

export async function verifyLedger(ctx: LedgerContext, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const store = ctx.store.ledger;
  const chunk = 2 ** Math.max(1, Math.round(Math.log2(opts.chunkSize ?? 4096)));
  const found = issueCollector(opts.maxIssues ?? 1000);
  const issue = found.issue;
  const { timings, mark } = phaseTimer();
  const size = await store.treeSize();
  const vouchedUpTo = await vouchedSize(ctx, size, opts.signatures ?? 'all');
  const levels = emptyLevels(size);
  const entries = await verifyEntries(ctx, opts, { size, chunk, vouchedUpTo, levels, issue });
  const admin = await loadAdminStatements(ctx);
  mark('entries');
  completeLevels(levels, chunk);
  mark('levels');
  await verifyStoredHashes(ctx, levels, size, issue);
  const rootOf = (n: number) => rootFromLevels(levels, n);
  const root = rootOf(size);
  mark('storedHashes');
  const checkpoints = await verifyCheckpoints(ctx, opts.witnesses ?? [], {
    size,
    vouchedUpTo,
    rootOf,
    issue,
  });
  mark('checkpoints');
  const blobCount = await verifyBlobs(ctx, entries.referenced, issue);
  mark('blobs');
  const pruned = await verifyPrunes(ctx, admin.prunes, size, issue);
  await verifyHolds(ctx, admin.holds, issue);
  await verifyKeysAndMetadata(ctx, size, issue);
  mark('records');
  await verifySummaries(ctx, size, pruned, issue);
  mark('summaries');
  await verifyNoOrphans(ctx, size, issue);
  mark('other');
  if (opts.deep) {
    for (const problem of await store.quickCheck()) issue(null, 'database', `database check: ${problem}`);
  }
  return {
    ok: found.count() === 0,
    origin: ctx.origin,
    treeSize: size,
    rootHash: root.toString('hex'),
    checkpoints: checkpoints.count,
    latestCheckpoint: checkpoints.latest,
    signaturesChecked: entries.signaturesChecked,
    signaturesVouched: entries.signaturesVouched,
    prunedEntries: entries.prunedEntries,
    blobs: blobCount,
    trustedKeys: ctx.trusted.map((k) => k.keyId),
    trustSource: ctx.trustSource,
    issueCount: found.count(),
    issues: found.issues,
    firstBad: firstBadIssue(found.issues),
    timings,
  };
}

/** Issues as they are found: all counted, the first `maxIssues` kept. */
function issueCollector(maxIssues: number) {
  const issues: VerifyIssue[] = [];
  let issueCount = 0;
  const issue: Issue = (seq, kind, message) => {
    issueCount++;
    if (issues.length < maxIssues) issues.push({ seq, kind, message });
  };
  return { issues, issue, count: () => issueCount };
}

/** Milliseconds since the previous mark, per phase. */
function phaseTimer() {
  const timings: Record<string, number> = {};
  let lap = performance.now();
  const mark = (phase: string) => {
    const now = performance.now();
    timings[phase] = Math.round((now - lap) * 10) / 10;
    lap = now;
  };
  return { timings, mark };
}

/**
 * With `signatures: checkpoints`, the newest checkpoint vouches for entries below its size
 * provided the tree recomputed from the envelopes matches its signed root (checked by
 * `verifyCheckpoints`). 0 when nothing is vouched for.
 */
async function vouchedSize(ctx: LedgerContext, size: number, mode: 'all' | 'checkpoints'): Promise<number> {
  if (mode !== 'checkpoints') return 0;
  const latest = await ctx.store.ledger.latestCheckpoint();
  if (!latest || latest.tree_size > size) return 0;
  try {
    const cp = openCheckpoint(latest.note, ctx.origin, ctx.trusted, 'checkpoint');
    return (await rootAt(cp.treeSize, ctx.read)).equals(cp.rootHash) ? cp.treeSize : 0;
  } catch {
    return 0; // reported in full by the checkpoint pass
  }
}

/** levels[l] holds the hashes of the complete subtrees of 2^l leaves; level 0 the leaves. */
function emptyLevels(size: number): Buffer[] {
  const levels: Buffer[] = [];
  for (let width = 1; width <= Math.max(1, size); width *= 2)
    levels.push(Buffer.alloc(Math.floor(size / width) * 32));
  return levels;
}

type Slot = { row: FullEntryRow; key: string; cached: string[] | undefined } | null;

interface EntryPass {
  size: number;
  chunk: number;
  vouchedUpTo: number;
  levels: Buffer[];
  issue: Issue;
}

interface EntryTally {
  signaturesChecked: number;
  signaturesVouched: number;
  prunedEntries: number;
  /** blob digest → first unpruned entry naming it */
  referenced: Map<string, number>;
  /** The next entry number expected, to report deleted rows. */
  expected: number;
  lastRecordedAt: string;
}

/**
 * The entry pass: read the entries in runs of `chunk` (a power of two, so runs are aligned) and
 * hand each run to the envelope checkers (leaf hash, columns, signature, blob names), which also
 * hash every level of the tree up to log2(chunk); the levels above are completed by
 * `completeLevels`. Runs are checked while the next ones are read.
 */
async function verifyEntries(ctx: LedgerContext, opts: VerifyOptions, pass: EntryPass): Promise<EntryTally> {
  const { size, chunk } = pass;
  const store = ctx.store.ledger;
  const trustKey = ctx.trusted
    .map((k) => k.keyId)
    .sort()
    .join(',');
  const tally: EntryTally = {
    signaturesChecked: 0,
    signaturesVouched: 0,
    prunedEntries: 0,
    referenced: new Map(),
    expected: 0,
    lastRecordedAt: '',
  };
  const workers = opts.workers ?? (size >= 20_000 ? Math.max(1, availableParallelism()) : 0);
  const runner: CheckRunner = workers > 0 ? workerRunner(workers, ctx.trusted) : inlineRunner(ctx.trusted);
  const inflight = new Set<Promise<void>>();
  try {
    for (let from = 0; from < size; from += chunk) {
      const to = Math.min(size, from + chunk);
      const rows = await store.entries(from, to);
      const refs = groupRefs(await store.blobRefs(from, to));
      const slots = checkRows(rows, from, to, { opts, pass, tally, trustKey });
      const job = runner
        .run(packBatch(from, slots, pass.vouchedUpTo))
        .then((res) => applyResults(res, from, to, slots, refs, { opts, pass, tally }));
      inflight.add(job);
      void job.finally(() => inflight.delete(job));
      if (inflight.size >= Math.max(2, workers * 2)) await Promise.race(inflight);
    }
    await Promise.all(inflight);
  } finally {
    await runner.close();
  }
  return tally;
}

/**
 * The row checks of one run: deleted rows, order of recording, missing payloads; and the slot of
 * each row for the envelope checkers, with its memo key and memoized result.
 */
function checkRows(
  rows: FullEntryRow[],
  from: number,
  to: number,
  {
    opts,
    pass,
    tally,
    trustKey,
  }: { opts: VerifyOptions; pass: EntryPass; tally: EntryTally; trustKey: string },
): Slot[] {
  const { issue, vouchedUpTo } = pass;
  const slots: Slot[] = new Array(to - from).fill(null);
  for (const row of rows) {
    for (; tally.expected < row.seq; tally.expected++) {
      issue(tally.expected, 'entry-missing', `entry ${tally.expected} is missing (row deleted)`);
    }
    tally.expected = row.seq + 1;
    const { seq } = row;
    if (row.recorded_at < tally.lastRecordedAt) {
      issue(
        seq,
        'entry-order',
        `entry ${seq}: recorded at ${row.recorded_at}, before the entry preceding it`,
      );
    }
    tally.lastRecordedAt = row.recorded_at;
    const key =
      opts.cache && row.envelope
        ? `${row.leaf_hash.toString('base64')}${row.payload_sha256.toString('base64')}${row.predicate_type}|${
            seq < vouchedUpTo ? 'v' : trustKey
          }`
        : '';
    slots[seq - from] = { row, key, cached: key ? opts.cache?.get(key) : undefined };
    if (!row.envelope) {
      if (row.prune_seq === null) {
        issue(seq, 'payload-missing', `entry ${seq}: the payload is missing and no prune record explains it`);
      } else {
        tally.prunedEntries++;
      }
    }
  }
  for (; tally.expected < to; tally.expected++)
    issue(tally.expected, 'entry-missing', `entry ${tally.expected} is missing (row deleted)`);
  return slots;
}

/** One run's envelope results: its tree levels, leaf and envelope issues, signature counts, blob names. */
function applyResults(
  res: EnvelopeResults,
  from: number,
  to: number,
  slots: Slot[],
  refs: Map<number, string[]>,
  { opts, pass, tally }: { opts: VerifyOptions; pass: EntryPass; tally: EntryTally },
): void {
  const { levels, issue, vouchedUpTo } = pass;
  tally.signaturesChecked += res.signaturesChecked;
  (levels[0] as Buffer).set(res.leaves, from * 32);
  let at = 0;
  for (let l = 1, width = 2; width <= to - from; l++, width *= 2) {
    const count = Math.floor((to - from) / width);
    (levels[l] as Buffer).set(res.nodes.subarray(at * 32, (at + count) * 32), (from / width) * 32);
    at += count;
  }
  slots.forEach((slot, i) => {
    if (!slot?.row.envelope) return;
    const { row, key, cached } = slot;
    const seq = row.seq;
    if (!res.leafOk[i]) {
      issue(seq, 'leaf', `entry ${seq}: the envelope does not match its leaf hash (entry altered)`);
    }
    if (cached) {
      if (seq < vouchedUpTo) tally.signaturesVouched++;
      else tally.signaturesChecked++;
      compareRefs(seq, cached, refs.get(seq), tally.referenced, issue);
      return;
    }
    const problem = res.problems[i];
    if (problem) {
      issue(seq, 'envelope', `entry ${seq}: ${problem}`);
      return;
    }
    if (seq < vouchedUpTo) tally.signaturesVouched++;
    if (res.leafOk[i] && key) opts.cache?.set(key, res.blobs[i] as string[]);
    compareRefs(seq, res.blobs[i] as string[], refs.get(seq), tally.referenced, issue);
  });
}

/** The blobs a statement names against the blob references stored for its entry. */
function compareRefs(
  seq: number,
  named: string[],
  rows: string[] | undefined,
  referenced: Map<string, number>,
  issue: Issue,
): void {
  if (named.length === 0 && rows === undefined) return; // most entries have no blobs
  const a = [...new Set(named)].sort();
  const b = [...new Set(rows ?? [])].sort();
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    issue(seq, 'blob-refs', `entry ${seq}: the blob references in the database differ from the statement's`);
  }
  for (const d of a) if (!referenced.has(d)) referenced.set(d, seq);
}

/** The tree: the levels above the runs the envelope checkers hashed. */
function completeLevels(levels: Buffer[], chunk: number): void {
  for (let l = Math.log2(chunk) + 1; l < levels.length; l++) {
    const below = levels[l - 1] as Buffer;
    const level = levels[l] as Buffer;
    for (let i = 0; i < level.length / 32; i++) {
      nodeHash(below.subarray(64 * i, 64 * i + 32), below.subarray(64 * i + 32, 64 * i + 64)).copy(
        level,
        32 * i,
      );
    }
  }
}

/** Every stored subtree hash equals the recomputed one; none is missing, none lies beyond the tree. */
async function verifyStoredHashes(
  ctx: LedgerContext,
  levels: Buffer[],
  size: number,
  issue: Issue,
): Promise<void> {
  const store = ctx.store.ledger;
  const seen = levels.map((l) => new Uint8Array(l.length / 32));
  const checkHashRow = (row: { level: number; idx: number; hash: Buffer }) => {
    const level = levels[row.level];
    const count = level ? level.length / 32 : 0;
    const first = row.idx * 2 ** row.level;
    const range = `entries ${first}..${first + 2 ** row.level - 1}`;
    if (!level || row.idx >= count) {
      issue(
        Math.min(first, size),
        'hash-extra',
        `stored hash ${row.level}/${row.idx} (${range}) has no entries under it: entries were removed`,
      );
      return;
    }
    (seen[row.level] as Uint8Array)[row.idx] = 1;
    if (!level.subarray(row.idx * 32, row.idx * 32 + 32).equals(row.hash)) {
      issue(first, 'hash', `stored hash ${row.level}/${row.idx} (${range}) does not match the entries`);
    }
  };
  // every level the tree has, in index ranges; then anything stored outside them (extra rows)
  for (let l = 1; l < levels.length; l++) {
    const count = (levels[l] as Buffer).length / 32;
    for (let lo = 0; lo < count; lo += 50_000) {
      for (const row of await store.hashesRange(l, lo, Math.min(count, lo + 50_000))) checkHashRow(row);
    }
  }
  for (const row of await store.hashesOutside(levels.map((l) => l.length / 32))) checkHashRow(row);
  for (let l = 1; l < seen.length; l++) {
    const marks = seen[l] as Uint8Array;
    for (let i = 0; i < marks.length; i++) {
      if (!marks[i]) issue(i * 2 ** l, 'hash-missing', `stored hash ${l}/${i} is missing`);
    }
  }
}

/**
 * Checkpoints, stored and kept outside the database (witnesses): signed by a trusted key, for
 * this origin, consistent with the recomputed tree; and the one that vouched for signatures verifies.
 */
async function verifyCheckpoints(
  ctx: LedgerContext,
  witnesses: readonly string[],
  {
    size,
    vouchedUpTo,
    rootOf,
    issue,
  }: { size: number; vouchedUpTo: number; rootOf: (n: number) => Buffer; issue: Issue },
): Promise<{ count: number; latest: number | null }> {
  const checkpoints = await ctx.store.ledger.checkpoints();
  let latest: number | null = null;
  for (const row of checkpoints) {
    const where = `checkpoint at size ${row.tree_size}`;
    try {
      const cp = openCheckpoint(row.note, ctx.origin, ctx.trusted, where);
      if (cp.treeSize !== row.tree_size || !cp.rootHash.equals(row.root_hash)) {
        issue(null, 'checkpoint', `${where}: the stored size/root differ from the signed note`);
        continue;
      }
      if (cp.treeSize > size) {
        issue(
          size,
          'checkpoint',
          `${where} covers ${cp.treeSize} entries but the ledger has ${size}: entries were removed`,
        );
        continue;
      }
      if (!rootOf(cp.treeSize).equals(cp.rootHash)) {
        issue(null, 'checkpoint', `${where} does not match the log: entries were altered or the log forked`);
        continue;
      }
      latest = Math.max(latest ?? 0, cp.treeSize);
    } catch (err) {
      if (!(err instanceof LedgerIntegrityError)) throw err;
      issue(null, 'checkpoint', err.message);
    }
  }
  if (size > 0 && checkpoints.length === 0) {
    issue(
      null,
      'checkpoint',
      `the ledger has ${size} entries but no signed checkpoint (checkpoints removed)`,
    );
  }
  verifyWitnesses(ctx, witnesses, size, rootOf, issue);
  if (vouchedUpTo > 0 && (latest === null || latest < vouchedUpTo)) {
    issue(
      null,
      'checkpoint',
      `the checkpoint at size ${vouchedUpTo} that vouched for signatures does not verify`,
    );
  }
  return { count: checkpoints.length, latest };
}

/** Checkpoints kept outside the database: the only defence against a rewritten or cut tail. */
function verifyWitnesses(
  ctx: LedgerContext,
  witnesses: readonly string[],
  size: number,
  rootOf: (n: number) => Buffer,
  issue: Issue,
): void {
  for (const [i, text] of witnesses.entries()) {
    const where = `kept checkpoint ${i + 1}`;
    try {
      const cp = openCheckpoint(text, ctx.origin, ctx.trusted, where);
      if (cp.treeSize > size) {
        issue(
          size,
          'checkpoint',
          `${where} covers ${cp.treeSize} entries but the ledger has ${size}: entries were removed`,
        );
      } else if (!rootOf(cp.treeSize).equals(cp.rootHash)) {
        issue(
          null,
          'checkpoint',
          `${where} (size ${cp.treeSize}) does not match the log: the log was rewritten or forked`,
        );
      }
    } catch (err) {
      if (!(err instanceof LedgerIntegrityError)) throw err;
      issue(null, 'checkpoint', err.message);
    }
  }
}

/** Blobs: each decodes to its address; each one an unpruned entry names is present. Returns the count. */
async function verifyBlobs(
  ctx: LedgerContext,
  referenced: Map<string, number>,
  issue: Issue,
): Promise<number> {
  const present = new Set<string>();
  let blobCount = 0;
  let after: Buffer | null = null;
  for (;;) {
    const rows = await ctx.store.ledger.blobsAfter(after, 500);
    if (rows.length === 0) break;
    for (const row of rows) {
      blobCount++;
      const hex = row.digest.toString('hex');
      try {
        decodeBlob(row);
        present.add(hex);
      } catch (err) {
        if (!(err instanceof LedgerIntegrityError)) throw err;
        issue(referenced.get(hex) ?? null, 'blob', err.message);
        present.add(hex); // reported as altered, not as missing
      }
    }
    after = (rows[rows.length - 1] as { digest: Buffer }).digest;
  }
  for (const [hex, seq] of referenced) {
    if (!present.has(hex)) issue(seq, 'blob-missing', `entry ${seq}: blob sha256:${hex} is missing`);
  }
  return blobCount;
}

/**
 * Every pruned payload and blob is covered by a signed prune statement, and every prune
 * statement's entries and blobs carry its prune records (none removed). Returns the pruned entries.
 */
async function verifyPrunes(
  ctx: LedgerContext,
  pruneStatements: Map<number, PruneStatement>,
  size: number,
  issue: Issue,
): Promise<Set<number>> {
  const store = ctx.store.ledger;
  for (const row of await store.prunes()) {
    if (row.seq >= size) continue; // counted as an orphan
    const st = pruneStatements.get(row.prune_seq);
    if (!st || !st.entries.some(([a, b]) => row.seq >= a && row.seq < b)) {
      issue(row.seq, 'prune', `entry ${row.seq}: its prune record is not backed by a signed prune statement`);
    }
  }
  for (const row of await store.blobPrunes()) {
    const hex = row.digest.toString('hex');
    const st = pruneStatements.get(row.prune_seq);
    if (!st || !st.blobs.includes(hex)) {
      issue(null, 'prune', `blob sha256:${hex}: its prune record is not backed by a signed prune statement`);
    }
  }
  const markerOf = new Map((await store.prunes()).map((p) => [p.seq, p.prune_seq]));
  const blobMarkers = new Set(
    (await store.blobPrunes()).map((p) => `${p.digest.toString('hex')}@${p.prune_seq}`),
  );
  for (const [pseq, st] of pruneStatements) {
    for (const [a, b] of st.entries) {
      for (let seq = Math.max(0, a); seq < Math.min(b, size); seq++) {
        if (markerOf.get(seq) !== pseq) {
          issue(seq, 'prune', `entry ${seq}: pruned by statement ${pseq}, but its prune record is missing`);
        }
      }
    }
    for (const hex of st.blobs) {
      if (!blobMarkers.has(`${hex}@${pseq}`)) {
        issue(
          pseq,
          'prune',
          `blob sha256:${hex}: pruned by statement ${pseq}, but its prune record is missing`,
        );
      }
    }
  }
  return new Set(markerOf.keys());
}

/** Legal holds: the table and the signed hold statements tell the same story. */
async function verifyHolds(
  ctx: LedgerContext,
  holds: Map<number, { holdId: unknown; action: unknown }>,
  issue: Issue,
): Promise<void> {
  const holdRows = await ctx.store.ledger.holds();
  const holdKeys = new Set(holdRows.map((h) => `${h.hold_id}|${h.action}|${h.statement_seq}`));
  for (const h of holdRows) {
    const st = holds.get(h.statement_seq);
    if (!st || st.holdId !== h.hold_id || st.action !== h.action) {
      issue(
        h.statement_seq,
        'hold',
        `legal hold ${h.hold_id} (${h.action}) is not backed by its signed statement`,
      );
    }
  }
  for (const [seq, st] of holds) {
    if (!holdKeys.has(`${st.holdId}|${st.action}|${seq}`)) {
      issue(
        seq,
        'hold',
        `entry ${seq}: legal hold ${st.holdId} (${st.action}) is missing from the hold table`,
      );
    }
  }
}

/** Keys and log metadata: key ids match their keys, a trusted key is registered, no entry is copied. */
async function verifyKeysAndMetadata(ctx: LedgerContext, size: number, issue: Issue): Promise<void> {
  const store = ctx.store.ledger;
  const keyRows = await store.keys();
  for (const k of keyRows) {
    if (keyIdOf(k.public_key) !== k.key_id)
      issue(null, 'database', `key ${k.key_id.slice(0, 16)}…: id does not match the key`);
  }
  const trustedIds = new Set(ctx.trusted.map((k) => k.keyId));
  if (size > 0 && !keyRows.some((k) => trustedIds.has(k.key_id))) {
    issue(
      null,
      'database',
      'no trusted key is registered in the ledger key table (rows removed or wrong key)',
    );
  }
  const meta = await store.meta();
  if (meta.format === undefined || (size > 0 && meta.origin === undefined)) {
    issue(null, 'database', 'the ledger metadata (format, origin) is missing');
  }
  for (const dup of await store.duplicatePayloads()) {
    issue(
      dup.seq,
      'entry-duplicate',
      `entry ${dup.seq}: the same statement is recorded twice (a copied entry)`,
    );
  }
}

/** No payload, blob reference or prune record for an entry beyond the last one. */
async function verifyNoOrphans(ctx: LedgerContext, size: number, issue: Issue): Promise<void> {
  const orphans = await ctx.store.ledger.orphans(size);
  if (orphans.payloads + orphans.refs + orphans.prunes > 0) {
    issue(
      size,
      'orphan',
      `rows for entries beyond the last entry (${size - 1}) exist: ` +
        `${orphans.payloads} payloads, ${orphans.refs} blob references, ${orphans.prunes} prune records (entries removed)`,
    );
  }
}

const ENTRY_KINDS = new Set<VerifyIssue['kind']>([
  'entry-missing',
  'leaf',
  'envelope',
  'payload-missing',
  'blob-refs',
  'blob',
  'blob-missing',
  'prune',
  'entry-order',
  'entry-duplicate',
  'summary',
]);

/** The first bad entry: issues about one entry first, then range issues (stored hashes); else the first issue. */
function firstBadIssue(issues: VerifyIssue[]): VerifyIssue | null {
  const rank = (i: VerifyIssue) => (ENTRY_KINDS.has(i.kind) ? 0 : 1);
  const withSeq = issues
    .filter((i) => i.seq !== null)
    .sort((a, b) => rank(a) - rank(b) || (a.seq as number) - (b.seq as number));
  return withSeq[0] ?? issues[0] ?? null;
}

function groupRefs(rows: BlobRefRow[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const r of rows) {
    const list = out.get(r.seq) ?? [];
    list.push(r.digest.toString('hex'));
    out.set(r.seq, list);
  }
  return out;
}

function packBatch(
  base: number,
  slots: ({ row: FullEntryRow; cached: string[] | undefined } | null)[],
  vouchedUpTo: number,
): EnvelopeBatch {
  const n = slots.length;
  let total = 0;
  for (const slot of slots) total += slot?.row.envelope?.length ?? 0;
  const envelopes = new Uint8Array(total);
  const present = new Uint8Array(n);
  const payloadDigests = new Uint8Array(n * 32);
  const leafHashes = new Uint8Array(n * 32);
  const checkSignature = new Uint8Array(n);
  const checkContent = new Uint8Array(n);
  const predicateTypes: string[] = new Array(n).fill('');
  const offsets = [0];
  let pos = 0;
  slots.forEach((slot, i) => {
    if (slot) {
      const { row } = slot;
      leafHashes.set(row.leaf_hash, i * 32);
      present[i] = row.envelope ? 2 : 1;
      if (row.envelope) {
        envelopes.set(row.envelope, pos);
        pos += row.envelope.length;
        payloadDigests.set(row.payload_sha256, i * 32);
        predicateTypes[i] = row.predicate_type;
        checkSignature[i] = row.seq < vouchedUpTo ? 0 : 1;
        checkContent[i] = slot.cached ? 0 : 1;
      }
    }
    offsets.push(pos);
  });
  return {
    base,
    count: n,
    present,
    envelopes,
    offsets,
    payloadDigests,
    leafHashes,
    predicateTypes,
    checkSignature,
    checkContent,
  };
}

function readPrune(predicate: Record<string, unknown>): PruneStatement {
  const entries = Array.isArray(predicate.entries)
    ? predicate.entries.filter(
        (r): r is [number, number] =>
          Array.isArray(r) && typeof r[0] === 'number' && typeof r[1] === 'number',
      )
    : [];
  const blobs = Array.isArray(predicate.blobs)
    ? predicate.blobs.filter((b): b is string => typeof b === 'string')
    : [];
  return { entries, blobs };
}

/**
 * Prune and legal-hold statements, read in full (they are few). Their envelopes are checked
 * like every other entry by the main pass; an altered one is skipped here.
 */
async function loadAdminStatements(ctx: LedgerContext) {
  const prunes = new Map<number, PruneStatement>();
  const holds = new Map<number, { holdId: unknown; action: unknown }>();
  for (const type of [PREDICATE_TYPES.prune, PREDICATE_TYPES.legalHold]) {
    for (const e of await ctx.store.ledger.findEntries({ predicateType: type })) {
      const [row] = await ctx.store.ledger.entries(e.seq, e.seq + 1);
      if (!row?.envelope || !leafHash(row.envelope).equals(row.leaf_hash)) continue;
      let predicate: Record<string, unknown>;
      try {
        const env = JSON.parse(row.envelope.toString('utf8')) as { payload: string };
        const st = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as {
          predicateType?: unknown;
          predicate?: Record<string, unknown>;
        };
        if (st.predicateType !== type || !st.predicate) continue;
        predicate = st.predicate;
      } catch {
        continue;
      }
      if (type === PREDICATE_TYPES.prune) prunes.set(e.seq, readPrune(predicate));
      else holds.set(e.seq, { holdId: predicate.holdId, action: predicate.action });
    }
  }
  return { prunes, holds };
}

export function rootFromLevels(levels: Buffer[], size: number): Buffer {
  if (size === 0) return EMPTY_ROOT;
  return foldRight(
    subtreeBlocks(0, size).map((b) => (levels[b.level] as Buffer).subarray(b.idx * 32, b.idx * 32 + 32)),
  );
}
