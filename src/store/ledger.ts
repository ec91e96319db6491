import { sql, type Kysely, type Transaction } from 'kysely';
import type { Connection } from './db.js';
import type { StoreDatabase } from './schema.js';

/*
 * The ledger tables as functions: select and insert only. There is deliberately no update or
 * delete here; pruning is an insert into a prune-marker table (see schema.ts).
 */

type Db = Kysely<StoreDatabase> | Transaction<StoreDatabase>;

export type MetaRow = StoreDatabase['ledger_meta'];
export type KeyRow = StoreDatabase['ledger_keys'];
export type EntryRow = StoreDatabase['ledger_entries'];
export type PayloadRow = StoreDatabase['ledger_payloads'];
export type PruneRow = StoreDatabase['ledger_prunes'];
export type HashRow = StoreDatabase['ledger_hashes'];
export type CheckpointRow = StoreDatabase['ledger_checkpoints'];
export type BlobRow = StoreDatabase['ledger_blobs'];
export type BlobRefRow = StoreDatabase['ledger_blob_refs'];
export type BlobPruneRow = StoreDatabase['ledger_blob_prunes'];
export type HoldRow = StoreDatabase['ledger_holds'];
export type SummaryRow = StoreDatabase['ledger_summaries'];

/** A summary read for a window: its version is the one asked for, so it is not read back. */
export type WindowSummaryRow = Omit<SummaryRow, 'version'>;

/** An entry's metadata with its stored summary (null when it has none). */
export interface EntrySummaryRow extends Pick<
  EntryRow,
  'seq' | 'predicate_type' | 'recorded_at' | 'leaf_hash'
> {
  version: string | null;
  summary: string | null;
  /** The summary row's own copy of the leaf hash and its authentication code (null without a summary). */
  summary_leaf: Buffer | null;
  mac: Buffer | null;
}

/** An entry with its payload (null once pruned) and prune marker (null unless pruned). */
export interface FullEntryRow extends EntryRow {
  envelope: Buffer | null;
  prune_seq: number | null;
}

export interface HashKey {
  level: number;
  idx: number;
}

export interface EntryQuery {
  predicateType?: string | undefined;
  /** recorded_at ≥ since (ISO) */
  since?: string | undefined;
  /** recorded_at < until (ISO) */
  until?: string | undefined;
  limit?: number | undefined;
}

export interface LedgerReader {
  meta(): Promise<Record<string, string>>;
  keys(): Promise<KeyRow[]>;
  /** max(seq) + 1, or 0 when empty. */
  treeSize(): Promise<number>;
  /** Row counts, for spotting removed or orphaned rows. */
  counts(): Promise<{ entries: number; payloads: number; prunes: number; hashes: number; blobs: number }>;
  /** Entries with seq in [from, to), in order, with payload and prune marker. */
  entries(from: number, to: number): Promise<FullEntryRow[]>;
  /** Metadata only (no payloads), filtered; ordered by seq. */
  findEntries(query: EntryQuery): Promise<EntryRow[]>;
  /**
   * Unpruned entries of the given predicate types recorded in [since, until), with their
   * envelopes, ordered by seq: one indexed read that skips every other kind of entry.
   */
  entriesOfTypes(query: {
    predicateTypes: string[];
    since?: string | undefined;
    until?: string | undefined;
  }): Promise<(EntryRow & { envelope: Buffer })[]>;
  entriesByPayloadDigest(digests: Buffer[]): Promise<EntryRow[]>;
  /** Unpruned entries of these predicate types recorded in [since, until) with their summaries, by seq. */
  summariesOfTypes(query: {
    /** Only summaries of this summarizer version are joined. */
    version: string;
    predicateTypes: string[];
    since?: string | undefined;
    until?: string | undefined;
  }): Promise<EntrySummaryRow[]>;
  /**
   * The fast read of a window: stored summaries of this version for the predicate types in
   * [since, until), by seq, read as one range of the summaries table's key, in chunks (so a
   * caller that decodes each chunk before the next never holds every row's text at once);
   * `entries` counts the unpruned entries of those types in the window, so a caller can tell
   * whether any is missing.
   */
  summariesWindow(query: {
    version: string;
    predicateTypes: string[];
    since?: string | undefined;
    until?: string | undefined;
  }): Promise<{ entries: number; chunks: AsyncIterable<WindowSummaryRow[]> }>;
  /** Stored summaries with seq in [from, to), by seq (for verify and reindexing). */
  summariesRange(from: number, to: number): Promise<SummaryRow[]>;
  /** Entries with payload (null once pruned) for these seqs, by seq. */
  entriesBySeq(seqs: number[]): Promise<FullEntryRow[]>;
  /** Level 0 from ledger_entries.leaf_hash, level ≥ 1 from ledger_hashes; missing keys are absent. */
  hashes(keys: HashKey[]): Promise<Map<string, Buffer>>;
  /** Stored hashes of one level with idx in [from, to). */
  hashesRange(level: number, from: number, to: number): Promise<HashRow[]>;
  /** Stored hashes outside the expected shape: idx ≥ counts[level], or a level ≥ counts.length. */
  hashesOutside(counts: number[]): Promise<HashRow[]>;
  checkpoints(): Promise<CheckpointRow[]>;
  latestCheckpoint(): Promise<CheckpointRow | undefined>;
  blobs(digests: Buffer[]): Promise<BlobRow[]>;
  /** Blobs after `digest` (or from the start) in digest order, at most `limit`. */
  blobsAfter(digest: Buffer | null, limit: number): Promise<BlobRow[]>;
  blobDigests(digests: Buffer[]): Promise<Set<string>>;
  blobRefs(from: number, to: number): Promise<BlobRefRow[]>;
  blobRefsByDigest(digests: Buffer[]): Promise<BlobRefRow[]>;
  prunes(): Promise<PruneRow[]>;
  blobPrunes(): Promise<BlobPruneRow[]>;
  holds(): Promise<HoldRow[]>;
  /** Unpruned entries recorded before `before` (ISO), ordered by seq, at most `limit` after `afterSeq`. */
  unprunedBefore(before: string, afterSeq: number, limit: number): Promise<EntryRow[]>;
  /** Entries whose statement digest also belongs to an earlier entry (never written by the ledger). */
  duplicatePayloads(): Promise<{ seq: number }[]>;
  /** Rows in payload/blob-ref tables whose entry does not exist (seq ≥ size). */
  orphans(size: number): Promise<{ payloads: number; refs: number; prunes: number }>;
}

