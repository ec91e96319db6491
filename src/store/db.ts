import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  closeSync,
  existsSync,
  fsyncSync,
  fstatSync,
  linkSync,
  openSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type pgTypes from 'pg';
import { LedgerIntegrityError, SourceError, UsageError } from '../errors.js';
import { ensurePrivateDir, STATE_DIR, tightenFile, tightenStateDir } from '../private-files.js';
import { MIGRATION_META_PREFIX, MIGRATION_TABLES, migrationProvider, type Dialect } from './migrations.js';
import type { StoreDatabase } from './schema.js';

/** `PRAGMA application_id` of a greenlight database: "GLNT". Anything else at the path is foreign. */
export const SQLITE_APPLICATION_ID = 0x474c4e54;
export const DEFAULT_DB_FILE = path.join('.greenlight', 'greenlight.db');

export interface Connection {
  dialect: Dialect;
  db: Kysely<StoreDatabase>;
  /** File path, or the URL with its password hidden. */
  location: string;
  /** PostgreSQL advisory lock key of this log (one per schema); 0 for SQLite. */
  lockKey: bigint;
  close(): Promise<void>;
}

export interface ConnectOptions {
  root: string;
  url?: string | undefined;
  create?: boolean | undefined;
}

/** `postgres://…` opens PostgreSQL, `sqlite:PATH` (or none) the embedded file. */
export async function connect(opts: ConnectOptions): Promise<Connection> {
  const fromEnv = opts.url === undefined;
  const url = opts.url ?? process.env.GREENLIGHT_DATABASE_URL;
  const create = opts.create ?? true;
  const target = parseDatabaseUrl(url, opts.root, fromEnv ? 'GREENLIGHT_DATABASE_URL' : 'the database URL');
  return target.dialect === 'postgres'
    ? connectPostgres(target.url, target.schema, create, redactUrl(url as string))
    : connectSqlite(target.file, create, target.name);
}

export type DatabaseTarget =
  | { dialect: 'postgres'; url: URL; schema: string | null }
  | { dialect: 'sqlite'; file: string; name: string | null };

const POSTGRES_FORM = 'postgres://USER:PASSWORD@HOST:PORT/DATABASE';

/**
 * Where the ledger lives, from a database URL (or none: `.greenlight/greenlight.db` under `root`).
 * A malformed URL is a usage error naming `name` (the variable it came from); the message never
 * shows a password.
 */
export function parseDatabaseUrl(
  url: string | undefined,
  root: string,
  name = 'GREENLIGHT_DATABASE_URL',
): DatabaseTarget {
  if (!url) return { dialect: 'sqlite', file: path.resolve(root, DEFAULT_DB_FILE), name: null };
  if (/^postgres(ql)?:\/\//i.test(url)) return parsePostgresUrl(url, name);
  const m = /^(?:sqlite|file):(?:\/\/)?(.+)$/i.exec(url);
  if (m?.[1]) return { dialect: 'sqlite', file: path.resolve(root, m[1]), name };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new UsageError(
    `${name} must be ${POSTGRES_FORM} or sqlite:PATH ` +
      (scheme ? `(got a ${scheme}: URL: ${redactUrl(url)})` : '(got something that is not a URL; not shown)'),
  );
}

function parsePostgresUrl(url: string, name: string): DatabaseTarget {
  const bad = (why: string) =>
    new UsageError(
      `${name} is not a usable PostgreSQL URL (${redactUrl(url)}): ${why}; expected ${POSTGRES_FORM}`,
    );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad('it does not parse (is the port a number from 1 to 65535, and the host not empty?)');
  }
  if (parsed.port === '0') throw bad('port 0');
  if (!parsed.hostname && !parsed.searchParams.get('host')) throw bad('no host');
  for (const [part, value] of [
    ['user name', parsed.username],
    ['password', parsed.password],
    ['database name', parsed.pathname],
  ] as const) {
    if (!decodes(value)) throw bad(`the ${part} has a malformed %-escape`);
  }
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new UsageError(`schema "${schema}" in ${name} must be a lower-case SQL identifier`);
  }
  return { dialect: 'postgres', url: parsed, schema };
}

