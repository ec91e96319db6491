import { describe, expect, it } from 'vitest';
import check from '../src/checks/change.independent-approval/index.js';
import { isUnavailable } from '../src/facts/index.js';
import type { ScenarioInput } from '../src/sim/github/index.js';
import { runCheck } from './check-tester.js';
import { baseScenario, NOW, simulatorHarness } from './github-fixtures.js';

/**
 * Pull request reviews through the simulator's GraphQL API: a reviewer's latest review stands,
 * and a bot's approval is no independent human approval.
 */
const h = simulatorHarness();

function scenario(): ScenarioInput {
  const s = baseScenario();
  const api = s.repositories!.find((r) => r.name === 'api')!;
  const pr = (title: string, reviews: NonNullable<typeof api.pull_requests>[number]['reviews']) => ({
    title,
    author: 'bob',
    created_at: '-5d',
    merged_at: '-4d',
    merged_by: 'alice',
    reviews,
    checks: [{ name: 'ci/test' }],
  });
  api.pull_requests = [
    pr('ENG-1: approved by a person', [{ author: 'alice' }]),
    pr('ENG-2: approved by GitHub Actions', [{ author: 'github-actions[bot]' }]),
    pr('ENG-3: approval withdrawn', [
      { author: 'alice', state: 'APPROVED', at: '-110h' },
      { author: 'alice', state: 'CHANGES_REQUESTED', at: '-100h' },
    ]),
  ];
  return s;
}

describe('change.independent-approval against the simulator', () => {
  it('names bot reviewers as bots and judges each reviewer by their latest review', async () => {
    const { facts } = await h.collect(scenario(), { target: 'acme/api' });
    const repo = facts.repositories.find((r) => r.fullName === 'acme/api')!;
    if (isUnavailable(repo.pullRequests)) throw new Error(repo.pullRequests.reason);
    expect(repo.pullRequests.find((p) => p.number === 2)!.reviews[0]!.author).toBe('github-actions[bot]');
    const results = runCheck(check, { github: facts }, { now: NOW });
    const byResource = Object.fromEntries(results.map((r) => [r.resource, r]));
    expect(byResource['acme/api#2']).toMatchObject({ outcome: 'fail' });
    expect(byResource['acme/api#2']!.message).toContain('not an independent human approval');
    expect(byResource['acme/api#3']).toMatchObject({ outcome: 'fail' });
    expect(byResource['acme/api#3']!.message).toContain('without a standing approval');
    expect(byResource['acme/api']).toMatchObject({ outcome: 'pass' });
    expect(byResource['acme/api']!.message).toMatch(/^1 of 3 /);
  });
});
