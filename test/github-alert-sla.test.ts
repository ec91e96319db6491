import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/index.js';
import { alertSla, type GithubAlert } from '../src/facts/index.js';
import { githubFacts, NOT_SEEN, repository } from './github-facts.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const SLA = defaultConfig().thresholds.sla;
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
      repository({ alerts: { dependabot: alerts, 'code-scanning': [], 'secret-scanning': NOT_SEEN } }),
    ],
  });

describe('alertSla (GitHub half of vuln.sla)', () => {
  it('counts alerts within their SLA', () => {
    expect(alertSla(facts(alert({})), SLA, NOW)[0]).toMatchObject({
      inSla: 1,
      breaches: [],
      notRead: ['secret-scanning'],
      unavailable: null,
    });
  });
  it('reports an open critical alert past 7 days', () => {
    const [r] = alertSla(facts(alert({ createdAt: '2026-10-01T00:00:00Z' })), SLA, NOW);
    expect(r!.breaches).toEqual([
      expect.objectContaining({ kind: 'open', days: 31, slaDays: 7, severity: 'critical' }),
    ]);
  });
  it('reports a late fix inside the window as a deviation, and ignores late fixes before it', () => {
    const late = alert({
      state: 'fixed',
      severity: 'high',
      createdAt: '2026-08-01T00:00:00Z',
      fixedAt: '2026-09-15T00:00:00Z',
    });
    const old = alert({
      number: 2,
      state: 'fixed',
      severity: 'high',
      createdAt: '2026-01-01T00:00:00Z',
      fixedAt: '2026-05-01T00:00:00Z',
    });
    const [r] = alertSla(facts(late, old), SLA, NOW);
    expect(r!.breaches).toEqual([expect.objectContaining({ kind: 'fixed-late', days: 45 })]);
    expect(r!.inSla).toBe(1);
  });
  it('says why when no alert source could be read', () => {
    const github = githubFacts({
      repositories: [
        repository({
          alerts: { dependabot: NOT_SEEN, 'code-scanning': NOT_SEEN, 'secret-scanning': NOT_SEEN },
        }),
      ],
    });
    expect(alertSla(github, SLA, NOW)[0]!.unavailable).toContain('needs admin');
  });
});
