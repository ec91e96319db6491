import { z } from 'zod';
import { defineCheck, fail, notAvailable, pass } from '../define-check.js';

const DAY = 86_400_000;
const dayOf = (iso: string | number): string => new Date(iso).toISOString().slice(0, 10);

/** `2026-01-03..2026-01-05, 2026-01-09`: consecutive days folded into ranges. */
function ranges(days: readonly string[]): string {
  const out: string[] = [];
  let start: string | undefined;
  let prev: string | undefined;
  for (const d of days) {
    if (prev && Date.parse(d) - Date.parse(prev) === DAY) {
      prev = d;
      continue;
    }
    if (start) out.push(start === prev ? start : `${start}..${prev}`);
    start = prev = d;
  }
  if (start) out.push(start === prev ? start : `${start}..${prev}`);
  return out.join(', ');
}

export default defineCheck({
  id: 'evidence.continuous',
  title: 'Evidence is collected continuously: an assessment is recorded every day',
  needs: ['ledger'],
  options: z.object({
    /** Days of the window allowed without a recorded assessment (a CI outage, say). */
    allowMissingDays: z.number().int().min(0).default(0),
  }),
  remediation:
    'Run `greenlight assess` on a daily schedule in CI (for example a GitHub Actions `schedule:` cron ' +
    'or a GitLab scheduled pipeline) with the evidence ledger (`GREENLIGHT_DATABASE_URL` and ' +
    '`GREENLIGHT_LEDGER_KEY`), so every day of the audit window has a recorded assessment.',
  evaluate({ ledger }, options, { now }) {
    const resource = `ledger ${ledger.origin || ledger.location}`;
    if (ledger.assessments.length === 0 && !ledger.verification.ok)
      return [
        notAvailable(
          `recorded assessments cannot be read: ${ledger.verification.problems.join('; ')}`,
          resource,
        ),
      ];
    // Whole UTC days from the window start (or the first assessment) up to, not including, today.
    const end = Math.min(now.getTime(), Date.parse(ledger.window.until));
    const first = ledger.assessments[0];
    const startIso = ledger.window.since ?? first?.recordedAt;
    const recorded = new Set(ledger.assessments.map((a) => dayOf(a.recordedAt)));
    if (!startIso || !first)
      return [
        fail(
          `no assessment is recorded in the evidence ledger${ledger.window.since ? ` since ${dayOf(ledger.window.since)}` : ''}`,
          resource,
        ),
      ];
    const days: string[] = [];
    for (let t = Date.parse(`${dayOf(startIso)}T00:00:00Z`); t + DAY <= end; t += DAY) days.push(dayOf(t));
    const missing = days.filter((d) => !recorded.has(d));
    const details = {
      days: days.length,
      daysRecorded: days.length - missing.length,
      missing,
      assessments: ledger.assessments.length,
      latest: ledger.assessments[ledger.assessments.length - 1]?.recordedAt,
    };
    const span = days.length ? `${days[0]}..${days[days.length - 1]}` : 'today';
    if (missing.length <= options.allowMissingDays)
      return [
        pass(
          `an assessment was recorded on ${days.length - missing.length} of ${days.length} days (${span})` +
            (missing.length
              ? `; ${missing.length} day(s) missed, within the ${options.allowMissingDays} allowed`
              : ''),
          resource,
          { details },
        ),
      ];
    return [
      fail(
        `no assessment was recorded on ${missing.length} of ${days.length} days (${span}): ${ranges(missing)}`,
        resource,
        { details },
      ),
    ];
  },
});
