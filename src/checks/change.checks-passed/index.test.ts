import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN, protection, repository, rules, source } from '../../../test/github-facts.js';
import type { GithubCheck, GithubPullRequest } from '../../facts/index.js';
import check from './index.js';

const run = (name: string, conclusion: string | null): GithubCheck => ({
  name,
  kind: 'check-run',
  status: conclusion ? 'COMPLETED' : 'IN_PROGRESS',
  conclusion,
  completedAt: '2026-10-01T10:00:00Z',
});
const pr = (checks: GithubCheck[]): GithubPullRequest => ({
  number: 3,
  title: 'change',
  body: '',
  url: 'u',
  author: 'bob',
  createdAt: '2026-10-01T00:00:00Z',
  mergedAt: '2026-10-02T00:00:00Z',
  mergedBy: 'alice',
  baseRef: 'main',
  headRef: 'x',
  headSha: 'a'.repeat(40),
  mergeCommitSha: null,
  labels: [],
  lastPusher: 'bob',
  reviews: [],
  checks,
  checkState: null,
});
const facts = (required: string[], ...pulls: GithubPullRequest[]) =>
  githubFacts({
    repositories: [
      repository({
        branches: [
          { branch: 'main', protection: protection([source({ rules: rules({ statusChecks: required }) })]) },
        ],
        pullRequests: pulls,
      }),
    ],
  });

describe('change.checks-passed', () => {
  it('passes when required checks were green on the head', () => {
    expect(
      outcomes(
        runCheck(check, {
          github: facts(['ci/test'], pr([run('ci/test', 'SUCCESS'), run('lint', 'FAILURE')])),
        }),
      ),
    ).toEqual(['pass']);
  });
  it('fails when a required check failed or never reported', () => {
    const f = runCheck(check, { github: facts(['ci/test', 'e2e'], pr([run('ci/test', 'FAILURE')])) });
    expect(f[0]).toMatchObject({ outcome: 'fail', resource: 'acme/api#3' });
    expect(f[0]!.message).toContain('ci/test (FAILURE) not green');
    expect(f[0]!.message).toContain('e2e never reported');
  });
  it('without required checks, fails a change with no check at all', () => {
    expect(runCheck(check, { github: facts([], pr([])) })[0]!.message).toMatch(/no check ran/);
  });
  it('is not_available when pull requests could not be read', () => {
    expect(
      outcomes(
        runCheck(check, { github: githubFacts({ repositories: [repository({ pullRequests: NOT_SEEN })] }) }),
      ),
    ).toEqual(['not_available']);
  });
});
