import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN, repository } from '../../../test/github-facts.js';
import type { GithubAlert } from '../../facts/index.js';
import check from './index.js';

const alert = (over: Partial<GithubAlert>): GithubAlert => ({
  tool: 'dependabot',
  number: 1,
  state: 'open',
  severity: 'critical',
  title: 'prototype pollution',
  createdAt: '2026-10-28T00:00:00Z',
  fixedAt: null,
  dismissedAt: null,
  url: 'https://github.com/acme/api/security/dependabot/1',
  ...over,
});
const facts = (...alerts: GithubAlert[]) =>
  githubFacts({
    repositories: [
      repository({ alerts: { dependabot: alerts, 'code-scanning': [], 'secret-scanning': [] } }),
    ],
  });

describe('vuln.sla', () => {
  it('passes when open alerts are within their SLA', () => {
    expect(outcomes(runCheck(check, { github: facts(alert({})) }))).toEqual(['pass']);
  });
  it('fails an open critical alert past 7 days', () => {
    const [f] = runCheck(check, { github: facts(alert({ createdAt: '2026-10-01T00:00:00Z' })) });
    expect(f).toMatchObject({
      outcome: 'fail',
      resource: 'acme/api:dependabot#1',
      details: { ageDays: 31, slaDays: 7 },
    });
  });
  it('reports a late fix inside the window as a deviation', () => {
    const late = alert({
      state: 'fixed',
      createdAt: '2026-08-01T00:00:00Z',
      fixedAt: '2026-09-15T00:00:00Z',
      severity: 'high',
    });
    expect(runCheck(check, { github: facts(late) })[0]).toMatchObject({
      outcome: 'fail',
      details: { deviation: true, daysToFix: 45 },
    });
  });
  it('is not_available when no alert source can be read', () => {
    const github = githubFacts({
      repositories: [
        repository({
          alerts: { dependabot: NOT_SEEN, 'code-scanning': NOT_SEEN, 'secret-scanning': NOT_SEEN },
        }),
      ],
    });
    expect(outcomes(runCheck(check, { github }))).toEqual(['not_available']);
  });
});
