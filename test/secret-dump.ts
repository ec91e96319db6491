import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import Database from 'better-sqlite3';
import pg from 'pg';

/**
 * Everything a store or a folder holds, as text, to search for raw secrets: every column of every
 * row of every table (bytes decoded as UTF-8, and inflated when they are deflate-compressed
 * blobs), the SQLite file's raw bytes, every file under a folder.
 */

function decode(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    const buf = Buffer.from(value);
    let out = buf.toString('utf8');
    try {
      out += '\n' + inflateSync(buf).toString('utf8');
    } catch {
      // not compressed
    }
    return out;
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Every row of every table of the database at `url` (`sqlite:FILE` or a PostgreSQL URL with `?schema=`). */
export async function dumpDatabase(url: string): Promise<string> {
  const parts: string[] = [];
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    for (const f of [file, `${file}-wal`, `${file}-journal`])
      if (existsSync(f)) parts.push(readFileSync(f).toString('latin1'), readFileSync(f).toString('utf8'));
    const db = new Database(file, { readonly: true });
    try {
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as {
        name: string;
      }[];
      for (const { name } of tables)
        for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[])
          parts.push(Object.values(row).map(decode).join('\t'));
    } finally {
      db.close();
    }
    return parts.join('\n');
  }
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? 'public';
  u.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    if (tables.length === 0) throw new Error(`no tables in schema ${schema}`);
    for (const { table_name } of tables) {
      const { rows } = await client.query(`SELECT * FROM "${schema}"."${table_name}"`);
      for (const row of rows as Record<string, unknown>[])
        parts.push(Object.values(row).map(decode).join('\t'));
    }
  } finally {
    await client.end();
  }
  return parts.join('\n');
}

/** Every file under `dir` (recursively), decoded, with its path. */
export function dumpFiles(dir: string): string {
  if (!existsSync(dir)) return '';
  const parts: string[] = [];
  const visit = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) visit(path.join(p, e));
    else if (st.isFile()) parts.push(`${p}\n${decode(readFileSync(p))}`);
  };
  visit(dir);
  return parts.join('\n');
}
