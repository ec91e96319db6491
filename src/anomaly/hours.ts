/**
 * Working hours in a time zone: whether an instant falls inside them. Pure; the time zone
 * arithmetic is Intl's (the IANA database Node ships with).
 */

const WEEKDAY: Record<string, string> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

export interface WorkingHours {
  timezone: string;
  days: readonly string[];
  /** `HH:MM`, inclusive. */
  start: string;
  /** `HH:MM`, exclusive; earlier than `start` for a span across midnight. */
  end: string;
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The local weekday (`mon`…) and `HH:MM` of an instant in a time zone. */
export function localTime(at: Date, timezone: string): { day: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    day: WEEKDAY[get('weekday')] ?? get('weekday').toLowerCase(),
    time: `${get('hour')}:${get('minute')}`,
  };
}

/** True when `at` falls on a working day between start and end, local to the time zone. */
export function withinWorkingHours(at: Date, hours: WorkingHours): boolean {
  const { day, time } = localTime(at, hours.timezone);
  if (!hours.days.includes(day)) return false;
  const t = minutes(time);
  const start = minutes(hours.start);
  const end = minutes(hours.end);
  return start <= end ? t >= start && t < end : t >= start || t < end;
}
