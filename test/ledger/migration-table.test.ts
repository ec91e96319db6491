/**
 * Kysely's migration tables are protected like the ledger's: triggers refuse UPDATE and DELETE
 * (and TRUNCATE in PostgreSQL). When rows are deleted anyway (triggers dropped first), opening
 * the ledger is an integrity error naming the table (exit 3), never a crash or a re-run of
 * migrations over the existing tables.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { initLedger, openLedger, PREDICATE_TYPES, STATEMENT_TYPE } from '../../src/ledger/index.js';
import { runCli } from '../cli.js';
import { testDialects, tempRoot } from './dialects.js';
import { openRaw } from './raw-db.js';

const DIALECTS = await testDialects('migration-table');
afterAll(async () => {
  for (const d of DIALECTS) await d.cleanup();
});

for (const d of DIALECTS) {
  describe.skipIf(!d.available)(`the migration table on ${d.name}`, () => {
    async function ledgerWithEntry() {
      const { root, remove } = tempRoot('gl-migrations-');
      const url = d.fresh(root);
      await initLedger(root, { url });
      const ledger = await openLedger({ root, url });
      try {
        await ledger.recordStatements([
          {
            statement: {
              _type: STATEMENT_TYPE,
              subject: [{ name: 'repo/acme', digest: { gitCommit: 'b'.repeat(40) } }],
              predicateType: PREDICATE_TYPES.checkResult,
              predicate: { check: 'x', outcome: 'pass' },
            },
          },
        ]);
      } finally {
        await ledger.close();
      }
      return { root, url, remove };
    }

    it('refuses UPDATE and DELETE of its rows', async () => {
      const { url, remove } = await ledgerWithEntry();
      const raw = await openRaw(url);
      try {
        const names = await raw.all<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name');
        expect(names.map((r) => r.name)).toContain('0004_protect_migrations');
        for (const sql of [
          "DELETE FROM kysely_migration WHERE name = '0002_summaries'",
          'DELETE FROM kysely_migration',
          "UPDATE kysely_migration SET name = 'x' WHERE name = '0001_ledger'",
          'DELETE FROM kysely_migration_lock',
          'UPDATE kysely_migration_lock SET is_locked = 1',
          ...(d.name === 'postgres' ? ['TRUNCATE kysely_migration', 'TRUNCATE kysely_migration_lock'] : []),
        ]) {
          await expect(raw.run(sql), sql).rejects.toThrow(/append-only/);
        }
        expect(await raw.all('SELECT name FROM kysely_migration')).toHaveLength(names.length);
      } finally {
        await raw.close();
        remove();
      }
    });

    for (const [what, where] of [
      ['every row', ''],
      ['the first migration', "WHERE name = '0001_ledger'"],
      ['the migration that protects the table', "WHERE name = '0004_protect_migrations'"],
      ['the latest migration', "WHERE name = '0005_summaries_bound'"],
    ] as const) {
      it(`reports ${what} deleted behind its back as an integrity error (exit 3)`, async () => {
        const { root, url, remove } = await ledgerWithEntry();
        try {
          const raw = await openRaw(url);
          let before: number;
          try {
            before = (await raw.all('SELECT name FROM kysely_migration')).length;
            await raw.dropTriggers();
            await raw.run(`DELETE FROM kysely_migration ${where}`);
          } finally {
            await raw.close();
          }
          const env = { GREENLIGHT_DATABASE_URL: url };
          for (const args of [
            ['ledger', 'verify'],
            ['ledger', 'status'],
            ['ledger', 'export', '--out', `${root}/out`],
          ]) {
            const r = await runCli([...args, '--repo', root], { env });
            expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
            expect(r.stderr).toMatch(
              /migration table \(kysely_migration\) no longer lists migration 0\d{3}_/,
            );
            expect(r.stderr).toMatch(/restore the database/);
            expect(r.stderr).not.toMatch(/internal error/i);
          }
          // nothing was re-run or repaired
          const after = await openRaw(url);
          try {
            const rows = await after.all('SELECT name FROM kysely_migration');
            expect(rows.length).toBeLessThan(before!);
          } finally {
            await after.close();
          }
        } finally {
          remove();
        }
      });
    }
  });
}
