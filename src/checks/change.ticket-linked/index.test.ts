import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import {
  cleanupRepos,
  cloneRepo,
  createRepo,
  DEPENDABOT,
  readHistory,
  WEB_FLOW,
} from '../../../test/git-repo.js';
import { baseScenario, NOW, simulatorHarness } from '../../../test/github-fixtures.js';
import { configSchema } from '../../config/index.js';
import type { GithubFacts } from '../../facts/index.js';
import type { ScenarioInput } from '../../sim/github/index.js';
import check from './index.js';

afterAll(cleanupRepos);

describe('change.ticket-linked', () => {
  it('passes when each change links a ticket in its title, body, branch, commits or a tracker URL', async () => {
    const repo = createRepo();
    repo.squash(1, { subject: 'ENG-1 Initial import' });
    repo.squash(2, { subject: 'Fix login', body: 'Fixes https://acme.atlassian.net/browse/OPS-9' });
    repo.branch('feature/PAY-12-refunds');
    repo.commit({ subject: 'Refunds' });
    repo.checkout('main');
    repo.prMerge('feature/PAY-12-refunds', 3);
    repo.branch('cleanup');
    repo.commit({ subject: 'Tidy up', body: 'Part of SEC-77' });
    repo.checkout('main');
    repo.prMerge('cleanup', 4);
    repo.commit({ subject: 'Bump lodash', author: DEPENDABOT, committer: WEB_FLOW });
    repo.squash(5, { subject: 'Bump react', author: DEPENDABOT });
    const findings = runCheck(check, { git: await readHistory(repo) });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.message).toBe('all 4 changes on main link a ticket');
  });

  it('fails per unlinked change, and does not take the PR number for a ticket', async () => {
    const repo = createRepo();
    repo.squash(1, { subject: 'ENG-1 Initial import' });
    const squash = repo.squash(12, { subject: 'Fix flaky test' });
    const direct = repo.commit({ subject: 'Update README' });
    const findings = runCheck(check, { git: await readHistory(repo) });
    expect(outcomes(findings)).toEqual(['fail', 'fail']);
    expect(findings.map((f) => f.resource)).toEqual([direct, squash]);
    expect(findings[1]?.message).toBe(
      `${squash.slice(0, 7)} "Fix flaky test (#12)" (PR #12) links no ticket in its commit subject, body and trailers; ` +
        "its pull request's title and description were not read (GitHub is not connected)",
    );
  });

  it('recognises issue references with or without closing keywords, tracker keys and tracker URLs by default', async () => {
    const repo = createRepo();
    const messages: [string, string][] = [
      ['Fix login', 'Fixes #123'],
      ['Tidy logging', 'closes: #12'],
      ['Handle nulls', 'RESOLVED #4'],
      ['Share the cache', 'Refs: owner/repo#456'],
      ['Port the parser', 'Part of group/sub/project#7'],
      ['Retry uploads #88', ''],
      ['Drop the flag', 'https://github.com/acme/api/issues/9'],
      ['Pin images', 'See https://gitlab.com/acme/web/-/issues/3'],
      ['Speed up CI', 'https://linear.app/acme/issue/ENG-12/speed-up-ci'],
      ['Rotate keys', 'https://jira.acme.example/browse/OPS-1'],
      ['Fix the docs', 'https://acme.youtrack.cloud/issue/PRJ-2'],
      ['Add retries', 'https://dev.azure.com/acme/web/_workitems/edit/77'],
      ['Bump the SDK', 'https://app.shortcut.com/acme/story/1234/bump-the-sdk'],
      ['ABC-123 Rename things', ''],
    ];
    messages.forEach(([subject, body], i) => repo.squash(100 + i, { subject, body }));
    const findings = runCheck(check, { git: await readHistory(repo) });
    expect(findings.map((f) => f.message)).toEqual([`all ${messages.length} changes on main link a ticket`]);
  });

  it("takes no merge request, pull request link, C# version or the change's own PR number for a ticket", async () => {
    const repo = createRepo();
    const own = repo.squash(123, { subject: 'Add x' });
    const mr = repo.commit({ subject: 'Merge branch feature', body: 'See merge request group/project!12' });
    const csharp = repo.commit({ subject: 'Support C#10 records' });
    const pull = repo.commit({ subject: 'Follow-up', body: 'After https://github.com/acme/api/pull/5' });
    repo.branch('feature');
    repo.commit({ subject: 'Work' });
    repo.checkout('main');
    const merge = repo.prMerge('feature', 31);
    const findings = runCheck(check, { git: await readHistory(repo) });
    expect(outcomes(findings)).toEqual(['fail', 'fail', 'fail', 'fail', 'fail']);
    expect(new Set(findings.map((f) => f.resource))).toEqual(new Set([own, mr, csharp, pull, merge]));
    // Offline, only the commits were read: the message says so and claims no PR description.
    const direct = findings.find((f) => f.resource === csharp);
    expect(direct?.message).toMatch(/links no ticket in its commit subject, body and trailers$/);
    const merged = findings.find((f) => f.resource === merge);
    expect(merged?.message).toMatch(
      /\(PR #31\) links no ticket in its commit subject, body and trailers, its branch name or the commits it merged; its pull request's title and description were not read \(GitHub is not connected\)$/,
    );
  });

  it('uses the configured pattern, still ignoring the PR number, and asks for tickets from bots when told', async () => {
    const repo = createRepo();
    repo.squash(7, { subject: 'Fix crash', body: 'Closes #41' });
    repo.squash(8, { subject: 'Bump react', author: DEPENDABOT });
    const config = configSchema.parse({ tickets: { pattern: '#\\d+' } });
    const git = await readHistory(repo);
    expect(outcomes(runCheck(check, { git }, { config }))).toEqual(['pass']);
    const strict = runCheck(check, { git }, { config, options: { exemptBots: false } });
    expect(outcomes(strict)).toEqual(['fail']);
    expect(strict[0]?.message).toMatch(/Bump react/);
  });

  it('reports an invalid pattern as an error naming the setting', async () => {
    const repo = createRepo();
    repo.commit();
    const config = configSchema.parse({ tickets: { pattern: '([A-Z' } });
    const findings = runCheck(check, { git: await readHistory(repo) }, { config });
    expect(outcomes(findings)).toEqual(['error']);
    expect(findings[0]?.message).toMatch(/tickets\.pattern is not a valid regular expression/);
  });

  it('is not applicable without changes, and not available on a shallow clone', async () => {
    expect(outcomes(runCheck(check, { git: await readHistory(createRepo()) }))).toEqual(['not_applicable']);
    const src = createRepo();
    src.commit({ subject: 'ENG-1 a' });
    src.commit({ subject: 'ENG-2 b' });
    const shallow = runCheck(check, { git: await readHistory(cloneRepo(src, { depth: 1 })) });
    expect(outcomes(shallow)).toEqual(['not_available']);
    expect(shallow[0]?.message).toMatch(/git fetch --unshallow/);
  });
});

