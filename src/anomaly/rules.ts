import type { ChangeRow } from '../population/index.js';
import type { DeploymentRecord, GateRecord } from '../facts/index.js';
import { localTime, withinWorkingHours } from './hours.js';
import type { Anomaly, AnomalyInput, AnomalyRuleId } from './types.js';

/**
 * The anomaly rules (MO-2). Each is a pure function of the input; `detectAnomalies` runs the
 * enabled ones and returns what they found, oldest first.
 */

const DAY = 86_400_000;
const short = (sha: string): string => sha.slice(0, 7);

/** ISO 8601 in UTC with milliseconds, so anomalies from every source sort by time. */
const iso = (at: string): string => new Date(at).toISOString();

function inWindow(input: AnomalyInput, iso: string): boolean {
  const t = Date.parse(iso);
  return (input.since === null || t >= input.since.getTime()) && t <= input.until.getTime();
}

/** Commits pushed to the protected branch without a pull request. */
function directPushes(input: AnomalyInput): Anomaly[] {
  const { branch } = input.population;
  return input.population.rows
    .filter((r) => r.kind === 'direct-push')
    .map((r) => ({
      rule: 'direct-push',
      severity: 'high',
      at: r.mergedAt,
      resource: r.commit,
      message: `${short(r.commit)} by ${r.author} was pushed directly to ${branch}: "${r.title}"`,
      details: { commit: r.commit, author: r.author, branch },
    }));
}

/**
 * History of the protected branch rewritten, as recorded from CI push events (the population
 * keeps this repository's; a forced push to another branch is no anomaly).
 */
function forcePushes(input: AnomalyInput): Anomaly[] {
  const { branch } = input.population;
  const ours = new Set(
    input.population.rows.filter((r) => r.kind === 'force-push').flatMap((r) => r.evidence),
  );
  const onBranch = (ref: string | undefined) => !ref || ref === branch || ref === `refs/heads/${branch}`;
  return input.evidence.forcePushes
    .filter((f) => ours.has(f.ref.index) && onBranch(f.gitRef))
    .map((f) => ({
      rule: 'force-push',
      severity: 'high',
      at: f.at,
      resource: f.after ?? f.gitRef ?? branch,
      message:
        `${branch} was force-pushed${f.ci.actor ? ` by ${f.ci.actor}` : ''}` +
        `${f.before ? `, replacing ${short(f.before)}` : ''}${f.after ? ` with ${short(f.after)}` : ''}`,
      details: {
        ...(f.before ? { before: f.before } : {}),
        ...(f.after ? { after: f.after } : {}),
        ...(f.ci.actor ? { by: f.ci.actor } : {}),
        ...(f.ci.runUrl ? { run: f.ci.runUrl } : {}),
        entry: f.ref.index,
      },
    }));
}

/**
 * More emergency overrides than allowed within any span of `days`: each burst is reported once,
 * at the override that crossed the threshold, with every override of the burst.
 */
function overrideSpikes(input: AnomalyInput): Anomaly[] {
  const { max, days } = input.settings.overrides;
  const overrides = input.evidence.overrides
    .filter((o) => inWindow(input, o.openedAt))
    .sort((a, b) => Date.parse(a.openedAt) - Date.parse(b.openedAt));
  const out: Anomaly[] = [];
  let i = 0;
  for (let j = 0; j < overrides.length; j++) {
    const tj = Date.parse(overrides[j]!.openedAt);
    while (tj - Date.parse(overrides[i]!.openedAt) > days * DAY) i++;
    if (j - i + 1 <= max) continue;
    // Extend the burst to every override still within `days` of its first one.
    let k = j;
    const first = Date.parse(overrides[i]!.openedAt);
    while (k + 1 < overrides.length && Date.parse(overrides[k + 1]!.openedAt) - first <= days * DAY) k++;
    const burst = overrides.slice(i, k + 1);
    out.push({
      rule: 'override-spike',
      severity: 'high',
      at: overrides[j]!.openedAt,
      resource: burst.map((o) => o.ticket).join(', '),
      message: `${burst.length} emergency overrides within ${days} day(s) (at most ${max} expected): ${burst
        .map((o) => `${o.ticket} by ${o.approver}`)
        .join('; ')}`,
      details: { count: burst.length, max, days, tickets: burst.map((o) => o.ticket) },
    });
    i = k + 1;
    j = k;
  }
  return out;
}

/**
 * Deployments of a commit whose latest gate decision before the deployment was a fail (no pass
 * or override after it): the gate said no and the commit shipped anyway.
 */
