import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { LEDGER_TABLES, type LedgerTable } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

/** Column types that differ between the two databases. */
function types(dialect: Dialect) {
  return dialect === 'sqlite'
    ? { bin: 'BLOB', int: 'INTEGER', len: 'length' }
    : { bin: 'bytea', int: 'bigint', len: 'octet_length' };
}

/** Tables whose rows may be removed by one specific prune marker table (see schema.ts). */
const PRUNABLE: Partial<Record<LedgerTable, { marker: string; key: string }>> = {
  ledger_payloads: { marker: 'ledger_prunes', key: 'seq' },
  ledger_blobs: { marker: 'ledger_blob_prunes', key: 'digest' },
};

function tableDdl(dialect: Dialect): string[] {
  const { bin, int, len } = types(dialect);
  const withoutRowid = dialect === 'sqlite' ? ' WITHOUT ROWID' : '';
  const hash = (col: string) => `${col} ${bin} NOT NULL CHECK (${len}(${col}) = 32)`;
  return [
    `CREATE TABLE ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    `CREATE TABLE ledger_keys (
       key_id TEXT PRIMARY KEY,
       algorithm TEXT NOT NULL,
       public_key ${bin} NOT NULL,
       added_at TEXT NOT NULL)`,
    `CREATE TABLE ledger_entries (
       seq ${int} PRIMARY KEY CHECK (seq >= 0),
       ${hash('leaf_hash')},
       ${hash('payload_sha256')},
       predicate_type TEXT NOT NULL,
       recorded_at TEXT NOT NULL)`,
    `CREATE INDEX ledger_entries_payload ON ledger_entries (payload_sha256)`,
    `CREATE INDEX ledger_entries_type_time ON ledger_entries (predicate_type, recorded_at)`,
    `CREATE TABLE ledger_payloads (seq ${int} PRIMARY KEY, envelope ${bin} NOT NULL)`,
    `CREATE TABLE ledger_prunes (seq ${int} PRIMARY KEY, prune_seq ${int} NOT NULL, pruned_at TEXT NOT NULL)`,
    `CREATE TABLE ledger_hashes (
       level INTEGER NOT NULL CHECK (level >= 1),
       idx ${int} NOT NULL CHECK (idx >= 0),
       ${hash('hash')},
       PRIMARY KEY (level, idx))${withoutRowid}`,
    `CREATE TABLE ledger_checkpoints (
       tree_size ${int} PRIMARY KEY,
       ${hash('root_hash')},
       note TEXT NOT NULL,
       created_at TEXT NOT NULL)`,
    `CREATE TABLE ledger_blobs (
       ${hash('digest')} PRIMARY KEY,
       size ${int} NOT NULL,
       encoding TEXT NOT NULL,
       data ${bin} NOT NULL)`,
    `CREATE TABLE ledger_blob_refs (
       seq ${int} NOT NULL,
       ${hash('digest')},
       PRIMARY KEY (seq, digest))${withoutRowid}`,
    `CREATE INDEX ledger_blob_refs_digest ON ledger_blob_refs (digest)`,
    `CREATE TABLE ledger_blob_prunes (
       ${hash('digest')},
       prune_seq ${int} NOT NULL,
       pruned_at TEXT NOT NULL,
       PRIMARY KEY (digest, prune_seq))${withoutRowid}`,
    `CREATE TABLE ledger_holds (
       hold_id TEXT NOT NULL,
       action TEXT NOT NULL CHECK (action IN ('add', 'release')),
       selector TEXT NOT NULL,
       reason TEXT NOT NULL,
       actor TEXT,
       at TEXT NOT NULL,
       statement_seq ${int} NOT NULL,
       PRIMARY KEY (hold_id, action))`,
  ];
}

/**
 * Triggers that make every ledger table append-only inside the database itself, so a bug or a
 * hand-written UPDATE cannot edit evidence. In SQLite, RAISE(ABORT) refuses the statement; in
 * PostgreSQL a row trigger refuses UPDATE/DELETE and a statement trigger refuses TRUNCATE (which
 * skips row triggers).
 */
function triggerDdl(dialect: Dialect): string[] {
  const out: string[] = [];
  if (dialect === 'sqlite') {
    for (const table of LEDGER_TABLES) {
      out.push(
        `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
         BEGIN SELECT RAISE(ABORT, 'greenlight: ${table} is append-only: UPDATE refused'); END`,
      );
      const prunable = PRUNABLE[table];
      const when = prunable
        ? ` WHEN NOT EXISTS (SELECT 1 FROM ${prunable.marker} WHERE ${prunable.key} = OLD.${prunable.key})`
        : '';
      out.push(
        `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}${when}
         BEGIN SELECT RAISE(ABORT, 'greenlight: ${table} is append-only: DELETE refused'); END`,
      );
      if (prunable) {
        out.push(
          `CREATE TRIGGER ${prunable.marker}_apply AFTER INSERT ON ${prunable.marker}
           BEGIN DELETE FROM ${table} WHERE ${prunable.key} = NEW.${prunable.key}; END`,
        );
      }
    }
    return out;
  }
  out.push(
    `CREATE FUNCTION greenlight_append_only() RETURNS trigger LANGUAGE plpgsql
     SET search_path FROM CURRENT AS $$
     BEGIN
       RAISE EXCEPTION 'greenlight: % is append-only: % refused', TG_TABLE_NAME, TG_OP;
     END $$`,
  );
  for (const table of LEDGER_TABLES) {
    const prunable = PRUNABLE[table];
    if (prunable) {
      out.push(
        `CREATE FUNCTION ${table}_guard() RETURNS trigger LANGUAGE plpgsql
         SET search_path FROM CURRENT AS $$
         BEGIN
           IF TG_OP = 'DELETE' AND EXISTS (
             SELECT 1 FROM ${prunable.marker} WHERE ${prunable.key} = OLD.${prunable.key}) THEN
             RETURN OLD;
           END IF;
           RAISE EXCEPTION 'greenlight: % is append-only: % refused', TG_TABLE_NAME, TG_OP;
         END $$`,
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
         FOR EACH ROW EXECUTE FUNCTION ${table}_guard()`,
        `CREATE FUNCTION ${prunable.marker}_apply() RETURNS trigger LANGUAGE plpgsql
         SET search_path FROM CURRENT AS $$
         BEGIN
           DELETE FROM ${table} WHERE ${prunable.key} = NEW.${prunable.key};
           RETURN NULL;
         END $$`,
        `CREATE TRIGGER ${prunable.marker}_apply AFTER INSERT ON ${prunable.marker}
         FOR EACH ROW EXECUTE FUNCTION ${prunable.marker}_apply()`,
      );
    } else {
      out.push(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
         FOR EACH ROW EXECUTE FUNCTION greenlight_append_only()`,
      );
    }
    out.push(
      `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
       FOR EACH STATEMENT EXECUTE FUNCTION greenlight_append_only()`,
    );
  }
  return out;
}

/**
 * `ledger_summaries`: a derived read index (see schema.ts), append-only like the ledger and
 * removed with its entry's payload when that entry is pruned. Migration 0002 keyed it by
 * (seq, version); 0003 by (version, seq), so that a window of the current version is one
 * contiguous range of the key even when older versions' rows remain.
 */
function summariesDdl(dialect: Dialect, key: 'seq-version' | 'version-seq', bound = false): string[] {
  const { int, bin, len } = types(dialect);
  const table = 'ledger_summaries';
  // predicate_type and recorded_at repeat the entry's (verify compares them), so a window of
  // summaries is read by key range from this table alone, without a join to every entry.
  const create = `CREATE TABLE ${table} (
    seq ${int} NOT NULL,
    version TEXT NOT NULL,
    predicate_type TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    summary TEXT NOT NULL,${
      bound
        ? `
    leaf_hash ${bin} NOT NULL CHECK (${len}(leaf_hash) = 32),
    mac ${bin} NOT NULL CHECK (${len}(mac) = 32),`
        : ''
    }
    PRIMARY KEY ${key === 'seq-version' ? '(seq, version)' : '(version, seq)'})`;
  // verify and prune find an entry's summaries by seq alone.
  const bySeq = key === 'version-seq' ? [`CREATE INDEX ${table}_seq ON ${table} (seq)`] : [];
  if (dialect === 'sqlite') {
    return [
      create,
      ...bySeq,
      `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
       BEGIN SELECT RAISE(ABORT, 'greenlight: ${table} is append-only: UPDATE refused'); END`,
      `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
       WHEN NOT EXISTS (SELECT 1 FROM ledger_prunes WHERE seq = OLD.seq)
       BEGIN SELECT RAISE(ABORT, 'greenlight: ${table} is append-only: DELETE refused'); END`,
      `CREATE TRIGGER ledger_prunes_apply_summaries AFTER INSERT ON ledger_prunes
       BEGIN DELETE FROM ${table} WHERE seq = NEW.seq; END`,
    ];
  }
  return [
    create,
    ...bySeq,
    `CREATE FUNCTION ${table}_guard() RETURNS trigger LANGUAGE plpgsql
     SET search_path FROM CURRENT AS $$
     BEGIN
       IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM ledger_prunes WHERE seq = OLD.seq) THEN
         RETURN OLD;
       END IF;
       RAISE EXCEPTION 'greenlight: % is append-only: % refused', TG_TABLE_NAME, TG_OP;
     END $$`,
    `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
     FOR EACH ROW EXECUTE FUNCTION ${table}_guard()`,
    `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
     FOR EACH STATEMENT EXECUTE FUNCTION greenlight_append_only()`,
    `CREATE FUNCTION ledger_prunes_apply_summaries() RETURNS trigger LANGUAGE plpgsql
     SET search_path FROM CURRENT AS $$
     BEGIN
       DELETE FROM ${table} WHERE seq = NEW.seq;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER ledger_prunes_apply_summaries AFTER INSERT ON ledger_prunes
     FOR EACH ROW EXECUTE FUNCTION ledger_prunes_apply_summaries()`,
  ];
}

function dropSummariesDdl(dialect: Dialect): string[] {
  if (dialect === 'sqlite')
    return ['DROP TRIGGER ledger_prunes_apply_summaries', 'DROP TABLE ledger_summaries'];
  return [
    'DROP TABLE ledger_summaries',
    'DROP FUNCTION ledger_summaries_guard()',
    'DROP TRIGGER ledger_prunes_apply_summaries ON ledger_prunes',
    'DROP FUNCTION ledger_prunes_apply_summaries()',
  ];
}

/** Kysely's bookkeeping tables: which migrations ran, and its lock row. */
export const MIGRATION_TABLES = ['kysely_migration', 'kysely_migration_lock'] as const;

/**
 * The migration tables get the ledger's append-only triggers: deleting a row of
 * `kysely_migration` would make the next open re-run that migration over the existing tables.
 * Kysely only ever inserts into them (its SQLite and PostgreSQL adapters lock without writing
 * to the lock table, and greenlight never migrates down).
 */
function protectMigrationsDdl(dialect: Dialect): string[] {
  return MIGRATION_TABLES.flatMap((table) =>
    dialect === 'sqlite'
      ? [
          `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
           BEGIN SELECT RAISE(ABORT, 'greenlight: ${table} is append-only: UPDATE refused'); END`,
          `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
           BEGIN SELECT RAISE(ABORT, 'greenlight: ${table} is append-only: DELETE refused'); END`,
        ]
      : [
          `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
           FOR EACH ROW EXECUTE FUNCTION greenlight_append_only()`,
          `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
           FOR EACH STATEMENT EXECUTE FUNCTION greenlight_append_only()`,
        ],
  );
}

/**
 * `ledger_meta` keys `migration:<name>`: each migration from 0004 on records itself there too
 * (0004 also records the three before it), so a migration row deleted from Kysely's table is
 * told from a database that never ran it (see `checkMigrationTable` in db.ts).
 */
export const MIGRATION_META_PREFIX = 'migration:';

async function recordMigrations(db: Kysely<unknown>, names: string[]): Promise<void> {
  for (const name of names) {
    await sql`INSERT INTO ledger_meta (key, value) VALUES (${MIGRATION_META_PREFIX + name}, 'applied')`.execute(
      db,
    );
  }
}

export const LEDGER_FORMAT = 'greenlight-ledger/1';

function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_ledger': {
      async up(db: Kysely<unknown>) {
        for (const statement of [...tableDdl(dialect), ...triggerDdl(dialect)]) {
          await sql.raw(statement).execute(db);
        }
        await sql`INSERT INTO ledger_meta (key, value) VALUES ('format', ${LEDGER_FORMAT})`.execute(db);
      },
    },
    '0002_summaries': {
      async up(db: Kysely<unknown>) {
        for (const statement of summariesDdl(dialect, 'seq-version')) await sql.raw(statement).execute(db);
      },
    },
    // The read index is derived data: its rows are dropped (their summarizer version is gone
    // with the format change this came with) and `greenlight ledger reindex` writes them again.
    '0003_summaries_by_version': {
      async up(db: Kysely<unknown>) {
        for (const statement of dropSummariesDdl(dialect)) await sql.raw(statement).execute(db);
        for (const statement of summariesDdl(dialect, 'version-seq')) await sql.raw(statement).execute(db);
      },
    },
    '0004_protect_migrations': {
      async up(db: Kysely<unknown>) {
        for (const statement of protectMigrationsDdl(dialect)) await sql.raw(statement).execute(db);
        await recordMigrations(db, [
          '0001_ledger',
          '0002_summaries',
          '0003_summaries_by_version',
          '0004_protect_migrations',
        ]);
      },
    },
    // Each summary is bound to its entry's leaf hash and authenticated with a key only the
    // ledger's signer can derive (src/ledger/index-mac.ts). Old rows carry no code, so they are
    // dropped like in 0003: derived data that `greenlight ledger reindex` writes again.
    '0005_summaries_bound': {
      async up(db: Kysely<unknown>) {
        for (const statement of dropSummariesDdl(dialect)) await sql.raw(statement).execute(db);
        for (const statement of summariesDdl(dialect, 'version-seq', true))
          await sql.raw(statement).execute(db);
        await recordMigrations(db, ['0005_summaries_bound']);
      },
    },
  };
}

/** The one set of migrations, in code (no files to ship or find at run time). */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  return { getMigrations: async () => migrations(dialect) };
}
