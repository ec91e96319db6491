import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, protection, repository, rules, source } from '../../../test/github-facts.js';
import check from './index.js';

const facts = (r: Parameters<typeof rules>[0], gaps = false) =>
  githubFacts({
    repositories: [
      repository({
        branches: [{ branch: 'main', protection: protection([source({ rules: rules(r) })], gaps) }],
      }),
    ],
  });

describe('branch.stale-approvals-dismissed', () => {
  it('passes with stale reviews dismissed, or with last-push approval', () => {
    expect(outcomes(runCheck(check, { github: facts({}) }))).toEqual(['pass']);
    expect(
      outcomes(
        runCheck(check, { github: facts({ dismissStaleReviews: false, requireLastPushApproval: true }) }),
      ),
    ).toEqual(['pass']);
  });
  it('fails when approvals survive new pushes', () => {
    expect(outcomes(runCheck(check, { github: facts({ dismissStaleReviews: false }) }))).toEqual(['fail']);
  });
  it('is not_available when part of the protection is hidden', () => {
    expect(outcomes(runCheck(check, { github: facts({ dismissStaleReviews: false }, true) }))).toEqual([
      'not_available',
    ]);
  });
});
