import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN } from '../../../test/github-facts.js';
import check from './index.js';

const settings = githubFacts().settings as Exclude<
  ReturnType<typeof githubFacts>['settings'],
  { unavailable: true }
>;

describe('org.base-permission-restricted', () => {
  it('passes for read or none', () => {
    expect(outcomes(runCheck(check, { github: githubFacts() }))).toEqual(['pass']);
    expect(
      outcomes(
        runCheck(check, {
          github: githubFacts({ settings: { ...settings, defaultRepositoryPermission: 'none' } }),
        }),
      ),
    ).toEqual(['pass']);
  });
  it('fails for write or admin', () => {
    const github = githubFacts({ settings: { ...settings, defaultRepositoryPermission: 'write' } });
    expect(runCheck(check, { github })[0]).toMatchObject({
      outcome: 'fail',
      details: { permission: 'write' },
    });
  });
  it('is not_available when hidden', () => {
    const github = githubFacts({ settings: { ...settings, defaultRepositoryPermission: NOT_SEEN } });
    expect(outcomes(runCheck(check, { github }))).toEqual(['not_available']);
  });
});