export interface LedgerWriter extends LedgerReader {
  insertMeta(rows: MetaRow[]): Promise<void>;
  insertKey(row: KeyRow): Promise<void>;
  insertEntries(rows: EntryRow[]): Promise<void>;
  insertPayloads(rows: PayloadRow[]): Promise<void>;
  insertHashes(rows: HashRow[]): Promise<void>;
  /** A checkpoint for a size that already has one is skipped (the note is deterministic). */
  insertCheckpoint(row: CheckpointRow): Promise<void>;
  /** Content-addressed: a blob already present is skipped. */
  insertBlobs(rows: BlobRow[]): Promise<void>;
  insertBlobRefs(rows: BlobRefRow[]): Promise<void>;
  /** Marks entries pruned; a trigger removes their payloads in the same statement. */
  insertPrunes(rows: PruneRow[]): Promise<void>;
  insertBlobPrunes(rows: BlobPruneRow[]): Promise<void>;
  insertHold(row: HoldRow): Promise<void>;
  insertSummaries(rows: SummaryRow[]): Promise<void>;
}

export interface LedgerStore extends LedgerReader {
  /**
   * Runs `fn` in one transaction holding the log's single-writer lock: `BEGIN IMMEDIATE` in
   * SQLite (one writer per file across processes), `pg_advisory_xact_lock` in PostgreSQL (one
   * writer per schema). Two processes can therefore never both append at the same tree size.
   */
  write<T>(fn: (tx: LedgerWriter) => Promise<T>): Promise<T>;
  /** SQLite `PRAGMA quick_check` (a no-op on PostgreSQL); returns the problems found. */
  quickCheck(): Promise<string[]>;
}

const hashKey = (level: number, idx: number) => `${level}/${idx}`;

/** Rows per INSERT so that the bound parameters stay under SQLite's 32,766 limit. */
function chunks<T>(rows: T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(30_000 / columns));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

type WindowQuery = Parameters<LedgerReader['summariesWindow']>[0];
interface Span {
  first: number;
  last: number;
  entries: number;
}

