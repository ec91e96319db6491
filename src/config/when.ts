import { UsageError } from '../errors.js';

/**
 * Window bounds as users write them: `--since 90d`, `--until 2026-12-31`, `window.since: 12w`.
 * A duration is a whole number of days, weeks, months (30 days) or years (365 days), from one day
 * to 100 years; a date is ISO 8601 (`2026-01-31`, `2026-01-31T10:00:00Z`). Anything else, a date
 * that does not exist (2026-02-31) or a start in the future is bad input (exit 2), named.
 */

const UNIT_DAYS = { d: 1, w: 7, m: 30, y: 365 } as const;
const DAY_MS = 86_400_000;
/** The longest window a duration can give: 100 years. */
export const MAX_WINDOW_DAYS = 36_500;

const DURATION = /^(\d+)([dwmy])$/;
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/i;

/** Days of a duration such as `90d`, or the reason it is not a usable one; null when not a duration. */
function durationDays(value: string): { days: number } | { problem: string } | null {
  const m = DURATION.exec(value);
  if (!m) return /^[-+]?\d+(\.\d+)?[a-z]+$/i.test(value) ? { problem: DURATION_HELP } : null;
  const days = Number(m[1]) * UNIT_DAYS[m[2] as keyof typeof UNIT_DAYS];
  if (days < 1) return { problem: `the window must be at least one day long; ${DURATION_HELP}` };
  if (days > MAX_WINDOW_DAYS)
    return { problem: `longer than 100 years; ${DURATION_HELP}, or use --all for the whole history` };
  return { days };
}

const DURATION_HELP = 'use a duration such as 90d, 12w, 6m or 1y, or a date such as 2026-01-31';

/** Milliseconds of an ISO 8601 date or time, or null when it is not one or does not exist. */
export function parseIsoDate(value: string): number | null {
  const m = ISO_DATE.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const day = new Date(Date.UTC(y!, mo! - 1, d!));
  if (day.getUTCMonth() !== mo! - 1 || day.getUTCDate() !== d) return null;
  // Unmatched parts are NaN, and NaN compares false.
  if (h! > 23 || mi! > 59 || s! > 59) return null;
  const t = Date.parse(value.replace(' ', 'T'));
  return Number.isNaN(t) ? null : t;
}

/** Why `value` cannot start a window (without looking at the clock), or null when it can. */
export function windowStartProblem(value: string): string | null {
  const v = value.trim();
  const duration = durationDays(v);
  if (duration) return 'problem' in duration ? duration.problem : null;
  return parseIsoDate(v) === null ? DURATION_HELP : null;
}

/** A window start (`90d`, `12w`, `6m`, `1y` or a date); `what` names the input in errors. */
export function parseSince(value: string, now: Date, what = '--since'): Date {
  const v = value.trim();
  const duration = durationDays(v);
  if (duration) {
    if ('problem' in duration) throw new UsageError(`${what} "${value}": ${duration.problem}`);
    return new Date(now.getTime() - duration.days * DAY_MS);
  }
  const t = parseIsoDate(v);
  if (t === null) throw new UsageError(`${what} "${value}": ${DURATION_HELP}`);
  if (t > now.getTime())
    throw new UsageError(`${what} "${value}" is in the future (now is ${now.toISOString()})`);
  return new Date(t);
}

/** A window end: an ISO 8601 date (a bare date means the end of that day) or time. */
export function parseUntil(value: string, what = '--until'): Date {
  const v = value.trim();
  const t = parseIsoDate(v);
  if (t === null) throw new UsageError(`${what} "${value}": use a date such as 2026-12-31`);
  return /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(t + DAY_MS - 1) : new Date(t);
}

/** A window whose end comes before its start is a usage error. */
export function checkWindow(since: Date | null, until: Date): void {
  if (since && until.getTime() < since.getTime())
    throw new UsageError(
      `--until ${until.toISOString()} is before the window start ${since.toISOString()} (--since or window.since): the window would be empty`,
    );
}
