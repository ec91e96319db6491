import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import {
  cleanupLedgerRoots,
  emptyRoot,
  ledgerFacts,
  ledgerWithAssessments,
  must,
  recordAt,
} from '../../../test/recorded-ledgers.js';
import { openRaw } from '../../../test/ledger/raw-db.js';
import { configSchema, defaultConfig } from '../../config/index.js';
import { evaluateChecks } from '../../engine/index.js';
import check from './index.js';

afterAll(cleanupLedgerRoots);

const now = new Date('2026-03-11T06:00:00Z');
const window = ['2026-03-01T00:00:00Z', now.toISOString()] as const;
const times = ['2026-03-08T02:00:00Z', '2026-03-09T02:00:00Z', '2026-03-10T02:00:00Z'];

describe('evidence.retention', () => {
  it('passes with the default retention and a ledger that verifies', async () => {
    const root = await ledgerWithAssessments(times);
    const ledger = must(await ledgerFacts(root, ...window));
    const f = runCheck(check, { ledger }, { now });
    expect(outcomes(f)).toEqual(['pass', 'pass']);
    expect(f[0]!.message).toContain('is kept at least 730 days (needed: 730)');
    expect(f[0]!.message).toContain('check-result');
    expect(f[0]!.message).toContain('scan');
    expect(f[1]!.message).toMatch(/signature of the checkpoint at size \d+/);
    expect(f[1]!.message).toContain('consistency proof from the checkpoint the previous assessment saw');
    expect(f[1]!.message).toContain('greenlight ledger verify');
  });

  it('fails each evidence type kept shorter than the audit cycle plus a year', async () => {
    const root = await ledgerWithAssessments(times.slice(0, 1));
    const config = configSchema.parse({
      ledger: { retentionDays: { default: 400, scan: 900, 'check-result': 365 }, auditCycleDays: 365 },
    });
    const ledger = must(await ledgerFacts(root, ...window, config));
    const f = runCheck(check, { ledger }, { now, config });
    const failed = f.filter((x) => x.outcome === 'fail');
    expect(failed.map((x) => x.resource)).toContain('ledger.retentionDays.check-result');
    expect(failed.map((x) => x.resource)).toContain('ledger.retentionDays.default');
    expect(failed.some((x) => x.message.startsWith('evidence type "scan"'))).toBe(false);
    expect(failed.find((x) => x.message.startsWith('evidence type "deployment"'))!.message).toBe(
      'evidence type "deployment" is kept 400 days, less than the audit cycle (365 days) plus one year (730)',
    );
    expect(f[f.length - 1]!.outcome).toBe('pass'); // the ledger itself verifies
  });

  it('fails when a stored Merkle hash no longer matches the signed checkpoint', async () => {
    const root = await ledgerWithAssessments(times);
    const raw = await openRaw(`sqlite:${path.join(root, '.greenlight', 'greenlight.db')}`);
    try {
      await raw.dropTriggers();
      const [top] = await raw.all<{ level: number; idx: number }>(
        'SELECT level, idx FROM ledger_hashes ORDER BY level DESC, idx ASC LIMIT 1',
      );
      await raw.run('UPDATE ledger_hashes SET hash = ? WHERE level = ? AND idx = ?', [
        Buffer.alloc(32, 7),
        top!.level,
        top!.idx,
      ]);
    } finally {
      await raw.close();
    }
    const ledger = must(await ledgerFacts(root, ...window));
    const f = runCheck(check, { ledger }, { now });
    expect(outcomes(f)).toEqual(['pass', 'fail']);
    expect(f[1]!.message).toMatch(/^the ledger does not verify: /);
  });

  it('fails when the log no longer matches the checkpoint a previous assessment saw', async () => {
    const root = await ledgerWithAssessments(times.slice(0, 2));
    // An assessment that read the log at size 2 with another root than the log has now.
    await recordAt(root, times[2]!, {
      ledger: { checkpoint: { treeSize: 2, rootHash: 'ab'.repeat(32) } },
    });
    const ledger = must(await ledgerFacts(root, ...window));
    const f = runCheck(check, { ledger }, { now });
    expect(outcomes(f)).toEqual(['pass', 'fail']);
    expect(f[1]!.message).toContain(
      'the log at size 2 no longer matches the checkpoint a previous assessment saw',
    );
  });

  it('is not_available when there is no ledger', async () => {
    const facts = await ledgerFacts(emptyRoot(), ...window);
    const [r] = evaluateChecks([check], { ledger: facts }, { config: defaultConfig(), now });
    expect(r!.outcome).toBe('not_available');
  });
});
