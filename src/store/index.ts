import { connect, mapSqliteError, redactUrl, DEFAULT_DB_FILE, SQLITE_APPLICATION_ID } from './db.js';
import { ledgerStore, type LedgerStore } from './ledger.js';
import type { Dialect } from './migrations.js';

/**
 * The store's entry point: the only code in greenlight that speaks SQL. SQLite (a file under
 * `.greenlight/`) by default, PostgreSQL when `GREENLIGHT_DATABASE_URL=postgres://…` is set.
 * Migrations run on open.
 */

export type { Dialect } from './migrations.js';
export type * from './ledger.js';
export type { StoreDatabase, LedgerTable } from './schema.js';
export { LEDGER_TABLES } from './schema.js';
export { LEDGER_FORMAT } from './migrations.js';
export { DEFAULT_DB_FILE, SQLITE_APPLICATION_ID, redactUrl };

export interface OpenStoreOptions {
  /** Repository root; the SQLite file defaults to `<root>/.greenlight/greenlight.db`. */
  root: string;
  /**
   * `postgres://user:pass@host/db[?schema=name]` or `sqlite:PATH` (relative to root). Default:
   * `GREENLIGHT_DATABASE_URL`, else the SQLite file.
   */
  url?: string | undefined;
  /** Create the database when missing (default true). Read-only commands pass false. */
  create?: boolean | undefined;
}

export interface Store {
  readonly dialect: Dialect;
  /** The SQLite file path, or the PostgreSQL URL with its password hidden. */
  readonly location: string;
  readonly ledger: LedgerStore;
  close(): Promise<void>;
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const conn = await connect(opts);
  const ledger = conn.dialect === 'sqlite' ? mapErrors(ledgerStore(conn), conn.location) : ledgerStore(conn);
  return {
    dialect: conn.dialect,
    location: conn.location,
    ledger,
    close: () => conn.close(),
  };
}

/** SQLite corruption found mid-way (a damaged page) surfaces as an integrity error naming the file. */
function mapErrors(store: LedgerStore, file: string): LedgerStore {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(store)) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (err) {
        throw mapSqliteError(err, file);
      }
    };
  }
  return wrapped as unknown as LedgerStore;
}
