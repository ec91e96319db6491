import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN } from '../../../test/github-facts.js';
import check from './index.js';

const settings = githubFacts().settings as Exclude<
  ReturnType<typeof githubFacts>['settings'],
  { unavailable: true }
>;

describe('org.mfa-required', () => {
  it('passes when 2FA is required', () => {
    expect(outcomes(runCheck(check, { github: githubFacts() }))).toEqual(['pass']);
  });
  it('fails when 2FA is not required', () => {
    const github = githubFacts({ settings: { ...settings, twoFactorRequired: false } });
    expect(runCheck(check, { github })[0]).toMatchObject({ outcome: 'fail', resource: 'acme' });
  });
  it('is not_available when the token cannot see the owner-only setting', () => {
    const github = githubFacts({ settings: { ...settings, twoFactorRequired: NOT_SEEN } });
    expect(runCheck(check, { github })[0]).toMatchObject({
      outcome: 'not_available',
      message: NOT_SEEN.reason,
    });
  });
});