function decodes(value: string): boolean {
  try {
    return typeof decodeURIComponent(value) === 'string';
  } catch {
    return false;
  }
}

/**
 * The URL with the password of its user information hidden. The user information runs to the
 * last "@" (a password may hold an unescaped "@" or "/"), so no part of a password shows even in
 * a URL that does not parse.
 */
export function redactUrl(url: string): string {
  const start = url.indexOf('://');
  const at = url.lastIndexOf('@');
  if (start < 0 || at < start) return url;
  const userinfo = url.slice(start + 3, at);
  const colon = userinfo.indexOf(':');
  if (colon < 0) return url;
  return `${url.slice(0, start + 3)}${userinfo.slice(0, colon)}:***@${url.slice(at + 1)}`;
}

// ---------------------------------------------------------------- SQLite

async function connectSqlite(file: string, create: boolean, name: string | null): Promise<Connection> {
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new UsageError(`${file} is a folder, not a ledger database file${name ? ` (from ${name})` : ''}`);
  }
  if (!existsSync(file)) {
    if (!create) throw new UsageError(`no evidence ledger at ${file}; run \`greenlight init\` first`);
    if (existsSync(`${file}-wal`)) {
      throw new LedgerIntegrityError(
        `${file} is missing but its write-ahead log ${file}-wal exists: the database was moved or ` +
          `deleted; restore it instead of starting a new ledger`,
      );
    }
    await createSqlite(file);
  } else {
    checkSqliteHeader(file);
    // Owner-only, also for a ledger made before this rule or copied in with a wide mode. SQLite
    // gives a new -wal/-shm the mode of the database file.
    if (path.basename(path.dirname(file)) === STATE_DIR) tightenStateDir(path.dirname(file));
    for (const suffix of ['', '-wal', '-shm']) tightenFile(`${file}${suffix}`);
  }
  let raw: Database.Database;
  try {
    raw = new Database(file, { fileMustExist: true });
    raw.pragma('busy_timeout = 15000');
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    // REPLACE-style deletes must fire the append-only triggers too.
    raw.pragma('recursive_triggers = ON');
    const appId = raw.pragma('application_id', { simple: true }) as number;
    if (appId !== SQLITE_APPLICATION_ID) {
      raw.close();
      throw foreignSqlite(file);
    }
  } catch (err) {
    throw mapSqliteError(err, file);
  }
  const db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: cachingPrepare(raw) }) });
  await migrate(db, 'sqlite', file);
  return {
    dialect: 'sqlite',
    db,
    location: file,
    lockKey: 0n,
    close: () => db.destroy(),
  };
}

/**
 * Kysely's SQLite driver prepares every query anew; the ledger runs the same few query shapes
 * over and over (proofs, appends, verify), so prepared statements are kept, most recent first.
 */
function cachingPrepare(raw: Database.Database, max = 256) {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => raw.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql);
      } else {
        stmt = raw.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

/**
 * A new database is built under a temporary name and linked into place, so the path holds either
 * nothing or a complete, migrated greenlight database — never a half-made one — and an existing
 * file is never replaced (link fails if the path exists).
 */
async function createSqlite(file: string): Promise<void> {
  ensurePrivateDir(path.dirname(file));
  const tmp = `${file}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const raw = new Database(tmp);
    // better-sqlite3 creates the file with the process umask: owner-only before anything is in it.
    tightenFile(tmp);
    raw.pragma(`application_id = ${SQLITE_APPLICATION_ID}`);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    const db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: raw }) });
    await migrate(db, 'sqlite', file);
    await db.destroy(); // checkpoints the WAL into the file and removes it
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    try {
      linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Another process created it first; theirs is as good as ours.
    }
    const dir = openSync(path.dirname(file), 'r');
    fsyncSync(dir);
    closeSync(dir);
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${tmp}${suffix}`, { force: true });
  }
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** Cheap checks before SQLite touches the file: magic, our application id, and truncation. */
function checkSqliteHeader(file: string): void {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const header = Buffer.alloc(100);
    const n = size > 0 ? readSync(fd, header, 0, 100, 0) : 0;
    if (n < 100) {
      throw new LedgerIntegrityError(
        `${file} is not a greenlight ledger: only ${size} bytes (truncated or foreign file); ` +
          `refusing to open or overwrite it`,
      );
    }
    if (!header.subarray(0, 16).equals(SQLITE_MAGIC)) {
      throw new LedgerIntegrityError(
        `${file} is not a SQLite database (foreign or corrupt file); refusing to open or overwrite it`,
      );
    }
    if (header.readUInt32BE(68) !== SQLITE_APPLICATION_ID) throw foreignSqlite(file);
    const rawPageSize = header.readUInt16BE(16);
    const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
    const pages = header.readUInt32BE(28);
    const headerValid = header.readUInt32BE(24) === header.readUInt32BE(92);
    // With a live WAL the main file may legitimately lag its header until the next checkpoint.
    const walLive = existsSync(`${file}-wal`);
    if (size % pageSize !== 0 || (!walLive && headerValid && pages * pageSize > size)) {
      throw new LedgerIntegrityError(
        `${file} is truncated: ${size} bytes, but its header describes ${pages} pages of ${pageSize} bytes`,
      );
    }
  } finally {
    closeSync(fd);
  }
}

