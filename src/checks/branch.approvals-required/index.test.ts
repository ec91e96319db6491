import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { defaultConfig } from '../../config/index.js';
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

describe('branch.approvals-required', () => {
  it('passes with the configured number of approvals', () => {
    expect(outcomes(runCheck(check, { github: facts({ requiredApprovals: 2 }) }))).toEqual(['pass']);
  });
  it('fails below the threshold from config', () => {
    const config = defaultConfig();
    config.thresholds.approvals = 2;
    const [f] = runCheck(check, { github: facts({ requiredApprovals: 1 }) }, { config });
    expect(f).toMatchObject({ outcome: 'fail', details: { required: 1, threshold: 2 } });
  });
  it('fails when no pull request is required at all', () => {
    expect(
      runCheck(check, { github: facts({ pullRequest: false, requiredApprovals: 0 }) })[0]!.message,
    ).toMatch(/does not even require/);
  });
  it('is not_available when a hidden source may require approvals', () => {
    expect(outcomes(runCheck(check, { github: facts({ requiredApprovals: 0 }, true) }))).toEqual([
      'not_available',
    ]);
  });
});
