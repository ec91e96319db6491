import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, protection, repository, rules, source } from '../../../test/github-facts.js';
import check from './index.js';

const facts = (...sources: Parameters<typeof protection>[0]) =>
  githubFacts({
    repositories: [repository({ branches: [{ branch: 'main', protection: protection(sources) }] })],
  });

describe('branch.pr-required', () => {
  it('passes when an active source requires pull requests', () => {
    expect(outcomes(runCheck(check, { github: facts(source()) }))).toEqual(['pass']);
  });
  it('fails when protection exists but no pull request is required', () => {
    const f = runCheck(check, { github: facts(source({ rules: rules({ pullRequest: false }) })) });
    expect(f[0]).toMatchObject({ outcome: 'fail', message: expect.stringContaining('direct push') });
  });
  it('is not_available when the classic protection is hidden', () => {
    const github = githubFacts({
      repositories: [repository({ branches: [{ branch: 'main', protection: protection([], true) }] })],
    });
    expect(outcomes(runCheck(check, { github }))).toEqual(['not_available']);
  });
});
