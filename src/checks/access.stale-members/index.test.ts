import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN } from '../../../test/github-facts.js';
import check from './index.js';

const base = githubFacts();

describe('access.stale-members', () => {
  it('passes when every member was active within the window', () => {
    expect(outcomes(runCheck(check, { github: base }))).toEqual(['pass']);
  });
  it('fails for a member without activity in the configured days', () => {
    const github = githubFacts({
      auditLog: {
        ...base.auditLog,
        lastActivity: {
          since: '2026-05-01T00:00:00.000Z',
          complete: true,
          byActor: { alice: '2026-10-30T00:00:00.000Z' },
        },
      },
    });
    const f = runCheck(check, { github });
    expect(outcomes(f)).toEqual(['fail', 'pass']);
    expect(f[0]!.resource).toBe('bob');
  });
  it('is not_available without the audit log (plan or permission)', () => {
    const github = githubFacts({ auditLog: { ...base.auditLog, lastActivity: NOT_SEEN } });
    expect(outcomes(runCheck(check, { github }))).toEqual(['not_available']);
  });
  it('is not_available when the audit log read does not cover the period', () => {
    const github = githubFacts({
      auditLog: {
        ...base.auditLog,
        lastActivity: { since: '2026-10-01T00:00:00.000Z', complete: true, byActor: {} },
      },
    });
    expect(outcomes(runCheck(check, { github }))).toEqual(['not_available']);
  });
});
