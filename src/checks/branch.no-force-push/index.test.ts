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

describe('branch.no-force-push', () => {
  it('passes when force pushes and deletion are blocked', () => {
    expect(outcomes(runCheck(check, { github: facts({}) }))).toEqual(['pass']);
  });
  it('fails naming what is allowed', () => {
    const [f] = runCheck(check, { github: facts({ blockDeletions: false }) });
    expect(f).toMatchObject({ outcome: 'fail', message: 'deletion of main is allowed' });
  });
  it('is not_available when a hidden source may block them', () => {
    expect(outcomes(runCheck(check, { github: facts({ blockForcePushes: false }, true) }))).toEqual([
      'not_available',
    ]);
  });
});
