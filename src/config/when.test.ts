import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { checkWindow, parseSince, parseUntil, windowStartProblem } from './when.js';

const NOW = new Date('2026-06-15T12:00:00Z');
const DAY = 86_400_000;

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('window bounds', () => {
  it('reads durations in days, weeks, months and years', () => {
    expect(parseSince('90d', NOW).getTime()).toBe(NOW.getTime() - 90 * DAY);
    expect(parseSince('12w', NOW).getTime()).toBe(NOW.getTime() - 84 * DAY);
    expect(parseSince('6m', NOW).getTime()).toBe(NOW.getTime() - 180 * DAY);
    expect(parseSince(' 1y ', NOW).getTime()).toBe(NOW.getTime() - 365 * DAY);
    expect(parseSince('100y', NOW).getTime()).toBe(NOW.getTime() - 36_500 * DAY);
  });

  it('reads ISO 8601 dates and times', () => {
    expect(parseSince('2026-01-31', NOW).toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(parseSince('2026-01-31T10:30:00Z', NOW).toISOString()).toBe('2026-01-31T10:30:00.000Z');
    expect(parseSince('2026-01-31T10:30:00+02:00', NOW).toISOString()).toBe('2026-01-31T08:30:00.000Z');
    expect(parseUntil('2026-03-01').toISOString()).toBe('2026-03-01T23:59:59.999Z');
    expect(parseUntil('2026-03-01T08:00:00Z').toISOString()).toBe('2026-03-01T08:00:00.000Z');
  });

  it('refuses absurd, empty, negative and malformed windows, naming the flag and the value', () => {
    expect(usageError(() => parseSince('99999999999d', NOW))).toMatch(
      /^--since "99999999999d": longer than 100 years/,
    );
    expect(usageError(() => parseSince('101y', NOW))).toMatch(/^--since "101y": longer than 100 years/);
    expect(usageError(() => parseSince('0d', NOW))).toMatch(
      /^--since "0d": the window must be at least one day/,
    );
    for (const bad of [
      '-5d',
      '1.5w',
      'yesterday-ish',
      '5',
      'June 1',
      '2026-02-31',
      '2026-13-01',
      '2026-01-01T25:00Z',
      '',
    ])
      expect(usageError(() => parseSince(bad, NOW))).toContain(`--since "${bad}"`);
    expect(usageError(() => parseSince('2999-01-01', NOW))).toBe(
      '--since "2999-01-01" is in the future (now is 2026-06-15T12:00:00.000Z)',
    );
    expect(usageError(() => parseSince('fortnight', NOW, 'window.since'))).toMatch(
      /^window\.since "fortnight"/,
    );
    expect(usageError(() => parseUntil('soonish'))).toMatch(/^--until "soonish"/);
    expect(usageError(() => parseUntil('2026-04-31'))).toMatch(/^--until "2026-04-31"/);
  });

  it('says why a configured window start is unusable without looking at the clock', () => {
    expect(windowStartProblem('90d')).toBeNull();
    expect(windowStartProblem('2026-01-31')).toBeNull();
    expect(windowStartProblem('0w')).toMatch(/at least one day/);
    expect(windowStartProblem('forever')).toMatch(/use a duration/);
  });

  it('refuses a window that ends before it starts', () => {
    expect(() => checkWindow(new Date('2026-01-02'), new Date('2026-01-03'))).not.toThrow();
    expect(() => checkWindow(null, new Date('2026-01-03'))).not.toThrow();
    expect(usageError(() => checkWindow(new Date('2026-03-01'), new Date('2026-01-01')))).toMatch(
      /--until 2026-01-01T00:00:00\.000Z is before the window start 2026-03-01/,
    );
  });
});
