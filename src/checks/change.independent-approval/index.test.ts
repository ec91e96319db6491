import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN, repository } from '../../../test/github-facts.js';
import type { GithubPullRequest } from '../../facts/index.js';
import check from './index.js';

const HEAD = 'a'.repeat(40);
const pr = (over: Partial<GithubPullRequest>): GithubPullRequest => ({
  number: 7,
  title: 'ENG-1 change',
  body: '',
  url: 'https://github.com/acme/api/pull/7',
  author: 'bob',
  createdAt: '2026-10-01T00:00:00Z',
  mergedAt: '2026-10-02T00:00:00Z',
  mergedBy: 'alice',
  baseRef: 'main',
  headRef: 'eng-1',
  headSha: HEAD,
  mergeCommitSha: 'b'.repeat(40),
  labels: [],
  lastPusher: 'bob',
  reviews: [{ author: 'alice', state: 'APPROVED', submittedAt: '2026-10-01T12:00:00Z', commitSha: HEAD }],
  checks: [],
  checkState: null,
  ...over,
});
const facts = (...pullRequests: GithubPullRequest[]) =>
  githubFacts({ repositories: [repository({ pullRequests })] });
const problem = (over: Partial<GithubPullRequest>) => runCheck(check, { github: facts(pr(over)) })[0]!;

describe('change.independent-approval', () => {
  it('passes when someone other than author and last pusher approved the head before merging', () => {
    expect(outcomes(runCheck(check, { github: facts(pr({})) }))).toEqual(['pass']);
  });
  it('fails for each way an approval is not independent', () => {
    expect(problem({ reviews: [] }).message).toMatch(/without any approval/);
    expect(problem({ lastPusher: 'alice' }).message).toMatch(
      /approved only by alice, who pushed its last commit/,
    );
    expect(
      problem({
        reviews: [{ author: 'bob', state: 'APPROVED', submittedAt: '2026-10-01T12:00:00Z', commitSha: HEAD }],
      }).message,
    ).toMatch(/approved only by its author bob/);
    expect(
      problem({
        reviews: [
          {
            author: 'alice',
            state: 'APPROVED',
            submittedAt: '2026-10-01T12:00:00Z',
            commitSha: 'c'.repeat(40),
          },
        ],
      }).message,
    ).toMatch(/earlier commit/);
    expect(
      problem({
        reviews: [
          { author: 'alice', state: 'APPROVED', submittedAt: '2026-10-03T00:00:00Z', commitSha: HEAD },
        ],
      }).message,
    ).toMatch(/after the merge/);
    expect(problem({ reviews: [] })).toMatchObject({ outcome: 'fail', resource: 'acme/api#7' });
  });
  it('lets a reviewer’s latest review stand: a later change request or dismissal supersedes the approval, a comment does not', () => {
    const review = (state: string, hour: number) => ({
      author: 'alice',
      state,
      submittedAt: `2026-10-01T${String(hour).padStart(2, '0')}:00:00Z`,
      commitSha: HEAD,
    });
    expect(problem({ reviews: [review('APPROVED', 10), review('CHANGES_REQUESTED', 11)] }).message).toMatch(
      /without a standing approval/,
    );
    expect(problem({ reviews: [review('APPROVED', 10), review('DISMISSED', 11)] }).outcome).toBe('fail');
    expect(problem({ reviews: [review('APPROVED', 10), review('COMMENTED', 11)] }).outcome).toBe('pass');
    expect(problem({ reviews: [review('CHANGES_REQUESTED', 10), review('APPROVED', 11)] }).outcome).toBe(
      'pass',
    );
  });
  it('does not count approvals by bots or GitHub Actions as independent human approvals', () => {
    for (const author of ['github-actions', 'github-actions[bot]', 'renovate[bot]']) {
      const f = problem({
        reviews: [{ author, state: 'APPROVED', submittedAt: '2026-10-01T12:00:00Z', commitSha: HEAD }],
      });
      expect(f.outcome).toBe('fail');
      expect(f.message).toContain(`approved only by ${author}, not an independent human approval`);
    }
  });
  it('is not_available when pull requests could not be read, not_applicable when none merged', () => {
    expect(
      outcomes(
        runCheck(check, { github: githubFacts({ repositories: [repository({ pullRequests: NOT_SEEN })] }) }),
      ),
    ).toEqual(['not_available']);
    expect(outcomes(runCheck(check, { github: facts() }))).toEqual(['not_applicable']);
  });
});
