import { describe, expect, it } from 'vitest';
import { localTime, withinWorkingHours } from './hours.js';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'];

describe('working hours', () => {
  it('reads the local weekday and time, daylight saving time included', () => {
    // Paris is UTC+1 in winter and UTC+2 in summer.
    expect(localTime(new Date('2026-01-09T17:30:00Z'), 'Europe/Paris')).toEqual({
      day: 'fri',
      time: '18:30',
    });
    expect(localTime(new Date('2026-07-10T17:30:00Z'), 'Europe/Paris')).toEqual({
      day: 'fri',
      time: '19:30',
    });
    expect(localTime(new Date('2026-01-10T03:00:00Z'), 'America/New_York')).toEqual({
      day: 'fri',
      time: '22:00',
    });
  });

  it('is inside from start (inclusive) to end (exclusive) on working days only', () => {
    const hours = { timezone: 'Europe/Paris', days: weekdays, start: '09:00', end: '18:00' };
    expect(withinWorkingHours(new Date('2026-01-09T08:00:00Z'), hours)).toBe(true); // fri 09:00
    expect(withinWorkingHours(new Date('2026-01-09T16:59:00Z'), hours)).toBe(true); // fri 17:59
    expect(withinWorkingHours(new Date('2026-01-09T17:00:00Z'), hours)).toBe(false); // fri 18:00
    expect(withinWorkingHours(new Date('2026-01-10T10:00:00Z'), hours)).toBe(false); // sat
  });

  it('spans midnight when the end is before the start (a night shift)', () => {
    const night = { timezone: 'UTC', days: weekdays, start: '22:00', end: '06:00' };
    expect(withinWorkingHours(new Date('2026-01-06T23:00:00Z'), night)).toBe(true);
    expect(withinWorkingHours(new Date('2026-01-06T05:59:00Z'), night)).toBe(true);
    expect(withinWorkingHours(new Date('2026-01-06T12:00:00Z'), night)).toBe(false);
  });
});
