import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN, protection, repository, source } from '../../../test/github-facts.js';
import check from './index.js';

const withProtection = (p: ReturnType<typeof protection> | typeof NOT_SEEN) =>
  githubFacts({ repositories: [repository({ branches: [{ branch: 'main', protection: p }] })] });

describe('branch.protected', () => {
  it('passes for a branch protected only by a ruleset, naming it', () => {
    const [f] = runCheck(check, { github: withProtection(protection([source()])) });
    expect(f).toMatchObject({ outcome: 'pass', resource: 'acme/api@main' });
    expect(f!.message).toContain('organization ruleset "main"');
  });
  it('fails for an unprotected branch', () => {
    expect(outcomes(runCheck(check, { github: withProtection(protection([])) }))).toEqual(['fail']);
  });
  it('ignores evaluate-mode rulesets: they do not protect', () => {
    const p = protection([source({ enforcement: 'evaluate' })]);
    expect(outcomes(runCheck(check, { github: withProtection(p) }))).toEqual(['fail']);
  });
  it('is not_available when nothing visible protects it and part of the protection is hidden', () => {
    expect(outcomes(runCheck(check, { github: withProtection(protection([], true)) }))).toEqual([
      'not_available',
    ]);
    expect(runCheck(check, { github: withProtection(NOT_SEEN) })[0]!.message).toBe(NOT_SEEN.reason);
  });
  it('skips archived repositories', () => {
    const github = githubFacts({ repositories: [repository({ archived: true, branches: [] })] });
    expect(outcomes(runCheck(check, { github }))).toEqual(['not_applicable']);
  });
});
