import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN } from '../../../test/github-facts.js';
import check from './index.js';

const settings = githubFacts().settings as Exclude<
  ReturnType<typeof githubFacts>['settings'],
  { unavailable: true }
>;

describe('org.repo-creation-restricted', () => {
  it('passes when members cannot create public repositories', () => {
    expect(outcomes(runCheck(check, { github: githubFacts() }))).toEqual(['pass']);
  });
  it('fails when they can', () => {
    const github = githubFacts({ settings: { ...settings, membersCanCreatePublicRepositories: true } });
    expect(outcomes(runCheck(check, { github }))).toEqual(['fail']);
  });
  it('is not_available when hidden', () => {
    const github = githubFacts({ settings: { ...settings, membersCanCreatePublicRepositories: NOT_SEEN } });
    expect(outcomes(runCheck(check, { github }))).toEqual(['not_available']);
  });
});
