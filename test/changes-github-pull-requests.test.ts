/* eslint-disable @typescript-eslint/no-explicit-any -- JSON output is walked loosely */
/**
 * `greenlight changes` with pull-request data from GitHub (the real GitHub source against the
 * simulator, as an Enterprise Server): approvals, the last pusher and the checks on the head
 * join the git history, and decide each change's status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { BOB, cleanupRepos, createRepo, isolateGitConfig, type TestRepo } from './git-repo.js';
import { baseScenario, NOW, simulatorHarness, TOKEN } from './github-fixtures.js';

const h = simulatorHarness();
let repo: TestRepo;
let ghesUrl: string;
const sha: Record<string, string> = {};

beforeAll(async () => {
  isolateGitConfig();
  const scenario = baseScenario();
  scenario.repositories![0]!.pull_requests = [
    {
      title: 'ENG-1: add health endpoint',
      author: 'bob',
      created_at: '-5d',
      merged_at: '-4d',
      reviews: [{ author: 'alice' }],
      checks: [{ name: 'ci/test' }],
    },
    {
      title: 'ENG-2: tweak cache',
      author: 'carol',
      created_at: '-4d',
      merged_at: '-3d',
      last_pusher: 'dave',
      reviews: [{ author: 'dave' }],
      checks: [{ name: 'ci/test' }],
    },
    {
      title: 'ENG-3: new prices',
      author: 'bob',
      created_at: '-3d',
      merged_at: '-2d',
      reviews: [{ author: 'alice' }],
      checks: [{ name: 'ci/test', conclusion: 'FAILURE' }],
    },
  ] as never;
  ghesUrl = (await h.start(scenario)).ghesUrl;

  repo = createRepo();
  repo.commit({ subject: 'Initial' });
  for (const n of [1, 2, 3]) {
    repo.branch(`feature-${n}`);
    repo.commit({ subject: `work ${n}`, author: BOB });
    repo.checkout('main');
    sha[`m${n}`] = repo.prMerge(`feature-${n}`, n);
  }
}, 120_000);
afterAll(cleanupRepos);

describe('greenlight changes with GitHub pull requests', () => {
  it('takes approvals, the last pusher and head checks from GitHub', async () => {
    const r = await runCli(
      [
        'changes',
        '--repo',
        repo.dir,
        '--since',
        '2026-01-01',
        '--format',
        'json',
        '--github',
        'acme/api',
        '--github-url',
        ghesUrl,
      ],
      { env: { GITHUB_TOKEN: TOKEN, GREENLIGHT_NOW: NOW.toISOString(), GREENLIGHT_DATABASE_URL: '' } },
    );
    expect(r.code, r.stderr).toBe(0);
    const pop = JSON.parse(r.stdout);
    expect(pop.approvalSources).toContain('forge');
    const rows = Object.fromEntries(pop.rows.map((x: any) => [x.pr, x]));

    expect(rows[1]).toMatchObject({
      commit: sha.m1,
      title: 'ENG-1: add health endpoint',
      author: 'bob',
      lastPusher: 'bob',
      independentApproval: true,
      checksPassed: true,
      ticket: 'ENG-1',
      status: 'compliant',
    });
    expect(rows[1].approvals).toEqual([
      expect.objectContaining({
        by: 'alice',
        source: 'forge',
        onHead: true,
        beforeMerge: true,
        independent: true,
      }),
    ]);
    expect(rows[1].checks).toEqual([{ name: 'ci/test', conclusion: 'SUCCESS', source: 'forge' }]);

    expect(rows[2]).toMatchObject({ author: 'carol', lastPusher: 'dave', independentApproval: false });
    expect(rows[2].reasons).toContain('approved only by its author or last pusher');
    expect(rows[2].status).toBe('deviation');

    expect(rows[3]).toMatchObject({ independentApproval: true, checksPassed: false, status: 'deviation' });
    expect(rows[3].reasons).toEqual(['checks or tests failed on the head commit']);
  });

  it('says why when GitHub cannot be read, and builds the population from git', async () => {
    const r = await runCli(
      ['changes', '--repo', repo.dir, '--since', '2026-01-01', '--format', 'json', '--github', 'acme/api'],
      {
        env: {
          GITHUB_TOKEN: '',
          GH_TOKEN: '',
          GREENLIGHT_NOW: NOW.toISOString(),
          GREENLIGHT_DATABASE_URL: '',
        },
      },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no pull-request data from GitHub: no GitHub credentials for acme/api');
    const pop = JSON.parse(r.stdout);
    expect(pop.approvalSources).not.toContain('forge');
    expect(pop.rows.filter((x: any) => x.pr !== null)).toHaveLength(3);
  });
});
