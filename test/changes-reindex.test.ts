/**
 * A ledger whose read index lacks summaries of the current format (recorded by an older
 * greenlight, or migrated by 0003): `greenlight changes` still lists the same population, read
 * from the signed statements, and says on stderr that `greenlight ledger reindex` makes it
 * faster; after the reindex it reads the index and says nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { cleanupRepos, createRepo, isolateGitConfig, tempDir, type TestRepo } from './git-repo.js';
import { openRaw } from './ledger/raw-db.js';

isolateGitConfig();
afterAll(cleanupRepos);

describe('changes over a ledger without its read index', () => {
  let repo: TestRepo;
  let url: string;
  const cli = (args: string[]) =>
    runCli([...args, '--repo', repo.dir], {
      env: { GREENLIGHT_NOW: '2026-01-06T12:00:00Z', GREENLIGHT_DATABASE_URL: url },
    });

  beforeAll(async () => {
    repo = createRepo();
    url = `sqlite:${tempDir()}/ledger.db`;
    const a = repo.commit({ subject: 'ENG-1 first', date: '2026-01-05T09:00:00Z' });
    repo.commit({ subject: 'ENG-2 second', date: '2026-01-05T10:00:00Z' });
    for (const sha of [a, repo.head()])
      expect((await cli(['record', 'deployment', '--env', 'production', '--commit', sha])).code).toBe(0);
  });

  it('reads the statements, says so, and reads the index once reindexed', async () => {
    const indexed = await cli(['changes', '--since', '2026-01-01', '--format', 'json']);
    expect(indexed.code).toBe(0);
    expect(indexed.stderr).not.toMatch(/reindex/);
    const raw = await openRaw(url);
    try {
      await raw.dropTriggers(); // as if the summaries had never been written
      await raw.run('DELETE FROM ledger_summaries');
    } finally {
      await raw.close();
    }
    const unindexed = await cli(['changes', '--since', '2026-01-01', '--format', 'json']);
    expect(unindexed.code).toBe(0);
    expect(unindexed.stderr).toMatch(/2 ledger entries were read from their signed statements/);
    expect(unindexed.stderr).toMatch(/greenlight ledger reindex/);
    expect(JSON.parse(unindexed.stdout)).toEqual(JSON.parse(indexed.stdout));
    expect((await cli(['ledger', 'reindex'])).code).toBe(0);
    const reindexed = await cli(['changes', '--since', '2026-01-01', '--format', 'json']);
    expect(reindexed.stderr).not.toMatch(/reindex/);
    expect(JSON.parse(reindexed.stdout)).toEqual(JSON.parse(indexed.stdout));
  });
});
