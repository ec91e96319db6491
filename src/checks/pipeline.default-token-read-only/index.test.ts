import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN, repository } from '../../../test/github-facts.js';
import check from './index.js';

describe('pipeline.default-token-read-only', () => {
  it('passes when the organisation default is read (binding every repository)', () => {
    expect(outcomes(runCheck(check, { github: githubFacts() }))).toEqual(['pass']);
  });
  it('fails for a write default at organisation and repository level', () => {
    const github = githubFacts({
      workflowPermissions: { defaultWorkflowPermissions: 'write', canApprovePullRequestReviews: false },
      repositories: [
        repository({
          workflowPermissions: {
            defaultWorkflowPermissions: 'write',
            canApprovePullRequestReviews: false,
            inheritedFromOrganization: false,
          },
        }),
      ],
    });
    expect(outcomes(runCheck(check, { github }))).toEqual(['fail', 'fail']);
  });
  it('is not_available when the settings are hidden', () => {
    const github = githubFacts({
      workflowPermissions: NOT_SEEN,
      repositories: [repository({ workflowPermissions: NOT_SEEN })],
    });
    expect(outcomes(runCheck(check, { github }))).toEqual(['not_available', 'not_available']);
  });
});