function deploysOfFailedGates(input: AnomalyInput): Anomaly[] {
  const gatesByCommit = new Map<string, GateRecord[]>();
  for (const g of input.evidence.gates) {
    if (!g.commit) continue;
    const list = gatesByCommit.get(g.commit) ?? [];
    list.push(g);
    gatesByCommit.set(g.commit, list);
  }
  const out: Anomaly[] = [];
  for (const d of input.evidence.deployments) {
    if (!inWindow(input, d.deployedAt)) continue;
    // Decisions recorded before the deployment was (the ledger's order is the order things happened).
    const before = (gatesByCommit.get(d.commit) ?? []).filter((g) => g.ref.index < d.ref.index);
    const last = before.sort((a, b) => a.ref.index - b.ref.index).at(-1);
    if (last?.decision === 'fail') out.push(failedGateDeploy(d, last));
  }
  return out;
}

function failedGateDeploy(d: DeploymentRecord, gate: GateRecord): Anomaly {
  return {
    rule: 'deploy-failed-gate',
    severity: 'high',
    at: d.deployedAt,
    resource: d.commit,
    message:
      `${short(d.commit)} was deployed to ${d.environment} although the gate failed it` +
      ` (${gate.context} gate at ${gate.ref.recordedAt}${gate.reasons.length ? `: ${gate.reasons.join('; ')}` : ''})`,
    details: {
      commit: d.commit,
      environment: d.environment,
      deployment: d.ref.index,
      gate: gate.ref.index,
      reasons: gate.reasons,
    },
  };
}

const MERGED_KINDS = new Set<ChangeRow['kind']>(['pr-merge', 'forge-squash', 'direct-push']);

/** Changes that reached the protected branch outside working hours (automation identities aside). */
function offHoursMerges(input: AnomalyInput): Anomaly[] {
  const hours = input.settings.workingHours;
  return input.population.rows
    .filter((r) => MERGED_KINDS.has(r.kind) && !withinWorkingHours(new Date(r.mergedAt), hours))
    .map((r) => {
      const local = localTime(new Date(r.mergedAt), hours.timezone);
      return {
        rule: 'off-hours-merge',
        severity: 'low',
        at: r.mergedAt,
        resource: r.commit,
        message:
          `${short(r.commit)}${r.pr !== null ? ` (PR #${r.pr})` : ''} by ${r.author} reached ${input.population.branch} ` +
          `on ${local.day} at ${local.time} ${hours.timezone}, outside working hours ` +
          `(${hours.days.join(', ')} ${hours.start}-${hours.end}): "${r.title}"`,
        details: { commit: r.commit, local: `${local.day} ${local.time}`, timezone: hours.timezone },
      };
    });
}

/** An assessment in the window with many more failing results than the assessment before it. */
function failingCheckSpikes(input: AnomalyInput): Anomaly[] {
  const { increase } = input.settings.failingChecks;
  const out: Anomaly[] = [];
  const bySubject = new Map<string, AnomalyInput['assessments']>();
  for (const a of input.assessments) bySubject.set(a.subject, [...(bySubject.get(a.subject) ?? []), a]);
  for (const [subject, points] of bySubject) {
    for (let i = 1; i < points.length; i++) {
      const prev = points[i - 1]!;
      const cur = points[i]!;
      if (!inWindow(input, cur.generatedAt) || cur.failing - prev.failing < increase) continue;
      out.push({
        rule: 'failing-checks-spike',
        severity: 'medium',
        at: cur.generatedAt,
        resource: subject,
        message:
          `the assessment of ${subject} at ${cur.generatedAt} has ${cur.failing} failing results, ` +
          `${cur.failing - prev.failing} more than the one before (${prev.failing} at ${prev.generatedAt})`,
        details: { previous: prev.failing, current: cur.failing, entries: [prev.index, cur.index] },
      });
    }
  }
  return out;
}

export const RULES: Record<AnomalyRuleId, { title: string; run: (input: AnomalyInput) => Anomaly[] }> = {
  'direct-push': { title: 'direct pushes to the protected branch', run: directPushes },
  'force-push': { title: 'force pushes to the protected branch', run: forcePushes },
  'override-spike': { title: 'gate overrides above the threshold', run: overrideSpikes },
  'deploy-failed-gate': { title: 'deployments of commits the gate failed', run: deploysOfFailedGates },
  'off-hours-merge': { title: 'changes merged outside working hours', run: offHoursMerges },
  'failing-checks-spike': { title: 'a spike in failing checks', run: failingCheckSpikes },
};

/** Runs the enabled rules; anomalies oldest first. */
export function detectAnomalies(input: AnomalyInput): Anomaly[] {
  return input.settings.rules
    .flatMap((id) => RULES[id].run(input))
    .map((a) => ({ ...a, at: iso(a.at) }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.rule < b.rule ? -1 : 1));
}
