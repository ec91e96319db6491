import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, protection, repository, rules, source } from '../../../test/github-facts.js';
import check from './index.js';

const facts = (r: Parameters<typeof rules>[0], gaps = false) =>
  githubFacts({
    repositories: [
      repository({
        branches: [{ branch: 'main', protection: protection([source({ rules: rules(r) })], gaps) }],
      }),
    ],
  });

describe('branch.linear-history', () => {
  it('passes when linear history is required', () => {
    expect(outcomes(runCheck(check, { github: facts({}) }))).toEqual(['pass']);
  });
  it('fails when merge commits are allowed', () => {
    expect(outcomes(runCheck(check, { github: facts({ linearHistory: false }) }))).toEqual(['fail']);
  });
  it('is not_available when part of the protection is hidden', () => {
    expect(outcomes(runCheck(check, { github: facts({ linearHistory: false }, true) }))).toEqual([
      'not_available',
    ]);
  });
});
