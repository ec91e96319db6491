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

describe('branch.status-checks-required', () => {
  it('passes with required checks and up-to-date branches', () => {
    const [f] = runCheck(check, { github: facts({}) });
    expect(f).toMatchObject({ outcome: 'pass', details: { checks: ['ci/test'], strict: true } });
  });
  it('fails without required checks', () => {
    expect(outcomes(runCheck(check, { github: facts({ statusChecks: [] }) }))).toEqual(['fail']);
  });
  it('fails when branches need not be up to date, unless configured otherwise', () => {
    expect(outcomes(runCheck(check, { github: facts({ strictStatusChecks: false }) }))).toEqual(['fail']);
    expect(
      outcomes(
        runCheck(
          check,
          { github: facts({ strictStatusChecks: false }) },
          { options: { requireUpToDate: false } },
        ),
      ),
    ).toEqual(['pass']);
  });
  it('is not_available when part of the protection is hidden', () => {
    expect(outcomes(runCheck(check, { github: facts({ statusChecks: [] }, true) }))).toEqual([
      'not_available',
    ]);
  });
});
