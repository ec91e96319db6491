import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN } from '../../../test/github-facts.js';
import type { GithubRunnerGroup } from '../../facts/index.js';
import check from './index.js';

const group = (over: Partial<GithubRunnerGroup>): GithubRunnerGroup => ({
  id: 1,
  name: 'Default',
  visibility: 'selected',
  default: true,
  allowsPublicRepositories: false,
  restrictedToWorkflows: false,
  runners: 2,
  ...over,
});

describe('runners.restricted', () => {
  it('passes for groups limited to selected private repositories', () => {
    expect(outcomes(runCheck(check, { github: githubFacts({ runnerGroups: [group({})] }) }))).toEqual([
      'pass',
    ]);
  });
  it('fails for a group open to all or public repositories', () => {
    const f = runCheck(check, {
      github: githubFacts({ runnerGroups: [group({ visibility: 'all', allowsPublicRepositories: true })] }),
    });
    expect(f[0]).toMatchObject({ outcome: 'fail', message: expect.stringContaining('public repositories') });
  });
  it('is not_applicable without self-hosted runners, not_available when hidden', () => {
    expect(
      outcomes(
        runCheck(check, {
          github: githubFacts({ runnerGroups: [group({ runners: 0, visibility: 'all' })] }),
        }),
      ),
    ).toEqual(['not_applicable']);
    expect(outcomes(runCheck(check, { github: githubFacts({ runnerGroups: NOT_SEEN }) }))).toEqual([
      'not_available',
    ]);
  });
});
