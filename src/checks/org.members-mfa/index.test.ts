import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN } from '../../../test/github-facts.js';
import check from './index.js';

describe('org.members-mfa', () => {
  it('passes when nobody lacks 2FA', () => {
    expect(outcomes(runCheck(check, { github: githubFacts() }))).toEqual(['pass']);
  });
  it('fails once per account without 2FA', () => {
    const github = githubFacts({ membersWithout2fa: ['bob'], outsideCollaboratorsWithout2fa: ['vic'] });
    const f = runCheck(check, { github });
    expect(outcomes(f)).toEqual(['fail', 'fail']);
    expect(f.map((x) => x.resource)).toEqual(['bob', 'vic']);
  });
  it('is not_available for what the token cannot see', () => {
    const github = githubFacts({ membersWithout2fa: NOT_SEEN, outsideCollaboratorsWithout2fa: NOT_SEEN });
    expect(outcomes(runCheck(check, { github }))).toEqual(['not_available', 'not_available']);
  });
});
