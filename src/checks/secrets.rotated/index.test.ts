import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN, repository } from '../../../test/github-facts.js';
import check from './index.js';

const secret = (name: string, updatedAt: string) => ({
  name,
  scope: 'repository' as const,
  repository: 'acme/api',
  createdAt: updatedAt,
  updatedAt,
});

describe('secrets.rotated', () => {
  it('passes for recently updated secrets', () => {
    const github = githubFacts({
      repositories: [repository({ secrets: [secret('NPM', '2026-09-01T00:00:00Z')] })],
    });
    expect(outcomes(runCheck(check, { github }))).toEqual(['pass']);
  });
  it('fails for a secret older than the configured days', () => {
    const github = githubFacts({
      repositories: [repository({ secrets: [secret('AWS_KEY', '2025-01-01T00:00:00Z')] })],
    });
    const [f] = runCheck(check, { github });
    expect(f).toMatchObject({ outcome: 'fail', resource: 'acme/api:AWS_KEY', details: { ageDays: 669 } });
  });
  it('is not_available when secrets cannot be listed', () => {
    const github = githubFacts({ secrets: NOT_SEEN, repositories: [repository({ secrets: NOT_SEEN })] });
    expect(outcomes(runCheck(check, { github }))).toEqual(['not_available', 'not_available']);
  });
});