function foreignSqlite(file: string): LedgerIntegrityError {
  return new LedgerIntegrityError(
    `${file} is a SQLite database that greenlight did not create (foreign file); refusing to use it`,
  );
}

/** SQLite's own corruption codes become integrity errors naming the file. */
export function mapSqliteError(err: unknown, file: string): unknown {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code)) {
    return new LedgerIntegrityError(`${file} is corrupt: ${(err as Error).message}`);
  }
  if (typeof code === 'string' && /^SQLITE_IOERR/.test(code)) {
    return new LedgerIntegrityError(`${file}: I/O error reading the ledger: ${(err as Error).message}`);
  }
  return err;
}

// ---------------------------------------------------------------- PostgreSQL

const INT8_OID = 20;

async function connectPostgres(
  parsed: URL,
  schema: string | null,
  create: boolean,
  location: string,
): Promise<Connection> {
  // Loaded here so SQLite users (and every CI gate on SQLite) never load the driver. pg is
  // CommonJS: required, not import()ed, which the code-cached bundle could not run on Node 20.
  const pg = createRequire(import.meta.url)('pg') as typeof pgTypes;
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: 4,
    connectionTimeoutMillis: 10_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    // Sequence numbers are bigint; every value we store fits in a double (< 2^53).
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8_OID && format !== 'binary'
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pgTypes.types.getTypeParser,
    },
  });
  pool.on('error', () => {}); // idle client errors surface on the next query instead of crashing
  let client: pgTypes.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    await pool.end().catch(() => {});
    const message = `cannot reach PostgreSQL at ${location}: ${(err as Error).message}`;
    // The cause tells --fail-open an unreachable server from refused credentials.
    throw Object.assign(new SourceError(message), { cause: err });
  }
  let lockKey: bigint;
  let schemaName: string;
  try {
    if (schema) {
      if (create) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (found.rowCount === 0)
        throw new UsageError(`no evidence ledger at ${location}; run \`greenlight init\``);
    }
    const current = await client.query<{ s: string }>('SELECT current_schema() AS s');
    schemaName = current.rows[0]?.s ?? 'public';
    lockKey = advisoryKey(schemaName);
    if (!create) {
      const has = await client.query(
        `SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'ledger_entries'`,
        [schemaName],
      );
      if (has.rowCount === 0)
        throw new UsageError(`no evidence ledger at ${location}; run \`greenlight init\``);
    }
    // One migrator at a time per schema, including the creation of Kysely's own tables.
    await client.query('SELECT pg_advisory_lock($1)', [(lockKey + 1n).toString()]);
  } catch (err) {
    client.release();
    await pool.end().catch(() => {});
    throw err;
  }
  const db = new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrate(db, 'postgres', location, schemaName);
  } catch (err) {
    client.release();
    await db.destroy().catch(() => {});
    throw err;
  }
  await client.query('SELECT pg_advisory_unlock($1)', [(lockKey + 1n).toString()]).catch(() => {});
  client.release();
  return { dialect: 'postgres', db, location, lockKey, close: () => db.destroy() };
}

