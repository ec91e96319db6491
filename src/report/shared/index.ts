/**
 * What every report format reads the same way: outcome order and labels, which results count as
 * failing, how a location prints, and the note on `not_available`. Formats only lay these out.
 */
import { SEVERITY_RANK } from '../../catalog/index.js';
import type { Assessment, CheckResult, ControlStatus, Status } from '../../engine/types.js';
import type { Location } from '../../facts/index.js';

/** Summary order: what needs attention first. */
export const OUTCOMES: readonly Status[] = [
  'fail',
  'error',
  'not_available',
  'excepted',
  'pass',
  'not_applicable',
];

/** A check counts as evaluated when greenlight could look: it is neither unseen nor broken. */
const EVALUATED: ReadonlySet<Status> = new Set<Status>(['pass', 'fail', 'excepted', 'not_applicable']);

export function evaluatedChecks(control: ControlStatus): { evaluated: number; total: number } {
  return {
    evaluated: control.checks.filter((c) => EVALUATED.has(c.status)).length,
    total: control.checks.length,
  };
}

/** Said of a maturity check that produced no result in this run, so nothing says how to fix it. */
export const NOT_RUN = 'no result in this run: the check is disabled in config or was left out by --only';

export const isFailing = (r: CheckResult): boolean => r.outcome === 'fail' || r.outcome === 'error';

/** Failing results, most severe first, then by check, resource and line so output is stable. */
export function failingResults(a: Assessment): CheckResult[] {
  return a.results.filter(isFailing).sort(bySeverityThenPlace);
}

export function exceptedResults(a: Assessment): CheckResult[] {
  return a.results.filter((r) => r.exception !== undefined).sort(bySeverityThenPlace);
}

function bySeverityThenPlace(x: CheckResult, y: CheckResult): number {
  return (
    SEVERITY_RANK[y.severity] - SEVERITY_RANK[x.severity] ||
    x.checkId.localeCompare(y.checkId) ||
    x.resource.localeCompare(y.resource) ||
    (x.location?.line ?? 0) - (y.location?.line ?? 0)
  );
}

/** `path:line:column`, as editors and terminals link it. */
export function formatLocation(loc: Location | undefined): string {
  if (!loc) return '';
  let s = loc.path;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) s += `:${loc.column}`;
  return s;
}

/** True when the resource says no more than the location already does. */
export function resourceIsLocation(r: CheckResult): boolean {
  return r.location !== undefined && (r.resource === r.location.path || r.resource === '-');
}

/** `2026-08-03 → 2026-11-01`, or the whole history. */
export function windowText(a: Assessment): string {
  const until = a.window.until.slice(0, 10);
  return a.window.since ? `${a.window.since.slice(0, 10)} → ${until}` : `whole history → ${until}`;
}

export function maturityText(a: Assessment): string {
  return `level ${a.maturity.level} · ${a.maturity.name}`;
}

/**
 * One sentence on `not_available`: what it means and what to connect, taken from the most common
 * reasons the not-available results give (each reason names the source or grant it needs).
 * Null when every check could be evaluated.
 */
export function notAvailableNote(a: Assessment, maxReasons = 3): string | null {
  const unseen = a.results.filter((r) => r.outcome === 'not_available');
  if (!unseen.length) return null;
  const counts = new Map<string, number>();
  for (const r of unseen) {
    const reason = oneLine(r.message);
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const reasons = [...counts.entries()]
    .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
    .slice(0, maxReasons)
    .map(([reason, n]) => `${reason} (${n})`);
  const more = counts.size > maxReasons ? `; ${counts.size - maxReasons} other reasons` : '';
  return (
    `not_available means greenlight could not see the data, so it never counts as a pass ` +
    `(${unseen.length} results). To see it: ${reasons.join('; ')}${more}.`
  );
}

export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** Criteria with their controls resolved, in catalog order. */
export function controlsByCriterion(
  a: Assessment,
): { id: string; title: string; status: Status; controls: ControlStatus[] }[] {
  const byId = new Map(a.controls.map((c) => [c.id, c]));
  return a.criteria.map((cr) => ({
    id: cr.id,
    title: cr.title,
    status: cr.status,
    controls: cr.controls.map((c) => byId.get(c.id)).filter((c): c is ControlStatus => c !== undefined),
  }));
}

/** Criteria each check's controls satisfy, for SARIF tags and the like. */
export function criteriaOfControls(a: Assessment, controls: readonly string[]): string[] {
  const out = new Set<string>();
  for (const c of a.controls) if (controls.includes(c.id)) for (const k of c.criteria) out.add(k);
  return [...out].sort();
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
