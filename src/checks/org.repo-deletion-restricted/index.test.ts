import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN } from '../../../test/github-facts.js';
import check from './index.js';

const settings = githubFacts().settings as Exclude<
  ReturnType<typeof githubFacts>['settings'],
  { unavailable: true }
>;

describe('org.repo-deletion-restricted', () => {
  it('passes when only owners can delete or transfer', () => {
    expect(outcomes(runCheck(check, { github: githubFacts() }))).toEqual(['pass']);
  });
  it('fails when members can', () => {
    const github = githubFacts({ settings: { ...settings, membersCanDeleteRepositories: true } });
    expect(outcomes(runCheck(check, { github }))).toEqual(['fail']);
  });
  it('is not_available when the organisation cannot be read', () => {
    expect(outcomes(runCheck(check, { github: githubFacts({ settings: NOT_SEEN }) }))).toEqual([
      'not_available',
    ]);
  });
});