/** The seq span and count of the unpruned entries of a window (an index-only read). */
async function summarySpan(db: Db, q: WindowQuery): Promise<Span | null> {
  if (q.predicateTypes.length === 0) return null;
  let span = db
    .selectFrom('ledger_entries as e')
    .leftJoin('ledger_prunes as x', 'x.seq', 'e.seq')
    .select((eb) => [eb.fn.min('e.seq').as('first'), eb.fn.max('e.seq').as('last'), eb.fn.countAll().as('n')])
    .where('x.seq', 'is', null)
    .where('e.predicate_type', 'in', q.predicateTypes);
  if (q.since !== undefined) span = span.where('e.recorded_at', '>=', q.since);
  if (q.until !== undefined) span = span.where('e.recorded_at', '<', q.until);
  const found = await span.executeTakeFirst();
  const entries = Number(found?.n ?? 0);
  if (entries === 0 || found?.first == null || found.last == null) return null;
  return { first: Number(found.first), last: Number(found.last), entries };
}

/** Entries per chunk of a window's summaries (a few MB of text, a few ms of SQLite). */
const WINDOW_CHUNK = 4096;

/**
 * The summaries of a window: ranges of the summaries table's key (version, seq), in order.
 * Between chunks the event loop turns: better-sqlite3 reads synchronously, and without it the
 * processes a caller started alongside (the git source's) would wait for the whole read.
 */
async function* summaryChunks(db: Db, q: WindowQuery, span: Span): AsyncGenerator<WindowSummaryRow[]> {
  for (let from = span.first; from <= span.last; from += WINDOW_CHUNK) {
    if (from > span.first) await new Promise((resolve) => setImmediate(resolve));
    yield await summariesQuery(db, q, from, Math.min(span.last, from + WINDOW_CHUNK - 1)).execute();
  }
}

async function* noChunks(): AsyncGenerator<WindowSummaryRow[]> {}

function summariesQuery(db: Db, q: WindowQuery, first: number, last: number) {
  let query = db
    .selectFrom('ledger_summaries')
    .select(['seq', 'predicate_type', 'recorded_at', 'summary', 'leaf_hash', 'mac'])
    .where('version', '=', q.version)
    .where('seq', '>=', first)
    .where('seq', '<=', last)
    .where('predicate_type', 'in', q.predicateTypes);
  if (q.since !== undefined) query = query.where('recorded_at', '>=', q.since);
  if (q.until !== undefined) query = query.where('recorded_at', '<', q.until);
  return query.orderBy('seq');
}

/** An entry's own columns, as the queries joining `ledger_entries as e` select them. */
const ENTRY_COLUMNS = [
  'e.seq',
  'e.leaf_hash',
  'e.payload_sha256',
  'e.predicate_type',
  'e.recorded_at',
] as const;

/** Entries with their payload (null once pruned) and prune marker (null unless pruned). */
function fullEntries(db: Db) {
  return db
    .selectFrom('ledger_entries as e')
    .leftJoin('ledger_payloads as p', 'p.seq', 'e.seq')
    .leftJoin('ledger_prunes as x', 'x.seq', 'e.seq')
    .select([...ENTRY_COLUMNS, 'p.envelope', 'x.prune_seq']);
}

/** The log metadata and its keys, checkpoints, prune markers and legal holds. */
function metaReads(
  db: Db,
): Pick<
  LedgerReader,
  'meta' | 'keys' | 'checkpoints' | 'latestCheckpoint' | 'prunes' | 'blobPrunes' | 'holds'
> {
  return {
    async meta() {
      const rows = await db.selectFrom('ledger_meta').selectAll().execute();
      return Object.fromEntries(rows.map((r) => [r.key, r.value]));
    },
    keys: () => db.selectFrom('ledger_keys').selectAll().orderBy('added_at').execute(),
    checkpoints: () => db.selectFrom('ledger_checkpoints').selectAll().orderBy('tree_size').execute(),
    latestCheckpoint: () =>
      db
        .selectFrom('ledger_checkpoints')
        .selectAll()
        .orderBy('tree_size', 'desc')
        .limit(1)
        .executeTakeFirst(),
    prunes: () => db.selectFrom('ledger_prunes').selectAll().orderBy('seq').execute(),
    blobPrunes: () => db.selectFrom('ledger_blob_prunes').selectAll().execute(),
    holds: () => db.selectFrom('ledger_holds').selectAll().orderBy('at').execute(),
  };
}

/** Entries: by range, by query, by type, by seq, by statement digest. */
function entryReads(
  db: Db,
): Pick<
  LedgerReader,
  | 'treeSize'
  | 'entries'
  | 'findEntries'
  | 'entriesOfTypes'
  | 'entriesBySeq'
  | 'entriesByPayloadDigest'
  | 'unprunedBefore'
