import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN } from '../../../test/github-facts.js';
import check from './index.js';

describe('org.admin-count', () => {
  it('passes with few owners', () => {
    expect(outcomes(runCheck(check, { github: githubFacts() }))).toEqual(['pass']);
  });
  it('fails above the configured maximum', () => {
    const members = ['a', 'b', 'c', 'd'].map((login) => ({ login, role: 'admin' as const }));
    const [f] = runCheck(check, { github: githubFacts({ members }) });
    expect(f).toMatchObject({ outcome: 'fail', details: { owners: ['a', 'b', 'c', 'd'], max: 3 } });
  });
  it('is not_available when members cannot be listed', () => {
    expect(outcomes(runCheck(check, { github: githubFacts({ members: NOT_SEEN }) }))).toEqual([
      'not_available',
    ]);
  });
});
