import { describe, expect, it } from 'vitest';
import { evidenceBuilder } from '../../../test/issue5-evidence.js';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import check from './index.js';

const C = 'c'.repeat(40);
const crit = {
  fingerprint: 'fp-crit',
  ruleId: 'CVE-2026-0001',
  severity: 'critical' as const,
  scanType: 'sca',
  location: 'lodash@4.17.0',
};
const low = { fingerprint: 'fp-low', ruleId: 'CVE-2026-0002', severity: 'low' as const, scanType: 'sca' };
const now = new Date('2026-03-01T00:00:00Z');

describe('vuln.sla', () => {
  it('passes when findings were fixed within their SLA', async () => {
    const ev = evidenceBuilder();
    await ev.scan(C, '2026-02-01T00:00:00Z', [crit, low]);
    await ev.scan(C, '2026-02-05T00:00:00Z', [low]);
    const f = runCheck(check, { evidence: await ev.read() }, { now });
    expect(outcomes(f)).toEqual(['pass']);
  });

  it('fails a critical finding open past its 7-day SLA', async () => {
    const ev = evidenceBuilder();
    await ev.scan(C, '2026-02-01T00:00:00Z', [crit]);
    await ev.scan(C, '2026-02-20T00:00:00Z', [crit]);
    const f = runCheck(check, { evidence: await ev.read() }, { now });
    expect(outcomes(f)).toEqual(['fail']);
    expect(f[0]!.message).toContain(
      'CVE-2026-0001 at lodash@4.17.0 (critical, trivy) is open 21 days past its 7-day SLA',
    );
  });

  it('reports a finding fixed late', async () => {
    const ev = evidenceBuilder();
    await ev.scan(C, '2026-01-01T00:00:00Z', [crit]);
    await ev.scan(C, '2026-01-20T00:00:00Z', []);
    const f = runCheck(check, { evidence: await ev.read() }, { now });
    expect(outcomes(f)).toEqual(['fail']);
    expect(f[0]!.message).toContain('fixed 12 days after its SLA');
  });

  it('is not_available without recorded scans', async () => {
    expect(outcomes(runCheck(check, { evidence: await evidenceBuilder().read() }, { now }))).toEqual([
      'not_available',
    ]);
  });
});
