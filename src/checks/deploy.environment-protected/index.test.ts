import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN, repository } from '../../../test/github-facts.js';
import type { GithubEnvironment } from '../../facts/index.js';
import check from './index.js';

const env = (over: Partial<GithubEnvironment>): GithubEnvironment => ({
  name: 'production',
  requiredReviewers: [{ type: 'Team', name: 'sre' }],
  preventSelfReview: true,
  waitTimerMinutes: 0,
  branchPolicy: null,
  canAdminsBypass: false,
  ...over,
});
const facts = (...environments: GithubEnvironment[]) =>
  githubFacts({ repositories: [repository({ environments })] });

describe('deploy.environment-protected', () => {
  it('passes with reviewers who cannot self-review, or a branch policy, and no admin bypass', () => {
    expect(outcomes(runCheck(check, { github: facts(env({})) }))).toEqual(['pass']);
    const policy = env({
      requiredReviewers: [],
      branchPolicy: { protectedBranches: true, customPolicies: false },
    });
    expect(outcomes(runCheck(check, { github: facts(policy) }))).toEqual(['pass']);
  });
  it('fails when admins can bypass or nothing gates the deploy', () => {
    const f = runCheck(check, { github: facts(env({ canAdminsBypass: true, preventSelfReview: false })) });
    expect(f[0]).toMatchObject({ outcome: 'fail', resource: 'acme/api:production' });
    expect(f[0]!.message).toContain('self-review');
    expect(f[0]!.message).toContain('administrators can bypass');
  });
  it('is not_available when environments are hidden; not_applicable without production', () => {
    expect(
      outcomes(
        runCheck(check, { github: githubFacts({ repositories: [repository({ environments: NOT_SEEN })] }) }),
      ),
    ).toEqual(['not_available']);
    expect(outcomes(runCheck(check, { github: facts(env({ name: 'staging' })) }))).toEqual([
      'not_applicable',
    ]);
  });
});
