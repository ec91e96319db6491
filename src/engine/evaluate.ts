import picomatch from 'picomatch';
import { catalogCheck, CHECKS, type CatalogCheck } from '../catalog/index.js';
import type { AnyCheck, CheckContext, Finding } from '../checks/define-check.js';
import type { Config, ExceptionRule } from '../config/index.js';
import { isUnavailable, type CollectedFacts, type FactKey } from '../facts/index.js';
import type { CheckResult } from './types.js';

/** Runs every enabled check over the collected facts. Pure: no I/O, never throws for a check. */
export function evaluateChecks(
  checks: readonly AnyCheck[],
  facts: CollectedFacts,
  ctx: CheckContext,
): CheckResult[] {
  const results: CheckResult[] = [];
  for (const check of checks) {
    for (const finding of runCheck(check, facts, ctx)) results.push(toResult(check, finding, ctx.config));
  }
  return applyExceptions(results, ctx.config.exceptions, ctx.now);
}

function runCheck(check: AnyCheck, facts: CollectedFacts, ctx: CheckContext): Finding[] {
  const input: Partial<Record<FactKey, unknown>> = {};
  for (const key of check.needs as FactKey[]) {
    const value = facts[key];
    if (value === undefined) return [missing(`${key} facts were not collected`)];
    if (isUnavailable(value)) return [missing(value.reason)];
    input[key] = value;
  }
  for (const key of (check.uses ?? []) as FactKey[]) {
    const value = facts[key];
    if (value !== undefined && !isUnavailable(value)) input[key] = value;
  }
  let options: unknown = {};
  if (check.options) {
    const parsed = check.options.safeParse(ctx.config.checks[check.id] ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return [err(`invalid options in checks.${check.id}.${issue?.path.join('.') ?? ''}: ${issue?.message}`)];
    }
    options = parsed.data;
  }
  try {
    const findings = check.evaluate(input as never, options, ctx);
    return findings.length ? findings : [err('the check returned no result')];
  } catch (e) {
    return [err(`the check failed: ${(e as Error).message}`)];
  }
}

const missing = (reason: string): Finding => ({ outcome: 'not_available', message: reason, resource: '-' });
const err = (message: string): Finding => ({ outcome: 'error', message, resource: '-' });

function toResult(check: AnyCheck, f: Finding, config: Config): CheckResult {
  const r: CheckResult = {
    checkId: check.id,
    title: check.title,
    // A result's own severity (set by the check, e.g. a placeholder in test fixtures) wins.
    severity: f.severity ?? config.severity[check.id] ?? check.severity,
    controls: check.controls,
    outcome: f.outcome,
    message: f.message,
    resource: f.resource,
    remediation: check.remediation,
  };
  if (f.location) r.location = f.location;
  if (f.details) r.details = f.details;
  return r;
}

/** Results for catalog checks no registered check implements: honest `not_available`, never absent. */
export function unimplementedResults(implemented: Set<string>, config: Config): CheckResult[] {
  return CHECKS.filter((c) => !implemented.has(c.id) && !config.disabled.includes(c.id)).map((c) => ({
    checkId: c.id,
    title: c.passesWhen,
    severity: config.severity[c.id] ?? c.severity,
    controls: [c.control],
    outcome: 'not_available' as const,
    message: whatToConnect(c),
    resource: '-',
    remediation: whatToConnect(c),
  }));
}

function whatToConnect(c: CatalogCheck): string {
  const forge = c.sources.includes('github') || c.sources.includes('gitlab');
  const ledger = c.sources.includes('ledger');
  if (forge && ledger)
    return 'needs forge data and the evidence ledger: connect GitHub or GitLab and record evidence';
  if (forge) return 'needs forge settings: connect GitHub or GitLab (greenlight assess --github ORG/REPO)';
  if (ledger) return 'needs the evidence ledger: run greenlight init and record assessments';
  return `needs the ${c.sources.join(' or ')} source`;
}

/**
 * Turns fails covered by an exception into `excepted`. An expired exception leaves the fail in
 * place and says so, so an exception can never silently outlive its approval.
 */
export function applyExceptions(results: CheckResult[], rules: ExceptionRule[], now: Date): CheckResult[] {
  if (!rules.length) return results;
  const compiled = rules.map((rule) => ({ rule, match: picomatch(rule.resource, { dot: true }) }));
  return results.map((r) => {
    if (r.outcome !== 'fail') return r;
    const hit = compiled.find(
      ({ rule, match }) => rule.check === r.checkId && (rule.resource === '*' || match(r.resource)),
    );
    if (!hit) return r;
    const { rule } = hit;
    const expired = endOfDay(rule.expires) < now.getTime();
    const exception = {
      reason: rule.reason,
      approvedBy: rule.approvedBy,
      expires: rule.expires,
      expired,
      ...(rule.owner ? { owner: rule.owner } : {}),
      ...(rule.ticket ? { ticket: rule.ticket } : {}),
    };
    if (expired) return { ...r, exception, message: `${r.message} (exception expired on ${rule.expires})` };
    return { ...r, outcome: 'excepted', exception };
  });
}

function endOfDay(date: string): number {
  const t = Date.parse(date.length === 10 ? `${date}T23:59:59.999Z` : date);
  return Number.isNaN(t) ? 0 : t;
}

export function knownCheckId(id: string): boolean {
  return catalogCheck(id) !== undefined;
}