/** A stable 63-bit advisory lock key per schema, so logs in different schemas never wait on each other. */
function advisoryKey(schema: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(`greenlight-ledger:${schema}`)) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return (h >> 2n) & 0x3ffffffffffffffen; // even, and key+1 is free for the migration lock
}

// ---------------------------------------------------------------- migrations

/**
 * Whether every migration is already applied (read from Kysely's own table): the usual case,
 * where starting the Migrator (and its locking transaction) would cost a CI gate time for nothing.
 */
async function upToDate(db: Kysely<StoreDatabase>, dialect: Dialect): Promise<boolean> {
  try {
    const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
    const want = Object.keys(await migrationProvider(dialect).getMigrations()).sort();
    return rows.rows.length === want.length && rows.rows.every((r, i) => r.name === want[i]);
  } catch {
    return false; // no bookkeeping table yet: let the Migrator create it
  }
}

/**
 * Before the Migrator runs over an existing ledger: Kysely's migration table must still list
 * every migration the ledger ran. Its rows are append-only (migration 0004); if they were
 * deleted anyway (triggers dropped first), the Migrator would re-run migrations over the
 * existing tables. That is damage to report (exit 3), never to repair.
 */
async function checkMigrationTable(db: Kysely<StoreDatabase>, dialect: Dialect, location: string) {
  const tables = (
    dialect === 'sqlite'
      ? await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(db)
      : await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema()`.execute(db)
  ).rows.map((r) => r.name);
  if (!tables.includes('ledger_meta')) return; // a new database (the Migrator makes it)
  const want = Object.keys(await migrationProvider(dialect).getMigrations()).sort();
  const applied = tables.includes(MIGRATION_TABLES[0])
    ? (await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db)).rows.map(
        (r) => r.name,
      )
    : [];
  const recorded = (
    await sql<{
      key: string;
    }>`SELECT key FROM ledger_meta WHERE key LIKE ${`${MIGRATION_META_PREFIX}%`}`.execute(db)
  ).rows.map((r) => r.key.slice(MIGRATION_META_PREFIX.length));
  const unknown = applied.filter((n) => !want.includes(n));
  if (unknown.length > 0) {
    throw new LedgerIntegrityError(
      `${location}: the ledger was migrated by a newer greenlight (migrations ${unknown.join(', ')}); upgrade greenlight`,
    );
  }
  const gone = [...new Set([...recorded, ...(applied.length ? [] : [want[0] as string])])].filter(
    (n) => !applied.includes(n),
  );
  const gap = applied.some((n, i) => n !== want[i]);
  if (gone.length > 0 || gap) {
    const missing = gap ? want.slice(0, applied.length).filter((n) => !applied.includes(n)) : gone;
    throw new LedgerIntegrityError(
      `${location}: the ledger's migration table (kysely_migration) no longer lists migration ` +
        `${missing.join(', ')}, which this ledger ran: its rows were deleted (the table is append-only), ` +
        'so the database was tampered with or damaged. greenlight does not repair it: restore the database ' +
        'from a backup, then run `greenlight ledger verify`',
    );
  }
}

async function migrate(
  db: Kysely<StoreDatabase>,
  dialect: Dialect,
  location: string,
  schema?: string,
): Promise<void> {
  if (dialect === 'sqlite' && (await upToDate(db, dialect))) return;
  await checkMigrationTable(db, dialect, location);
  // In PostgreSQL, Kysely's bookkeeping tables live in the ledger's schema (not "any schema").
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  let result;
  try {
    result = await migrator.migrateToLatest();
  } catch (err) {
    throw dialect === 'sqlite' ? mapSqliteError(err, location) : err;
  }
  if (result.error) {
    const err = dialect === 'sqlite' ? mapSqliteError(result.error, location) : result.error;
    if (err instanceof LedgerIntegrityError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new LedgerIntegrityError(
      `${location}: cannot prepare the ledger tables (${message}); ` +
        `is this database used by something other than greenlight?`,
    );
  }
}
