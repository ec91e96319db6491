import { afterAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import {
  cleanupLedgerRoots,
  emptyRoot,
  ledgerFacts,
  ledgerWithAssessments,
  must,
} from '../../../test/recorded-ledgers.js';
import { defaultConfig } from '../../config/index.js';
import { evaluateChecks } from '../../engine/index.js';
import check from './index.js';

afterAll(cleanupLedgerRoots);

const now = new Date('2026-03-11T06:00:00Z');
const daily = (from: number, to: number, skip: number[] = []) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)
    .filter((d) => !skip.includes(d))
    .map((d) => `2026-03-${String(d).padStart(2, '0')}T02:00:00Z`);

describe('evidence.continuous', () => {
  it('passes when an assessment was recorded on every day of the window', async () => {
    const root = await ledgerWithAssessments(daily(1, 10));
    const ledger = must(await ledgerFacts(root, '2026-03-01T00:00:00Z', now.toISOString()));
    const f = runCheck(check, { ledger }, { now });
    expect(outcomes(f)).toEqual(['pass']);
    expect(f[0]!.message).toBe('an assessment was recorded on 10 of 10 days (2026-03-01..2026-03-10)');
  });

  it('fails and lists the days without a recorded assessment', async () => {
    const root = await ledgerWithAssessments(daily(3, 10, [5, 6, 9]));
    const ledger = must(await ledgerFacts(root, '2026-03-01T00:00:00Z', now.toISOString()));
    const f = runCheck(check, { ledger }, { now });
    expect(outcomes(f)).toEqual(['fail']);
    expect(f[0]!.message).toBe(
      'no assessment was recorded on 5 of 10 days (2026-03-01..2026-03-10): 2026-03-01..2026-03-02, 2026-03-05..2026-03-06, 2026-03-09',
    );
    // An allowance for outages, from config.
    const lenient = runCheck(check, { ledger }, { now, options: { allowMissingDays: 5 } });
    expect(outcomes(lenient)).toEqual(['pass']);
  });

  it('fails when the ledger holds no assessment at all', async () => {
    const root = await ledgerWithAssessments([]);
    const ledger = must(await ledgerFacts(root, '2026-03-01T00:00:00Z', now.toISOString()));
    const f = runCheck(check, { ledger }, { now });
    expect(outcomes(f)).toEqual(['fail']);
    expect(f[0]!.message).toContain('no assessment is recorded in the evidence ledger since 2026-03-01');
  });

  it('is not_available when there is no ledger, saying how to start one', async () => {
    const facts = await ledgerFacts(emptyRoot(), '2026-03-01T00:00:00Z', now.toISOString());
    const [r] = evaluateChecks([check], { ledger: facts }, { config: defaultConfig(), now });
    expect(r!.outcome).toBe('not_available');
    expect(r!.message).toContain('greenlight init');
  });
});
