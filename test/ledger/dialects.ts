import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * The DIALECTS loop: every store/ledger test runs on SQLite and on PostgreSQL. PostgreSQL comes
 * from GREENLIGHT_TEST_DATABASE_URL (set by .ci/run), else a local default; each ledger gets its
 * own schema so test files run in parallel. When no server answers and the variable is not set,
 * the PostgreSQL cases are skipped with a visible message; when it is set, they fail instead.
 */

export const LOCAL_PG = 'postgres://postgres:postgres@127.0.0.1:5432/greenlight_test';
const explicit = process.env.GREENLIGHT_TEST_DATABASE_URL;
const PG_URL = explicit ?? LOCAL_PG;

export interface DialectCase {
  name: 'sqlite' | 'postgres';
  available: boolean;
  /** A fresh, empty database for one ledger rooted at `root`. */
  fresh(root: string): string;
  /** Drops what fresh() made (PostgreSQL schemas). */
  cleanup(): Promise<void>;
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export function schemaUrl(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
}

export async function testDialects(tag: string): Promise<DialectCase[]> {
  const pgUp = await reachable(PG_URL);
  if (!pgUp) {
    const msg = `PostgreSQL at ${PG_URL.replace(/:[^:@/]*@/, ':***@')} is not reachable`;
    if (explicit) throw new Error(`${msg} (GREENLIGHT_TEST_DATABASE_URL is set)`);
    console.warn(`\n[${tag}] SKIPPING the PostgreSQL cases: ${msg}. Start one (see .ci/run) to run them.\n`);
  }
  const schemas: string[] = [];
  return [
    {
      name: 'sqlite',
      available: true,
      fresh: (root) => `sqlite:${path.join(root, '.greenlight', 'greenlight.db')}`,
      cleanup: async () => {},
    },
    {
      name: 'postgres',
      available: pgUp,
      fresh() {
        const schema = `t_${tag.replace(/[^a-z0-9]/g, '_')}_${process.pid}_${randomBytes(3).toString('hex')}`;
        schemas.push(schema);
        return schemaUrl(PG_URL, schema);
      },
      async cleanup() {
        if (!pgUp || schemas.length === 0) return;
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        try {
          for (const s of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
        } finally {
          await client.end();
        }
      },
    },
  ];
}

export function tempRoot(prefix = 'gl-ledger-'): { root: string; remove: () => void } {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