> {
  return {
    async treeSize() {
      const row = await db
        .selectFrom('ledger_entries')
        .select((eb) => eb.fn.max('seq').as('max'))
        .executeTakeFirst();
      const max = row?.max as number | null | undefined;
      return max === null || max === undefined ? 0 : Number(max) + 1;
    },
    entries: (from, to) =>
      fullEntries(db).where('e.seq', '>=', from).where('e.seq', '<', to).orderBy('e.seq').execute(),
    findEntries: (q) => {
      let query = db.selectFrom('ledger_entries').selectAll();
      if (q.predicateType !== undefined) query = query.where('predicate_type', '=', q.predicateType);
      if (q.since !== undefined) query = query.where('recorded_at', '>=', q.since);
      if (q.until !== undefined) query = query.where('recorded_at', '<', q.until);
      query = query.orderBy('seq');
      if (q.limit !== undefined) query = query.limit(q.limit);
      return query.execute();
    },
    entriesOfTypes: async (q) => {
      if (q.predicateTypes.length === 0) return [];
      let query = db
        .selectFrom('ledger_entries as e')
        .innerJoin('ledger_payloads as p', 'p.seq', 'e.seq')
        .select([...ENTRY_COLUMNS, 'p.envelope'])
        .where('e.predicate_type', 'in', q.predicateTypes);
      if (q.since !== undefined) query = query.where('e.recorded_at', '>=', q.since);
      if (q.until !== undefined) query = query.where('e.recorded_at', '<', q.until);
      return query.orderBy('e.seq').execute();
    },
    entriesBySeq: async (seqs) => {
      const out: FullEntryRow[] = [];
      for (const part of chunks(seqs, 1)) {
        out.push(...(await fullEntries(db).where('e.seq', 'in', part).orderBy('e.seq').execute()));
      }
      return out;
    },
    entriesByPayloadDigest: async (digests) => {
      if (digests.length === 0) return [];
      const out: EntryRow[] = [];
      for (const part of chunks(digests, 1)) {
        out.push(
          ...(await db
            .selectFrom('ledger_entries')
            .selectAll()
            .where('payload_sha256', 'in', part)
            .orderBy('seq')
            .execute()),
        );
      }
      return out;
    },
    unprunedBefore: (before, afterSeq, limit) =>
      db
        .selectFrom('ledger_entries as e')
        .leftJoin('ledger_prunes as x', 'x.seq', 'e.seq')
        .select([...ENTRY_COLUMNS])
        .where('x.seq', 'is', null)
        .where('e.recorded_at', '<', before)
        .where('e.seq', '>', afterSeq)
        .orderBy('e.seq')
        .limit(limit)
        .execute(),
  };
}

/** The read index (`ledger_summaries`). */
function summaryReads(db: Db): Pick<LedgerReader, 'summariesOfTypes' | 'summariesWindow' | 'summariesRange'> {
  return {
    summariesOfTypes: async (q) => {
      if (q.predicateTypes.length === 0) return [];
      let query = db
        .selectFrom('ledger_entries as e')
        // pruned entries are left out through their (few) prune markers, not by touching payloads
        .leftJoin('ledger_prunes as x', 'x.seq', 'e.seq')
        .leftJoin('ledger_summaries as s', (join) =>
          join.onRef('s.seq', '=', 'e.seq').on('s.version', '=', q.version),
        )
        .select([...ENTRY_COLUMNS, 's.version', 's.summary', 's.leaf_hash as summary_leaf', 's.mac'])
        .where('x.seq', 'is', null)
        .where('e.predicate_type', 'in', q.predicateTypes);
      if (q.since !== undefined) query = query.where('e.recorded_at', '>=', q.since);
      if (q.until !== undefined) query = query.where('e.recorded_at', '<', q.until);
      // sorted here: an ORDER BY makes SQLite sort the summaries' text in a temporary tree
      return (await query.execute()).sort((a, b) => a.seq - b.seq);
    },
    summariesWindow: async (q) => {
      const span = await summarySpan(db, q);
      return { entries: span?.entries ?? 0, chunks: span ? summaryChunks(db, q, span) : noChunks() };
    },
    summariesRange: (from, to) =>
      db
        .selectFrom('ledger_summaries')
        .selectAll()
        .where('seq', '>=', from)
        .where('seq', '<', to)
        .orderBy('seq')
        .execute(),
  };
}

