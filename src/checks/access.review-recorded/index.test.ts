import { afterAll, describe, expect, it } from 'vitest';
import { cleanupLedgers, evidenceBuilder, noLedgerEvidence } from '../../../test/evidence-builder.js';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import check from './index.js';

afterAll(cleanupLedgers);

const now = new Date('2026-11-01T00:00:00Z');

describe('access.review-recorded', () => {
  it('passes with a review recorded within the configured days', async () => {
    const ev = evidenceBuilder();
    await ev.accessReview('2026-09-15T00:00:00Z');
    const f = runCheck(check, { evidence: await ev.read() }, { now });
    expect(outcomes(f)).toEqual(['pass']);
    expect(f[0]!.message).toContain('signed off by cto@example.com');
  });

  it('fails when the latest review is older than the configured days', async () => {
    const ev = evidenceBuilder();
    await ev.accessReview('2026-03-01T00:00:00Z');
    const f = runCheck(check, { evidence: await ev.read() }, { now });
    expect(outcomes(f)).toEqual(['fail']);
    expect(f[0]!.message).toContain('245 days old');
  });

  it('fails when no review was ever recorded', async () => {
    const f = runCheck(check, { evidence: await evidenceBuilder().read() }, { now });
    expect(outcomes(f)).toEqual(['fail']);
  });

  it('is not_available when no evidence ledger exists', async () => {
    const f = runCheck(check, { evidence: await noLedgerEvidence() }, { now });
    expect(outcomes(f)).toEqual(['not_available']);
    expect(f[0]!.message).toContain('greenlight init');
  });
});
