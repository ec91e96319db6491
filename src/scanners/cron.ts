/**
 * Just enough cron to answer one question: does this schedule fire at least once every day?
 * Five fields (minute hour day-of-month month day-of-week), with lists, ranges, steps and names.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface Field {
  min: number;
  max: number;
  names?: string[];
  /** Offset added to a name's index (months are 1-based). */
  nameBase?: number;
}

const FIELDS: Field[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, nameBase: 1 },
  // 7 is accepted as Sunday and folded onto 0.
  { min: 0, max: 7, names: DAYS, nameBase: 0 },
];

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export type CronFrequency = 'daily' | 'less-often' | 'invalid';

/** Whether a cron expression fires on every day of the year (at least once a day). */
export function cronFrequency(expression: string): CronFrequency {
  const text = MACROS[expression.trim().toLowerCase()] ?? expression.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return 'invalid';
  const sets: Set<number>[] = [];
  for (let i = 0; i < 5; i++) {
    const set = expand(parts[i] as string, FIELDS[i] as Field);
    if (!set || set.size === 0) return 'invalid';
    sets.push(set);
  }
  const [, , dom, month, dow] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (dow.has(7)) dow.add(0);
  const allMonths = month.size === 12;
  const allDom = dom.size === 31;
  const allDow = [0, 1, 2, 3, 4, 5, 6].every((d) => dow.has(d));
  const domStar = isStar(parts[2] as string);
  const dowStar = isStar(parts[4] as string);
  // Standard cron: when both day fields are restricted, a day matches if either matches.
  let everyDay: boolean;
  if (domStar || dowStar) everyDay = allDom && allDow;
  else everyDay = allDom || allDow;
  return allMonths && everyDay ? 'daily' : 'less-often';
}

function isStar(field: string): boolean {
  return field === '*' || field === '?' || /^\*\/1$/.test(field);
}

function expand(field: string, spec: Field): Set<number> | null {
  const out = new Set<number>();
  for (const item of field.split(',')) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(item);
    if (!m) return null;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) return null;
    let lo: number;
    let hi: number;
    const range = m[1] as string;
    if (range === '*' || range === '?') {
      lo = spec.min;
      hi = spec.max;
    } else {
      const [a, b] = range.split('-');
      const start = value(a, spec);
      if (start === null) return null;
      lo = start;
      if (b === undefined) hi = m[2] === undefined ? start : spec.max;
      else {
        const end = value(b, spec);
        if (end === null || end < start) return null;
        hi = end;
      }
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

function value(text: string | undefined, spec: Field): number | null {
  if (text === undefined || text === '') return null;
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= spec.min && n <= spec.max ? n : null;
  }
  const idx = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  return idx >= 0 ? idx + (spec.nameBase ?? 0) : null;
}
