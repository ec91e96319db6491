import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import {
  BOB,
  cleanupRepos,
  cloneRepo,
  createRepo,
  DEPENDABOT,
  readHistory,
  WEB_FLOW,
  type TestRepo,
} from '../../../test/git-repo.js';
import { baseScenario, NOW, simulatorHarness } from '../../../test/github-fixtures.js';
import type { GithubFacts } from '../../facts/index.js';
import check from './index.js';

afterAll(cleanupRepos);

/** A branch where every change came through GitHub: a PR merge, a squash and a dependabot commit. */
function reviewedRepo(): TestRepo {
  const repo = createRepo();
  repo.squash(1, { subject: 'Initial import' });
  repo.branch('feature/ENG-1');
  repo.commit({ subject: 'Work in progress', author: BOB });
  repo.checkout('main');
  repo.prMerge('feature/ENG-1', 2);
  repo.squash(3, { subject: 'Fix typo' });
  repo.commit({ subject: 'Bump lodash', author: DEPENDABOT, committer: WEB_FLOW });
  return repo;
}

describe('change.no-direct-push', () => {
  it('passes when every change came through a pull request', async () => {
    const git = await readHistory(reviewedRepo());
    const findings = runCheck(check, { git });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.message).toMatch(
      /all 4 changes on main in the whole history came through a pull\/merge request/,
    );
    expect(findings[0]?.resource).toBe('main');
  });

  it('fails once per direct push, naming the commit', async () => {
    const repo = reviewedRepo();
    const direct = repo.commit({ subject: 'Quick fix on prod', author: BOB });
    repo.branch('local');
    repo.commit({ subject: 'Local work' });
    repo.checkout('main');
    const localMerge = repo.merge('local', { subject: "Merge branch 'local'" });
    const findings = runCheck(check, { git: await readHistory(repo) });
    expect(outcomes(findings)).toEqual(['fail', 'fail']);
    expect(findings.map((f) => f.resource)).toEqual([localMerge, direct]);
    expect(findings[1]?.message).toBe(
      `${direct.slice(0, 7)} by Bob Roe <bob@example.com> was pushed directly to main: "Quick fix on prod"`,
    );
    expect(findings[0]?.message).toMatch(/merge commit made outside a pull request/);
  });

  it('counts bot commits as direct pushes when allowBots is false', async () => {
    const git = await readHistory(reviewedRepo());
    const findings = runCheck(check, { git }, { options: { allowBots: false } });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/Bump lodash/);
  });

  it('is not applicable when nothing reached the branch in the window', async () => {
    const git = await readHistory(reviewedRepo(), { since: new Date('2029-01-01T00:00:00Z') });
    expect(outcomes(runCheck(check, { git }))).toEqual(['not_applicable']);
    const empty = await readHistory(createRepo());
    expect(outcomes(runCheck(check, { git: empty }))).toEqual(['not_applicable']);
  });

  it('is not available on a shallow clone and says how to fix it', async () => {
    const git = await readHistory(cloneRepo(reviewedRepo(), { depth: 1 }));
    const findings = runCheck(check, { git });
    expect(outcomes(findings)).toEqual(['not_available']);
    expect(findings[0]?.message).toMatch(/git fetch --unshallow/);
  });
});

describe('change.no-direct-push with GitHub pull requests', () => {
  const h = simulatorHarness();
  let github: GithubFacts;
  let down: GithubFacts;
  beforeAll(async () => {
    // acme/api has one merged pull request (#1).
    github = (await h.collect(baseScenario())).facts;
    const faults = { errors: [{ path: '^/graphql$', status: 502, times: 1000 }] };
    down = (await h.collect({ ...baseScenario(), faults })).facts;
  });

  /**
   * A merge GitHub made with the merging user as committer (e.g. a rebase merge, or a merge
   * committed under the user's identity): git alone takes it for a push. GitHub names it as the
   * merge commit of PR #1; the simulator cannot know a local SHA, so the fact is pointed at it.
   */
  function withMerge(sha: string): GithubFacts {
    const facts = structuredClone(github);
    const prs = facts.repositories.find((r) => r.fullName === 'acme/api')!.pullRequests;
    if (!Array.isArray(prs)) throw new Error('pull requests were not read');
    prs[0]!.mergeCommitSha = sha;
    return facts;
  }

  function repoWithWebMerge() {
    const repo = reviewedRepo();
    repo.git(['remote', 'add', 'origin', 'https://github.com/acme/api.git']);
    const merged = repo.commit({ subject: 'Add health endpoint', author: BOB });
    return { repo, merged };
  }

  it("does not count a pull request's merge commit as a direct push", async () => {
    const { repo, merged } = repoWithWebMerge();
    const git = await readHistory(repo);
    expect(runCheck(check, { git }).map((f) => [f.outcome, f.resource])).toEqual([['fail', merged]]);
    const findings = runCheck(check, { git, github: withMerge(merged) }, { now: NOW });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.message).toMatch(/; 1 of them is the merge commit of GitHub pull requests$/);
    expect(findings[0]?.details).toMatchObject({ byKind: { 'github-merge': 1 } });
  });

  it('still lists the other direct pushes', async () => {
    const { repo, merged } = repoWithWebMerge();
    const hotfix = repo.commit({ subject: 'Hotfix', author: BOB });
    const findings = runCheck(
      check,
      { git: await readHistory(repo), github: withMerge(merged) },
      { now: NOW },
    );
    expect(findings.map((f) => [f.outcome, f.resource])).toEqual([['fail', hotfix]]);
    expect(findings[0]?.message).toBe(
      `${hotfix.slice(0, 7)} by Bob Roe <bob@example.com> was pushed directly to main: "Hotfix"`,
    );
  });

  it('judges from git alone, saying why, when pull requests cannot be read', async () => {
    const { repo, merged } = repoWithWebMerge();
    const findings = runCheck(check, { git: await readHistory(repo), github: down }, { now: NOW });
    expect(findings.map((f) => [f.outcome, f.resource])).toEqual([['fail', merged]]);
    expect(findings[0]?.message).toMatch(
      /"Add health endpoint" \(pull requests of acme\/api could not be read: /,
    );
  });
});
