import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN, repository } from '../../../test/github-facts.js';
import check from './index.js';

const key = (readOnly: boolean) => ({ title: 'deployer', readOnly, createdAt: '2026-01-01T00:00:00Z' });

describe('deploy-keys.read-only', () => {
  it('passes for read-only keys', () => {
    expect(
      outcomes(
        runCheck(check, { github: githubFacts({ repositories: [repository({ deployKeys: [key(true)] })] }) }),
      ),
    ).toEqual(['pass']);
  });
  it('fails for a key that can push', () => {
    const [f] = runCheck(check, {
      github: githubFacts({ repositories: [repository({ deployKeys: [key(false)] })] }),
    });
    expect(f).toMatchObject({ outcome: 'fail', resource: 'acme/api:deployer' });
  });
  it('is not_available when keys are hidden, not_applicable when there are none', () => {
    expect(
      outcomes(
        runCheck(check, { github: githubFacts({ repositories: [repository({ deployKeys: NOT_SEEN })] }) }),
      ),
    ).toEqual(['not_available']);
    expect(outcomes(runCheck(check, { github: githubFacts() }))).toEqual(['not_applicable']);
  });
});
