import Database from 'better-sqlite3';
import pg from 'pg';
import { LEDGER_TABLES } from '../../src/store/index.js';

/**
 * A raw connection to a ledger's database, as an attacker with database access has it: plain
 * SQL (written with `?` placeholders), no greenlight code in the way.
 */
export interface RawDb {
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<void>;
  /** Removes the append-only triggers (the first thing an attacker with DB access does). */
  dropTriggers(): Promise<void>;
  close(): Promise<void>;
}

export async function openRaw(url: string): Promise<RawDb> {
  if (url.startsWith('sqlite:')) {
    const db = new Database(url.slice('sqlite:'.length));
    db.pragma('busy_timeout = 15000');
    return {
      async all<T>(sql: string, params: unknown[] = []) {
        return db.prepare(sql).all(...params) as T[];
      },
      async run(sql, params = []) {
        db.prepare(sql).run(...params);
      },
      async dropTriggers() {
        const names = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).all() as {
          name: string;
        }[];
        for (const { name } of names) db.exec(`DROP TRIGGER "${name}"`);
      },
      async close() {
        db.close();
      },
    };
  }
  const u = new URL(url);
  const schema = u.searchParams.get('schema');
  u.searchParams.delete('schema');
  const client = new pg.Client({
    connectionString: u.toString(),
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === 20
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  await client.connect();
  if (schema) await client.query(`SET search_path = ${schema}`);
  const numbered = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  return {
    async all<T>(sql: string, params: unknown[] = []) {
      return (await client.query(numbered(sql), params)).rows as T[];
    },
    async run(sql, params = []) {
      await client.query(numbered(sql), params);
    },
    async dropTriggers() {
      for (const t of [...LEDGER_TABLES, 'ledger_summaries', 'kysely_migration', 'kysely_migration_lock'])
        await client.query(`ALTER TABLE ${t} DISABLE TRIGGER USER`);
    },
    async close() {
      await client.end();
    },
  };
}

/** Inserts rows (objects with the same keys) in chunks. */
export async function insertRows(db: RawDb, table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0] as object);
  const per = Math.max(1, Math.floor(900 / cols.length));
  for (let i = 0; i < rows.length; i += per) {
    const part = rows.slice(i, i + per);
    const values = part.map(() => `(${cols.map(() => '?').join(', ')})`).join(', ');
    await db.run(
      `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${values}`,
      part.flatMap((r) => cols.map((c) => r[c])),
    );
  }
}
