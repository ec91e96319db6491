import { availableParallelism } from 'node:os';
import { LedgerIntegrityError } from '../errors.js';
import type { BlobRefRow, FullEntryRow } from '../store/index.js';
import { decodeBlob } from './blobs.js';
import { openCheckpoint } from './checkpoint.js';
import type { EnvelopeBatch, EnvelopeResults } from './envelope-check.js';
import type { LedgerContext } from './ledger.js';
import { EMPTY_ROOT, foldRight, leafHash, nodeHash, rootAt, subtreeBlocks } from './merkle.js';
import { PREDICATE_TYPES } from './statement.js';
import { inlineRunner, workerRunner, type CheckRunner } from './workers.js';

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
}

interface PruneStatement {
  entries: [number, number][];
  blobs: string[];
}

export async function verifyLedger(ctx: LedgerContext, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const store = ctx.store.ledger;
  const mode = opts.signatures ?? 'all';
  const chunk = opts.chunkSize ?? 5000;
  const maxIssues = opts.maxIssues ?? 1000;
  const issues: VerifyIssue[] = [];
  let issueCount = 0;
  const issue = (seq: number | null, kind: VerifyIssue['kind'], message: string) => {
    issueCount++;
    if (issues.length < maxIssues) issues.push({ seq, kind, message });
  };

  const size = await store.treeSize();
  const trustKey = ctx.trusted
    .map((k) => k.keyId)
    .sort()
    .join(',');

  // With `signatures: checkpoints`, the newest checkpoint vouches for entries below its size
  // provided the tree recomputed from the envelopes matches its signed root (checked below).
  let vouchedUpTo = 0;
  if (mode === 'checkpoints') {
    const latest = await store.latestCheckpoint();
    if (latest && latest.tree_size <= size) {
      try {
        const cp = openCheckpoint(latest.note, ctx.origin, ctx.trusted, 'checkpoint');
        if ((await rootAt(cp.treeSize, ctx.read)).equals(cp.rootHash)) vouchedUpTo = cp.treeSize;
      } catch {
        vouchedUpTo = 0; // reported in full by the checkpoint pass below
      }
    }
  }

  const workers = opts.workers ?? (size >= 20_000 ? Math.max(1, availableParallelism()) : 0);
  const specialTypes = [PREDICATE_TYPES.prune];
  const runner: CheckRunner =
    workers > 0 ? workerRunner(workers, ctx.trusted, specialTypes) : inlineRunner(ctx.trusted, specialTypes);

  const leaves = Buffer.alloc(size * 32);
  const referenced = new Map<string, number>(); // blob digest → first unpruned entry naming it
  const pruneStatements = new Map<number, PruneStatement>();
  let signaturesChecked = 0;
  let signaturesVouched = 0;
  let prunedEntries = 0;

  const compareRefs = (seq: number, named: string[], rows: string[] | undefined) => {
    const a = [...new Set(named)].sort();
    const b = [...new Set(rows ?? [])].sort();
    if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
      issue(
        seq,
        'blob-refs',
        `entry ${seq}: the blob references in the database differ from the statement's`,
      );
    }
    for (const d of a) if (!referenced.has(d)) referenced.set(d, seq);
  };

  const inflight = new Set<Promise<void>>();
  try {
    let expected = 0;
    for (let from = 0; from < size; from += chunk) {
      const to = Math.min(size, from + chunk);
      const rows = await store.entries(from, to);
      const refs = groupRefs(await store.blobRefs(from, to));
      const pending: { row: FullEntryRow; key: string }[] = [];
      for (const row of rows) {
        for (; expected < row.seq; expected++) {
          issue(expected, 'entry-missing', `entry ${expected} is missing (row deleted)`);
        }
        expected = row.seq + 1;
        const { seq } = row;
        if (row.envelope) {
          const lh = leafHash(row.envelope);
          lh.copy(leaves, seq * 32);
          if (!lh.equals(row.leaf_hash)) {
            issue(seq, 'leaf', `entry ${seq}: the envelope does not match its leaf hash (entry altered)`);
          }
          const key = `${row.leaf_hash.toString('hex')}|${row.payload_sha256.toString('hex')}|${row.predicate_type}|${
            seq < vouchedUpTo ? 'v' : trustKey
          }`;
          const cached = opts.cache?.get(key);
          if (cached) {
            if (seq < vouchedUpTo) signaturesVouched++;
            else signaturesChecked++;
            compareRefs(seq, cached, refs.get(seq));
          } else {
            pending.push({ row, key });
          }
        } else {
          row.leaf_hash.copy(leaves, seq * 32);
          if (row.prune_seq === null) {
            issue(
              seq,
              'payload-missing',
              `entry ${seq}: the payload is missing and no prune record explains it`,
            );
          } else {
            prunedEntries++;
          }
        }
      }
      for (; expected < to; expected++)
        issue(expected, 'entry-missing', `entry ${expected} is missing (row deleted)`);
      if (pending.length === 0) continue;

      const batch = packBatch(
        pending.map((p) => p.row),
        vouchedUpTo,
      );
      const job = runner.run(batch).then((res: EnvelopeResults) => {
        signaturesChecked += res.signaturesChecked;
        pending.forEach(({ row, key }, i) => {
          const problem = res.problems[i];
          if (problem) {
            issue(row.seq, 'envelope', `entry ${row.seq}: ${problem}`);
            return;
          }
          if (row.seq < vouchedUpTo) signaturesVouched++;
          opts.cache?.set(key, res.blobs[i] as string[]);
          compareRefs(row.seq, res.blobs[i] as string[], refs.get(row.seq));
        });
        for (const s of res.specials) pruneStatements.set(s.seq, readPrune(s.statement));
      });
      inflight.add(job);
      void job.finally(() => inflight.delete(job));
      if (inflight.size >= Math.max(2, workers * 2)) await Promise.race(inflight);
    }
    await Promise.all(inflight);
  } finally {
    await runner.close();
  }
  // Prune statements served from the cache were not re-read; fetch them now (they are few).
  await loadMissingPruneStatements(ctx, pruneStatements);

  // ---- the tree: recompute every level and compare with the stored hashes
  const levels = buildLevels(leaves, size);
  const seen = levels.map((l) => new Uint8Array(l.length / 32));
  let afterLevel = 0;
  let afterIdx = -1;
  for (;;) {
    const rows = await store.hashesAfter(afterLevel, afterIdx, 50_000);
    if (rows.length === 0) break;
    for (const row of rows) {
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
        continue;
      }
      (seen[row.level] as Uint8Array)[row.idx] = 1;
      if (!level.subarray(row.idx * 32, row.idx * 32 + 32).equals(row.hash)) {
        issue(first, 'hash', `stored hash ${row.level}/${row.idx} (${range}) does not match the entries`);
      }
    }
    const last = rows[rows.length - 1] as { level: number; idx: number };
    afterLevel = last.level;
    afterIdx = last.idx;
  }
  for (let l = 1; l < seen.length; l++) {
    const marks = seen[l] as Uint8Array;
    for (let i = 0; i < marks.length; i++) {
      if (!marks[i]) issue(i * 2 ** l, 'hash-missing', `stored hash ${l}/${i} is missing`);
    }
  }
  const rootOf = (n: number) => rootFromLevels(levels, n);
  const root = rootOf(size);

  // ---- checkpoints: signed by a trusted key, for this origin, consistent with the recomputed tree
  const checkpoints = await store.checkpoints();
  let latestCheckpoint: number | null = null;
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
      latestCheckpoint = Math.max(latestCheckpoint ?? 0, cp.treeSize);
    } catch (err) {
      if (!(err instanceof LedgerIntegrityError)) throw err;
      issue(null, 'checkpoint', err.message);
    }
  }
  if (vouchedUpTo > 0 && (latestCheckpoint === null || latestCheckpoint < vouchedUpTo)) {
    issue(
      null,
      'checkpoint',
      `the checkpoint at size ${vouchedUpTo} that vouched for signatures does not verify`,
    );
  }

  // ---- blobs: each decodes to its address; each one an unpruned entry names is present
  const present = new Set<string>();
  let blobCount = 0;
  let after: Buffer | null = null;
  for (;;) {
    const rows = await store.blobsAfter(after, 500);
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

  // ---- every pruned payload and blob is covered by a signed prune statement
  for (const row of await store.prunes()) {
    if (row.seq >= size) continue; // counted as an orphan below
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

  const orphans = await store.orphans(size);
  if (orphans.payloads + orphans.refs + orphans.prunes > 0) {
    issue(
      size,
      'orphan',
      `rows for entries beyond the last entry (${size - 1}) exist: ` +
        `${orphans.payloads} payloads, ${orphans.refs} blob references, ${orphans.prunes} prune records (entries removed)`,
    );
  }
  if (opts.deep) {
    for (const problem of await store.quickCheck()) issue(null, 'database', `database check: ${problem}`);
  }

  // Name the first bad entry: issues about one entry first, then range issues (stored hashes).
  const ENTRY_KINDS = new Set([
    'entry-missing',
    'leaf',
    'envelope',
    'payload-missing',
    'blob-refs',
    'blob',
    'blob-missing',
    'prune',
  ]);
  const rank = (i: VerifyIssue) => (ENTRY_KINDS.has(i.kind) ? 0 : 1);
  const withSeq = issues
    .filter((i) => i.seq !== null)
    .sort((a, b) => rank(a) - rank(b) || (a.seq as number) - (b.seq as number));
  return {
    ok: issueCount === 0,
    origin: ctx.origin,
    treeSize: size,
    rootHash: root.toString('hex'),
    checkpoints: checkpoints.length,
    latestCheckpoint,
    signaturesChecked,
    signaturesVouched,
    prunedEntries,
    blobs: blobCount,
    trustedKeys: ctx.trusted.map((k) => k.keyId),
    trustSource: ctx.trustSource,
    issueCount,
    issues,
    firstBad: withSeq[0] ?? issues[0] ?? null,
  };
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

function packBatch(rows: FullEntryRow[], vouchedUpTo: number): EnvelopeBatch {
  let total = 0;
  for (const r of rows) total += (r.envelope as Buffer).length;
  const envelopes = new Uint8Array(total);
  const payloadDigests = new Uint8Array(rows.length * 32);
  const checkSignature = new Uint8Array(rows.length);
  const offsets = [0];
  let pos = 0;
  rows.forEach((r, i) => {
    envelopes.set(r.envelope as Buffer, pos);
    pos += (r.envelope as Buffer).length;
    offsets.push(pos);
    payloadDigests.set(r.payload_sha256, i * 32);
    checkSignature[i] = r.seq < vouchedUpTo ? 0 : 1;
  });
  return {
    seqs: rows.map((r) => r.seq),
    envelopes,
    offsets,
    payloadDigests,
    predicateTypes: rows.map((r) => r.predicate_type),
    checkSignature,
  };
}

function readPrune(statement: unknown): PruneStatement {
  const p = (statement as { predicate?: { entries?: unknown; blobs?: unknown } }).predicate ?? {};
  const entries = Array.isArray(p.entries)
    ? p.entries.filter(
        (r): r is [number, number] =>
          Array.isArray(r) && typeof r[0] === 'number' && typeof r[1] === 'number',
      )
    : [];
  const blobs = Array.isArray(p.blobs) ? p.blobs.filter((b): b is string => typeof b === 'string') : [];
  return { entries, blobs };
}

async function loadMissingPruneStatements(ctx: LedgerContext, known: Map<number, PruneStatement>) {
  const seqs = new Set<number>();
  for (const r of await ctx.store.ledger.prunes()) seqs.add(r.prune_seq);
  for (const r of await ctx.store.ledger.blobPrunes()) seqs.add(r.prune_seq);
  for (const seq of seqs) {
    if (known.has(seq)) continue;
    const [row] = await ctx.store.ledger.entries(seq, seq + 1);
    if (!row?.envelope || row.predicate_type !== PREDICATE_TYPES.prune) continue;
    if (!leafHash(row.envelope).equals(row.leaf_hash)) continue; // reported as altered
    try {
      const env = JSON.parse(row.envelope.toString('utf8')) as { payload: string };
      known.set(seq, readPrune(JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'))));
    } catch {
      // reported by the envelope checks
    }
  }
}

/** levels[0] = leaves; levels[l] = hashes of the complete subtrees of 2^l leaves. */
export function buildLevels(leaves: Buffer, size: number): Buffer[] {
  const levels = [leaves];
  let prev = leaves;
  let n = size;
  while (n >= 2) {
    const m = Math.floor(n / 2);
    const next = Buffer.allocUnsafe(m * 32);
    for (let i = 0; i < m; i++) {
      nodeHash(prev.subarray(64 * i, 64 * i + 32), prev.subarray(64 * i + 32, 64 * i + 64)).copy(
        next,
        32 * i,
      );
    }
    levels.push(next);
    prev = next;
    n = m;
  }
  return levels;
}

export function rootFromLevels(levels: Buffer[], size: number): Buffer {
  if (size === 0) return EMPTY_ROOT;
  return foldRight(
    subtreeBlocks(0, size).map((b) => (levels[b.level] as Buffer).subarray(b.idx * 32, b.idx * 32 + 32)),
  );
}
