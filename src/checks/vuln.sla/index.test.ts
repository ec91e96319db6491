import { afterAll, describe, expect, it } from 'vitest';
import { cleanupLedgers, evidenceBuilder, noLedgerEvidence } from '../../../test/evidence-builder.js';
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
afterAll(cleanupLedgers);

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
    expect(f[0]!.message).toContain('fixed 12 days after its SLA, on 2026-01-20');
  });

  it('reports only late fixes within the window, and every finding open past its SLA', async () => {
    const high = { ...crit, fingerprint: 'fp-high', ruleId: 'CVE-2026-0003', severity: 'high' as const };
    const ev = evidenceBuilder();
    await ev.scan(C, '2025-10-01T00:00:00Z', [crit, high]);
    await ev.scan(C, '2025-11-01T00:00:00Z', [high]); // crit fixed 24 days late, before the window
    await ev.scan(C, '2026-01-20T00:00:00Z', [high]); // high still open: opened Oct 1, due Oct 31
    const window = { since: '2026-01-01T00:00:00.000Z', until: now.toISOString() };
    const f = runCheck(check, { evidence: await ev.read(window) }, { now });
    expect(outcomes(f)).toEqual(['fail']);
    expect(f[0]!.resource).toBe('fp-high');
    expect(f[0]!.message).toContain('is open 121 days past its 30-day SLA');

    const fixedInWindow = evidenceBuilder();
    await fixedInWindow.scan(C, '2025-12-20T00:00:00Z', [crit]);
    await fixedInWindow.scan(C, '2026-01-10T00:00:00Z', []); // 14 days late, inside the window
    const g = runCheck(check, { evidence: await fixedInWindow.read(window) }, { now });
    expect(outcomes(g)).toEqual(['fail']);
    expect(g[0]!.message).toContain('was fixed 14 days after its SLA, on 2026-01-10');

    const before = evidenceBuilder();
    await before.scan(C, '2025-10-01T00:00:00Z', [crit]);
    await before.scan(C, '2025-11-01T00:00:00Z', []);
    const p = runCheck(check, { evidence: await before.read(window) }, { now });
    expect(outcomes(p)).toEqual(['pass']);
    expect(p[0]!.message).toContain('1 fixed late outside the window');
  });

  it('is not_available without a ledger', async () => {
    expect(outcomes(runCheck(check, { evidence: await noLedgerEvidence() }, { now }))).toEqual([
      'not_available',
    ]);
  });

  it('is not_available without recorded scans', async () => {
    expect(outcomes(runCheck(check, { evidence: await evidenceBuilder().read() }, { now }))).toEqual([
      'not_available',
    ]);
  });
});