/** Stored subtree hashes (and leaf hashes, level 0). */
function hashReads(db: Db): Pick<LedgerReader, 'hashes' | 'hashesRange' | 'hashesOutside'> {
  return {
    async hashes(keys) {
      // one query for both kinds: leaf hashes (level 0) from ledger_entries, the rest stored
      const out = new Map<string, Buffer>();
      const leaves = keys.filter((k) => k.level === 0).map((k) => k.idx);
      const byLevel = new Map<number, number[]>();
      for (const k of keys) {
        if (k.level === 0) continue;
        const list = byLevel.get(k.level) ?? [];
        list.push(k.idx);
        byLevel.set(k.level, list);
      }
      const leafQuery = db
        .selectFrom('ledger_entries')
        .select([sql<number>`0`.as('level'), 'seq as idx', 'leaf_hash as hash'])
        .where('seq', 'in', leaves.length ? leaves : [-1]);
      const rows =
        byLevel.size === 0
          ? await leafQuery.execute()
          : await leafQuery
              .unionAll(
                db
                  .selectFrom('ledger_hashes')
                  .select(['level', 'idx', 'hash'])
                  .where((eb) =>
                    eb.or(
                      [...byLevel].map(([level, idxs]) =>
                        eb.and([eb('level', '=', level), eb('idx', 'in', idxs)]),
                      ),
                    ),
                  ),
              )
              .execute();
      for (const r of rows) out.set(hashKey(r.level, r.idx), r.hash);
      return out;
    },
    hashesRange: (level, from, to) =>
      db
        .selectFrom('ledger_hashes')
        .selectAll()
        .where('level', '=', level)
        .where('idx', '>=', from)
        .where('idx', '<', to)
        .orderBy('idx')
        .execute(),
    hashesOutside: (counts) =>
      db
        .selectFrom('ledger_hashes')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb('level', '>=', Math.max(1, counts.length)),
            ...counts.slice(1).map((count, i) => eb.and([eb('level', '=', i + 1), eb('idx', '>=', count)])),
          ]),
        )
        .orderBy('level')
        .orderBy('idx')
        .limit(10_000)
        .execute(),
  };
}

/** Content-addressed blobs and the entries that name them. */
function blobReads(
  db: Db,
): Pick<LedgerReader, 'blobs' | 'blobsAfter' | 'blobDigests' | 'blobRefs' | 'blobRefsByDigest'> {
  return {
    async blobs(digests) {
      if (digests.length === 0) return [];
      const out: BlobRow[] = [];
      for (const part of chunks(digests, 1)) {
        out.push(...(await db.selectFrom('ledger_blobs').selectAll().where('digest', 'in', part).execute()));
      }
      return out;
    },
    blobsAfter: (digest, limit) => {
      let q = db.selectFrom('ledger_blobs').selectAll();
      if (digest) q = q.where('digest', '>', digest);
      return q.orderBy('digest').limit(limit).execute();
    },
    async blobDigests(digests) {
      const found = new Set<string>();
      for (const part of chunks(digests, 1)) {
        if (part.length === 0) continue;
        const rows = await db
          .selectFrom('ledger_blobs')
          .select('digest')
          .where('digest', 'in', part)
          .execute();
        for (const r of rows) found.add(r.digest.toString('hex'));
      }
      return found;
    },
    blobRefs: (from, to) =>
      db
        .selectFrom('ledger_blob_refs')
        .selectAll()
        .where('seq', '>=', from)
        .where('seq', '<', to)
        .orderBy('seq')
        .execute(),
    async blobRefsByDigest(digests) {
      const out: BlobRefRow[] = [];
      for (const part of chunks(digests, 1)) {
        if (part.length === 0) continue;
        out.push(
          ...(await db.selectFrom('ledger_blob_refs').selectAll().where('digest', 'in', part).execute()),
        );
      }
      return out;
    },
  };
}

