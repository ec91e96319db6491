import { defineCheck, fail, pass, type Finding } from '../define-check.js';

const DEFAULT_RETENTION_DAYS = 730;

export default defineCheck({
  id: 'evidence.retention',
  title: 'Evidence is immutable and retained for the audit cycle plus a year',
  needs: ['ledger'],
  remediation:
    'Set `ledger.retentionDays` so every evidence type is kept at least `ledger.auditCycleDays` + 365 ' +
    'days (the default 730 covers a one-year audit cycle). If the ledger does not verify, run ' +
    '`greenlight ledger verify` to find the first bad entry, restore the database from a backup or ' +
    'an export, and keep it append-only.',
  evaluate({ ledger }, _options, { config }) {
    const findings: Finding[] = [];
    const { retentionDays, auditCycleDays } = config.ledger;
    const needed = auditCycleDays + 365;
    const types = [...new Set([...ledger.evidenceTypes, ...Object.keys(retentionDays)])]
      .filter((t) => t !== 'default')
      .sort();
    const keep = (t: string): number => retentionDays[t] ?? retentionDays.default ?? DEFAULT_RETENTION_DAYS;
    const short = types.filter((t) => keep(t) < needed);
    for (const t of short)
      findings.push(
        fail(
          `evidence type "${t}" is kept ${keep(t)} days, less than the audit cycle (${auditCycleDays} days) plus one year (${needed})`,
          `ledger.retentionDays.${retentionDays[t] !== undefined ? t : 'default'}`,
          { details: { type: t, retentionDays: keep(t), requiredDays: needed } },
        ),
      );
    if (short.length === 0)
      findings.push(
        pass(
          `every evidence type (${types.join(', ')}) is kept at least ${Math.min(...types.map(keep))} days (needed: ${needed})`,
          'ledger.retentionDays',
          {
            details: { retention: Object.fromEntries(types.map((t) => [t, keep(t)])), requiredDays: needed },
          },
        ),
      );

    const resource = `ledger ${ledger.origin || ledger.location}`;
    const v = ledger.verification;
    const details = { treeSize: ledger.treeSize, checkpoint: ledger.checkpoint, checked: v.checked };
    if (v.ok)
      findings.push(
        pass(
          `the ledger (${ledger.treeSize} entries) verifies in a bounded check: ${v.checked.join('; ')}. ` +
            'A full re-hash of every entry and signature is `greenlight ledger verify`',
          resource,
          { details },
        ),
      );
    else
      findings.push(
        fail(`the ledger does not verify: ${v.problems.join('; ')}`, resource, {
          details: { ...details, problems: v.problems },
        }),
      );
    return findings;
  },
});
