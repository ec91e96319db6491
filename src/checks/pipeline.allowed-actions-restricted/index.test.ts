import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN } from '../../../test/github-facts.js';
import check from './index.js';

describe('pipeline.allowed-actions-restricted', () => {
  it('passes for selected actions, local-only, or Actions disabled', () => {
    expect(runCheck(check, { github: githubFacts() })[0]).toMatchObject({
      outcome: 'pass',
      message: expect.stringContaining('verified creators'),
    });
    const local = githubFacts({
      actions: {
        enabledRepositories: 'all',
        allowedActions: 'local_only',
        selected: null,
        shaPinningRequired: null,
      },
    });
    expect(outcomes(runCheck(check, { github: local }))).toEqual(['pass']);
  });
  it('fails when any action may run', () => {
    const github = githubFacts({
      actions: {
        enabledRepositories: 'all',
        allowedActions: 'all',
        selected: null,
        shaPinningRequired: null,
      },
    });
    expect(outcomes(runCheck(check, { github }))).toEqual(['fail']);
  });
  it('is not_available when the policy is hidden', () => {
    expect(outcomes(runCheck(check, { github: githubFacts({ actions: NOT_SEEN }) }))).toEqual([
      'not_available',
    ]);
  });
});
