/**
 * The deploy gate reads exactly what a deploy ships (`git log commit ^previous-deploy`) and judges
 * every commit of it, whatever its date: a direct push dated after the gate's clock is blocked,
 * not left out of the window and passed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import {
  ALICE,
  BOB,
  cleanupRepos,
  createRepo,
  isolateGitConfig,
  tempDir,
  type TestRepo,
} from './git-repo.js';

isolateGitConfig();
afterAll(cleanupRepos);

describe('deploy gate', () => {
  let repo: TestRepo;
  let db: string;
  const sha = { a: '', b: '', c: '' };
  const cli = (args: string[], now: string) =>
    runCli([...args, '--repo', repo.dir], {
      env: { GREENLIGHT_NOW: now, GREENLIGHT_DATABASE_URL: `sqlite:${db}` },
    });
  const gate = (commit: string, now: string) =>
    cli(['gate', '--context', 'deploy', '--env', 'production', '--commit', commit], now);

  beforeAll(async () => {
    repo = createRepo();
    db = `${tempDir()}/ledger.db`;
    sha.a = repo.commit({ subject: 'ENG-1 first', date: '2026-01-05T09:00:00Z' });
    const recorded = await cli(
      ['record', 'deployment', '--env', 'production', '--commit', sha.a],
      '2026-01-05T10:00:00Z',
    );
    expect(recorded.code).toBe(0);
    // Pushed straight to main, one from a laptop whose clock runs a day ahead.
    sha.b = repo.commit({ subject: 'ENG-2 direct', author: BOB, date: '2026-01-05T11:00:00Z' });
    sha.c = repo.commit({ subject: 'ENG-3 from the future', author: ALICE, date: '2026-01-07T12:00:00Z' });
  });

  it('lists each commit shipped since the previous deploy, including one dated after now', async () => {
    const r = await gate(sha.c, '2026-01-06T12:00:00Z');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('2 changes shipped to production');
    expect(r.stdout).toContain(sha.b.slice(0, 7));
    expect(r.stdout).toContain(sha.c.slice(0, 7));
    expect(r.stdout).not.toContain(sha.a.slice(0, 7) + ' "');
  });

  it('passes a rollback to a commit the previous deploy already shipped', async () => {
    const recorded = await cli(
      ['record', 'deployment', '--env', 'production', '--commit', sha.b],
      '2026-01-06T13:00:00Z',
    );
    expect(recorded.code).toBe(0);
    const r = await gate(sha.a, '2026-01-06T14:00:00Z');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`nothing new to ship: ${sha.a.slice(0, 7)}`);
  });

  it('says so when the previous deploy is not in the checkout', async () => {
    const unknown = 'deadbeef'.repeat(5);
    const recorded = await cli(
      ['record', 'deployment', '--env', 'staging', '--commit', unknown],
      '2026-01-06T15:00:00Z',
    );
    expect(recorded.code).toBe(0);
    const r = await cli(
      ['gate', '--context', 'deploy', '--env', 'staging', '--commit', sha.c],
      '2026-01-06T16:00:00Z',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the previous deploy to staging (deadbee, ledger entry`);
    expect(r.stderr).toContain('git fetch --unshallow');
  });
});
