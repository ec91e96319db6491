import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN } from '../../../test/github-facts.js';
import check from './index.js';

const base = githubFacts();
const settings = base.settings as Exclude<typeof base.settings, { unavailable: true }>;

describe('audit-log.streaming', () => {
  it('passes when a stream is enabled', () => {
    const github = githubFacts({
      auditLog: { ...base.auditLog, streams: [{ type: 'Splunk', enabled: true }] },
    });
    expect(outcomes(runCheck(check, { github }))).toEqual(['pass']);
  });
  it('fails on a plan that has no audit-log API or streaming', () => {
    const github = githubFacts({
      settings: { ...settings, plan: 'team' },
      auditLog: { ...base.auditLog, api: NOT_SEEN },
    });
    expect(runCheck(check, { github })[0]).toMatchObject({
      outcome: 'fail',
      message: expect.stringContaining('team plan'),
    });
  });
  it('is not_available when streaming configuration cannot be seen', () => {
    expect(outcomes(runCheck(check, { github: base }))).toEqual(['not_available']);
  });
});