/** acme/api with merged pull requests that name their ticket only on GitHub (title, body, branch), and one that names none. */
function scenario(): ScenarioInput {
  const base = baseScenario();
  const [api, ...rest] = base.repositories ?? [];
  const pr = (number: number, title: string, extra: object = {}) => ({
    number,
    title,
    author: 'bob',
    created_at: `-${12 - number}d`,
    merged_at: `-${11 - number}d`,
    merged_by: 'alice',
    reviews: [{ author: 'alice' }],
    ...extra,
  });
  const pull_requests = [
    pr(1, 'ENG-1: add health endpoint'),
    pr(2, 'Tidy logging', { body: 'Fixes https://tracker.example/issues/42' }),
    pr(3, 'Bump deps', { head_ref: 'OPS-77-bump-deps' }),
    pr(4, 'Rename things'),
  ];
  return { ...base, repositories: [{ ...api!, pull_requests }, ...rest] };
}

describe('change.ticket-linked with GitHub pull requests', () => {
  const h = simulatorHarness();
  let github: GithubFacts;
  let down: GithubFacts;
  beforeAll(async () => {
    github = (await h.collect(scenario())).facts;
    const faults = { errors: [{ path: '^/graphql$', status: 502, times: 1000 }] };
    down = (await h.collect({ ...scenario(), faults })).facts;
  });

  /** The squash merges GitHub made for those pull requests: their commits name no ticket. */
  function squashes(remote = 'https://github.com/acme/api.git') {
    const repo = createRepo();
    repo.git(['remote', 'add', 'origin', remote]);
    repo.squash(1, { subject: 'Add health endpoint' });
    repo.squash(2, { subject: 'Tidy logging' });
    repo.squash(3, { subject: 'Bump deps' });
    const last = repo.squash(4, { subject: 'Rename things' });
    return { repo, last };
  }

  it('counts a ticket named in the PR title, body or head branch', async () => {
    const { repo, last } = squashes();
    const git = await readHistory(repo);
    expect(outcomes(runCheck(check, { git }))).toEqual(['fail', 'fail', 'fail', 'fail']);
    const findings = runCheck(check, { git, github }, { now: NOW });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.resource).toBe(last);
    expect(findings[0]?.message).toMatch(
      /"Rename things \(#4\)" \(PR #4\) links no ticket in its commit subject, body and trailers or its GitHub pull request's title, description and branch$/,
    );
  });

  it('passes when every PR names its ticket, saying how many only on GitHub', async () => {
    const { repo } = squashes();
    repo.git(['reset', '--hard', 'HEAD~1']);
    const findings = runCheck(check, { git: await readHistory(repo), github }, { now: NOW });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.message).toBe(
      "all 3 changes on main link a ticket (3 in their GitHub pull request's title, description or branch)",
    );
  });

  it("finds a commit's pull request by GitHub's merge commit when the message names none", async () => {
    const repo = createRepo();
    repo.git(['remote', 'add', 'origin', 'git@github.com:acme/api.git']);
    const edit = repo.commit({ subject: 'Edit README' });
    // The simulator cannot know a local commit's SHA: point PR #1's merge commit at it, as GitHub would.
    const facts = structuredClone(github);
    const pr = facts.repositories.find((r) => r.fullName === 'acme/api')!.pullRequests;
    if (!Array.isArray(pr)) throw new Error('pull requests were not read');
    pr.find((p) => p.number === 1)!.mergeCommitSha = edit;
    const git = await readHistory(repo);
    expect(outcomes(runCheck(check, { git, github }, { now: NOW }))).toEqual(['fail']);
    expect(outcomes(runCheck(check, { git, github: facts }, { now: NOW }))).toEqual(['pass']);
  });

  it('judges from git alone, saying why, when pull requests cannot be read or the repository differs', async () => {
    const { repo } = squashes();
    const git = await readHistory(repo);
    const unread = runCheck(check, { git, github: down }, { now: NOW });
    expect(outcomes(unread)).toEqual(['fail', 'fail', 'fail', 'fail']);
    expect(unread[0]?.message).toMatch(/\(pull requests of acme\/api could not be read: .*\)$/);
    const other = await readHistory(squashes('https://github.com/acme/web.git').repo);
    const mismatch = runCheck(check, { git: other, github }, { now: NOW });
    expect(outcomes(mismatch)).toEqual(['fail', 'fail', 'fail', 'fail']);
    expect(mismatch[0]?.message).toMatch(/\(the GitHub facts hold no repository matching this checkout\)$/);
  });
});
