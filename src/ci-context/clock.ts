import { UsageError } from '../errors.js';

/**
 * The clock of a command: `GREENLIGHT_NOW` (for reproducible runs and tests: recording times,
 * review due dates and windows all follow it) or the real time.
 */
export function commandNow(env: Record<string, string | undefined> = process.env): Date {
  const fixed = env.GREENLIGHT_NOW;
  if (fixed) {
    const t = Date.parse(fixed);
    if (Number.isNaN(t)) throw new UsageError(`GREENLIGHT_NOW="${fixed}" is not a date`);
    return new Date(t);
  }
  return new Date();
}
