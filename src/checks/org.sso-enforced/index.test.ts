import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN } from '../../../test/github-facts.js';
import check from './index.js';

const settings = githubFacts().settings as Exclude<
  ReturnType<typeof githubFacts>['settings'],
  { unavailable: true }
>;

describe('org.sso-enforced', () => {
  it('passes when a SAML identity provider is configured', () => {
    expect(outcomes(runCheck(check, { github: githubFacts() }))).toEqual(['pass']);
  });
  it('fails on Enterprise Cloud without SAML', () => {
    const github = githubFacts({ settings: { ...settings, samlSso: { configured: false } } });
    expect(outcomes(runCheck(check, { github }))).toEqual(['fail']);
  });
  it('is not_available on a plan without SAML, or when hidden', () => {
    const team = githubFacts({ settings: { ...settings, plan: 'team', samlSso: { configured: false } } });
    expect(runCheck(check, { github: team })[0]).toMatchObject({
      outcome: 'not_available',
      message: expect.stringContaining('team plan'),
    });
    const hidden = githubFacts({ settings: { ...settings, samlSso: NOT_SEEN } });
    expect(outcomes(runCheck(check, { github: hidden }))).toEqual(['not_available']);
  });
});
