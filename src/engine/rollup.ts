import { CONTROLS, CRITERIA, MATURITY, SEVERITY_RANK, type MaturityRequirement } from '../catalog/index.js';
import type { Outcome } from '../checks/define-check.js';
import type {
  CheckResult,
  CheckSummary,
  ControlStatus,
  CriterionStatus,
  Fix,
  Gap,
  Maturity,
  Status,
} from './types.js';

/**
 * Worst-first order for folding many outcomes into one status. A fail outweighs everything; a
 * check we could not see outweighs a pass, so a partly evaluated control never reads as passing.
 */
const ORDER: Status[] = ['fail', 'error', 'not_available', 'pass', 'excepted', 'not_applicable'];

export function fold(statuses: Status[]): Status {
  if (!statuses.length) return 'not_available';
  if (statuses.every((s) => s === 'not_applicable')) return 'not_applicable';
  const relevant = statuses.filter((s) => s !== 'not_applicable');
  if (relevant.every((s) => s === 'excepted')) return 'excepted';
  for (const s of ORDER) if ((relevant as Status[]).includes(s)) return s === 'excepted' ? 'pass' : s;
  return 'not_available';
}

export function summarizeChecks(results: CheckResult[], implemented: Set<string>): CheckSummary[] {
  const byCheck = groupBy(results, (r) => r.checkId);
  return [...byCheck.entries()].map(([id, rs]) => ({
    id,
    title: rs[0]!.title,
    severity: highest(rs),
    status: fold(rs.map((r) => r.outcome)),
    implemented: implemented.has(id),
    results: rs.length,
  }));
}

export function rollUpControls(checks: CheckSummary[], results: CheckResult[]): ControlStatus[] {
  const checkStatus = new Map(checks.map((c) => [c.id, c.status]));
  const controlsOf = new Map<string, string[]>();
  for (const r of results) controlsOf.set(r.checkId, r.controls);
  return CONTROLS.map((control) => {
    const ids = [...controlsOf.entries()].filter(([, cs]) => cs.includes(control.id)).map(([id]) => id);
    const list = ids.map((id) => ({ id, status: checkStatus.get(id) ?? ('not_available' as Status) }));
    return {
      id: control.id,
      title: control.title,
      family: control.family,
      criteria: control.criteria,
      status: fold(list.map((c) => c.status)),
      checks: list,
    };
  });
}

export function rollUpCriteria(controls: ControlStatus[]): CriterionStatus[] {
  return CRITERIA.map((criterion) => {
    const list = controls
      .filter((c) => c.criteria.includes(criterion.id))
      .map((c) => ({ id: c.id, status: c.status }));
    return {
      id: criterion.id,
      title: criterion.title,
      status: fold(list.map((c) => c.status)),
      controls: list,
    };
  });
}

export interface MaturitySignals {
  /** True when CI pipelines exist; undefined when unknown. */
  'pipelines-exist'?: boolean;
  'failing-checks-falling'?: boolean;
}

const MET: Status[] = ['pass', 'excepted', 'not_applicable'];

/** The highest level whose requirements (and those below) are all met, and what the next one needs. */
export function computeMaturity(
  checks: CheckSummary[],
  controls: ControlStatus[],
  results: CheckResult[],
  signals: MaturitySignals,
): Maturity {
  const checkStatus = new Map(checks.map((c) => [c.id, c]));
  const remediation = new Map(results.map((r) => [r.checkId, r.remediation]));
  const unmet = (req: MaturityRequirement): Fix | null => {
    const ids = [
      ...(req.checks ?? []),
      ...controls
        .filter((c) => req.controls?.some((k) => c.id === k || c.family === k))
        .flatMap((c) => c.checks.map((x) => x.id)),
    ];
    const open = [...new Set(ids)]
      .map((id) => ({ id, status: checkStatus.get(id)?.status ?? ('not_available' as Status) }))
      .filter((c) => !MET.includes(c.status))
      .sort((a, b) => rank(b.id) - rank(a.id))
      .map((c) => ({ ...c, remediation: remediation.get(c.id) ?? '' }));
    const signalMet = req.signal ? signals[req.signal] === true : true;
    if (!open.length && signalMet) return null;
    return { requirement: req.id, description: req.description, checks: open };
  };
  const rank = (id: string) => SEVERITY_RANK[checkStatus.get(id)?.severity ?? 'low'];

  let reached = MATURITY[0]!;
  for (const level of MATURITY.slice(1)) {
    const fixes = level.requirements.map(unmet).filter((f): f is Fix => f !== null);
    if (fixes.length)
      return {
        level: reached.level,
        name: reached.name,
        next: { level: level.level, name: level.name, fixes },
      };
    reached = level;
  }
  return { level: reached.level, name: reached.name };
}

/** The highest severity among results: results may lower their own below the check's. */
function highest(rs: CheckResult[]): CheckResult['severity'] {
  return rs.reduce(
    (a, r) => (SEVERITY_RANK[r.severity] > SEVERITY_RANK[a] ? r.severity : a),
    rs[0]!.severity,
  );
}

export function rankGaps(results: CheckResult[]): Gap[] {
  const failing = groupBy(
    results.filter((r) => r.outcome === 'fail' || r.outcome === 'error'),
    (r) => r.checkId,
  );
  return [...failing.values()]
    .map((rs) => ({
      checkId: rs[0]!.checkId,
      severity: highest(rs),
      failing: rs.length,
      message: rs[0]!.message,
      remediation: rs[0]!.remediation,
    }))
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.failing - a.failing);
}

export function countOutcomes(results: CheckResult[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = {
    pass: 0,
    fail: 0,
    not_applicable: 0,
    not_available: 0,
    error: 0,
    excepted: 0,
  };
  for (const r of results) counts[r.outcome]++;
  return counts;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
