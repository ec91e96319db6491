/**
 * The read index (`ledger_summaries`) is not signed, so each row carries an authentication code
 * only the ledger's signing key can make. A summary edited in the database (here: a production
 * deployment moved to another commit, which changes that change's status) stops `changes` and
 * `sample` with exit 3 naming the entry, instead of a quietly different population.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { cleanupRepos, createRepo, isolateGitConfig, tempDir, type TestRepo } from './git-repo.js';
import { testDialects } from './ledger/dialects.js';
import { openRaw } from './ledger/raw-db.js';

isolateGitConfig();
const DIALECTS = await testDialects('index-tamper');
afterAll(async () => {
  cleanupRepos();
  for (const d of DIALECTS) await d.cleanup();
});

for (const d of DIALECTS) {
  describe.skipIf(!d.available)(`changes over a tampered read index on ${d.name}`, () => {
    let repo: TestRepo;
    let url: string;
    let first: string;
    const cli = (args: string[]) =>
      runCli([...args, '--repo', repo.dir], {
        env: { GREENLIGHT_NOW: '2026-01-06T12:00:00Z', GREENLIGHT_DATABASE_URL: url },
      });

    beforeAll(async () => {
      repo = createRepo();
      url = d.name === 'sqlite' ? `sqlite:${tempDir()}/ledger.db` : d.fresh(repo.dir);
      first = repo.commit({ subject: 'ENG-1 first', date: '2026-01-05T09:00:00Z' });
      repo.commit({ subject: 'ENG-2 second', date: '2026-01-05T10:00:00Z' });
      const r = await cli(['record', 'deployment', '--env', 'production', '--commit', first]);
      expect(r.code, r.stderr).toBe(0);
    });

    it('exits 3 naming the entry whose summary was edited, for changes and sample', async () => {
      const clean = await cli(['changes', '--since', '2026-01-01', '--format', 'json']);
      expect(clean.code, clean.stderr).toBe(0);
      const raw = await openRaw(url);
      let seq: number;
      try {
        await raw.dropTriggers();
        const [row] = await raw.all<{ seq: number; summary: string }>(
          'SELECT seq, summary FROM ledger_summaries ORDER BY seq',
        );
        seq = Number(row!.seq);
        // the deployment now claims the second commit: its change would count as deployed
        const forged = row!.summary.split(first).join(repo.head());
        expect(forged).not.toBe(row!.summary);
        await raw.run('UPDATE ledger_summaries SET summary = ? WHERE seq = ?', [forged, seq]);
      } finally {
        await raw.close();
      }
      for (const args of [
        ['changes', '--since', '2026-01-01', '--format', 'json'],
        ['sample', '--since', '2026-01-01', '--size', '1', '--seed', 's'],
      ]) {
        const r = await cli(args);
        expect(r.code, `${args[0]}: ${r.stderr}`).toBe(3);
        expect(r.stderr).toMatch(
          new RegExp(
            `entry ${seq!}: its read-index summary \\(ledger_summaries\\) fails its authentication code`,
          ),
        );
        expect(r.stderr).toMatch(/greenlight ledger verify/);
        expect(r.stdout).toBe('');
      }
      const verify = await cli(['ledger', 'verify', '--format', 'json']);
      expect(verify.code).toBe(3);
      expect(JSON.parse(verify.stdout).issues).toEqual(
        expect.arrayContaining([expect.objectContaining({ seq: seq!, kind: 'summary' })]),
      );
    });
  });
}
