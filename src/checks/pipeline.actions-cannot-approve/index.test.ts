import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN, repository } from '../../../test/github-facts.js';
import check from './index.js';

describe('pipeline.actions-cannot-approve', () => {
  it('passes when workflows cannot approve', () => {
    expect(outcomes(runCheck(check, { github: githubFacts() }))).toEqual(['pass']);
  });
  it('fails when a repository lets workflows approve pull requests', () => {
    const github = githubFacts({
      workflowPermissions: { defaultWorkflowPermissions: 'write', canApprovePullRequestReviews: true },
      repositories: [
        repository({
          workflowPermissions: {
            defaultWorkflowPermissions: 'write',
            canApprovePullRequestReviews: true,
            inheritedFromOrganization: false,
          },
        }),
      ],
    });
    const f = runCheck(check, { github });
    expect(outcomes(f)).toEqual(['fail', 'fail']);
    expect(f[1]!.resource).toBe('acme/api');
  });
  it('is not_available when the organisation setting is hidden', () => {
    expect(outcomes(runCheck(check, { github: githubFacts({ workflowPermissions: NOT_SEEN }) }))).toEqual([
      'not_available',
    ]);
  });
});