/** Row counts, copied entries and orphaned rows, for spotting removed or injected rows. */
function integrityReads(db: Db): Pick<LedgerReader, 'counts' | 'duplicatePayloads' | 'orphans'> {
  return {
    async counts() {
      const count = async (table: keyof StoreDatabase) => {
        const row = await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst();
        return Number(row?.n ?? 0);
      };
      return {
        entries: await count('ledger_entries'),
        payloads: await count('ledger_payloads'),
        prunes: await count('ledger_prunes'),
        hashes: await count('ledger_hashes'),
        blobs: await count('ledger_blobs'),
      };
    },
    async duplicatePayloads() {
      // one pass over the digest index; the rare duplicates are then located
      const dups = await db
        .selectFrom('ledger_entries')
        .select('payload_sha256')
        .groupBy('payload_sha256')
        .having((eb) => eb.fn.countAll(), '>', 1)
        .limit(1000)
        .execute();
      if (dups.length === 0) return [];
      const rows = await db
        .selectFrom('ledger_entries')
        .select(['seq', 'payload_sha256'])
        .where(
          'payload_sha256',
          'in',
          dups.map((d) => d.payload_sha256),
        )
        .orderBy('seq')
        .execute();
      const firstSeen = new Set<string>();
      return rows
        .filter((r) => {
          const hex = r.payload_sha256.toString('hex');
          if (firstSeen.has(hex)) return true;
          firstSeen.add(hex);
          return false;
        })
        .map((r) => ({ seq: r.seq }));
    },
    async orphans(size) {
      const count = async (table: 'ledger_payloads' | 'ledger_blob_refs' | 'ledger_prunes') => {
        const row = await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('seq', '>=', size)
          .executeTakeFirst();
        return Number(row?.n ?? 0);
      };
      return {
        payloads: await count('ledger_payloads'),
        refs: await count('ledger_blob_refs'),
        prunes: await count('ledger_prunes'),
      };
    },
  };
}

function reader(db: Db): LedgerReader {
  return {
    ...metaReads(db),
    ...entryReads(db),
    ...summaryReads(db),
    ...hashReads(db),
    ...blobReads(db),
    ...integrityReads(db),
  };
}

function writer(db: Db): LedgerWriter {
  return {
    ...reader(db),
    async insertMeta(rows) {
      if (rows.length) await db.insertInto('ledger_meta').values(rows).execute();
    },
    async insertKey(row) {
      await db
        .insertInto('ledger_keys')
        .values(row)
        .onConflict((oc) => oc.column('key_id').doNothing())
        .execute();
    },
    async insertEntries(rows) {
      for (const part of chunks(rows, 5)) await db.insertInto('ledger_entries').values(part).execute();
    },
    async insertPayloads(rows) {
      for (const part of chunks(rows, 2)) await db.insertInto('ledger_payloads').values(part).execute();
    },
    async insertSummaries(rows) {
      for (const part of chunks(rows, 3)) await db.insertInto('ledger_summaries').values(part).execute();
    },
    async insertHashes(rows) {
      for (const part of chunks(rows, 3)) await db.insertInto('ledger_hashes').values(part).execute();
    },
    async insertCheckpoint(row) {
      await db
        .insertInto('ledger_checkpoints')
        .values(row)
        .onConflict((oc) => oc.column('tree_size').doNothing())
        .execute();
    },
    async insertBlobs(rows) {
      for (const part of chunks(rows, 4)) {
        await db
          .insertInto('ledger_blobs')
          .values(part)
          .onConflict((oc) => oc.column('digest').doNothing())
          .execute();
      }
    },
    async insertBlobRefs(rows) {
      for (const part of chunks(rows, 2)) {
        await db
          .insertInto('ledger_blob_refs')
          .values(part)
          .onConflict((oc) => oc.columns(['seq', 'digest']).doNothing())
          .execute();
      }
    },
    async insertPrunes(rows) {
      for (const part of chunks(rows, 3)) await db.insertInto('ledger_prunes').values(part).execute();
    },
    async insertBlobPrunes(rows) {
      for (const part of chunks(rows, 3)) await db.insertInto('ledger_blob_prunes').values(part).execute();
    },
    async insertHold(row) {
      await db.insertInto('ledger_holds').values(row).execute();
    },
  };
}

export function ledgerStore(conn: Connection): LedgerStore {
  const { db } = conn;
  return {
    ...reader(db),
    async write(fn) {
      if (conn.dialect === 'sqlite') {
        return db.connection().execute(async (c) => {
          await sql`BEGIN IMMEDIATE`.execute(c);
          try {
            const result = await fn(writer(c));
            await sql`COMMIT`.execute(c);
            return result;
          } catch (err) {
            await sql`ROLLBACK`.execute(c).catch(() => {});
            throw err;
          }
        });
      }
      return db.transaction().execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(${conn.lockKey.toString()}::bigint)`.execute(trx);
        return fn(writer(trx));
      });
    },
    async quickCheck() {
      if (conn.dialect !== 'sqlite') return [];
      const res = await sql<{ quick_check: string }>`PRAGMA quick_check`.execute(db);
      return res.rows.map((r) => r.quick_check).filter((m) => m !== 'ok');
    },
  };
}
