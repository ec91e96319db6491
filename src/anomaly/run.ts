import { createHash } from 'node:crypto';
import path from 'node:path';
import { openLedgerStore } from '../evidence/index.js';
import { loadPopulation } from '../sources/ledger/index.js';
import { captureCiContext } from '../ci-context/index.js';
import { loadConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';
import type { AnomalyDelivery } from '../facts/index.js';
import type { SourceContext } from '../sources/index.js';
import { toolVersion } from '../version.js';
import { ANOMALY_PREDICATE, STATEMENT_TYPE } from '../predicate-types.js';
import { deliver, hasDestination, type AlertPayload } from './notify.js';
import { detectAnomalies } from './rules.js';
import type { Anomaly, AssessmentPoint } from './types.js';

const DAY = 86_400_000;
/** How far before the window an assessment is looked for, to compare the first one in it with. */
const ASSESSMENT_LOOKBACK_DAYS = 30;
/** Anomalies kept in the recorded statement (the count is always complete). */
const RECORDED_MAX = 1000;

export interface RunAnomaliesOptions {
  root: string;
  configFile?: string | undefined;
  since: Date | null;
  until: Date;
  /** The run's clock (also the ledger's). */
  now: Date;
  branch?: string | undefined;
  /** Send alerts and record the run in the ledger. */
  notify?: boolean;
  /** Environment for `$NAME` destinations and the command (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Told what was set up (the CLI prints it on stderr). */
  notice?: (message: string) => void;
}

export interface AnomalyReport {
  repository: string;
  branch: string;
  window: { since: string | null; until: string };
  ranAt: string;
  rules: string[];
  anomalies: Anomaly[];
  /** Limits of what could be looked at (no ledger yet, shallow clone…). */
  warnings: string[];
  /** With notify: where alerts went (none when nothing was found) and the ledger entry. */
  deliveries?: AnomalyDelivery[];
  recorded?: { index: number; checkpoint: number | null };
}

/**
 * `greenlight anomalies`: reads the protected branch's history and the recorded evidence of the
 * window, builds the change population, evaluates the enabled rules, and with `notify` alerts
 * the configured destinations and records the run (`anomaly` statement) in the ledger.
 */
export async function runAnomalies(opts: RunAnomaliesOptions): Promise<AnomalyReport> {
  const root = path.resolve(opts.root);
  const { config } = loadConfig(root, opts.configFile);
  const settings = config.anomalies;
  if (opts.notify) {
    if (!settings.enabled)
      throw new ConfigError(
        'anomalies.enabled is false in greenlight.yml: enable anomaly detection to send alerts',
      );
    if (!hasDestination(settings.alerts))
      throw new ConfigError(
        'no alert destination: set anomalies.alerts.webhook, anomalies.alerts.slack or anomalies.alerts.command in greenlight.yml',
      );
  }
  const ctx: SourceContext = {
    root,
    since: opts.since,
    until: opts.until,
    config,
    progress: () => {},
    ...(opts.branch ? { branch: opts.branch } : {}),
  };
  const { population, evidence } = await loadPopulation(ctx, { now: opts.now });
  const warnings = [...population.warnings];
  if (evidence.absent) warnings.push(`${evidence.absent}; only git history was looked at`);
  const assessments = evidence.absent ? [] : await readAssessments(root, config, opts.since);

  const anomalies = detectAnomalies({
    population,
    evidence,
    assessments,
    since: opts.since,
    until: opts.until,
    settings,
  });
  const report: AnomalyReport = {
    repository: population.repository,
    branch: population.branch,
    window: { since: opts.since?.toISOString() ?? null, until: opts.until.toISOString() },
    ranAt: opts.now.toISOString(),
    rules: [...settings.rules],
    anomalies,
    warnings,
  };
  if (!opts.notify) return report;

  const payload: AlertPayload = {
    tool: { name: 'greenlight', version: toolVersion() },
    kind: 'anomalies',
    repository: report.repository,
    branch: report.branch,
    window: report.window,
    ranAt: report.ranAt,
    anomalies,
  };
  // Nothing found, nobody woken: the run is still recorded, which is what MO-2 evidences.
  report.deliveries = anomalies.length
    ? await deliver(settings.alerts, payload, { env: opts.env ?? process.env })
    : [];
  report.recorded = await recordRun(root, opts, report);
  return report;
}

/** Recorded assessments (failing-result counts) from the lookback before the window on. */
async function readAssessments(
  root: string,
  config: ReturnType<typeof loadConfig>['config'],
  since: Date | null,
): Promise<AssessmentPoint[]> {
  const { PREDICATE_TYPES } = await import('../ledger/index.js');
  const store = await openLedgerStore({ root, config });
  try {
    const rows = await store.statements({
      predicateTypes: [PREDICATE_TYPES.assessment],
      ...(since ? { since: new Date(since.getTime() - ASSESSMENT_LOOKBACK_DAYS * DAY) } : {}),
    });
    return rows.flatMap((r) => {
      const p = r.statement.predicate as {
        generatedAt?: unknown;
        subject?: { name?: unknown };
        summary?: { fail?: unknown };
      };
      if (typeof p.summary?.fail !== 'number') return [];
      return [
        {
          index: r.index,
          generatedAt: typeof p.generatedAt === 'string' ? p.generatedAt : r.recordedAt,
          subject:
            typeof p.subject?.name === 'string' ? p.subject.name : (r.statement.subject[0]?.name ?? ''),
          failing: p.summary.fail,
        },
      ];
    });
  } finally {
    await store.close();
  }
}

function byRule(anomalies: readonly Anomaly[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of anomalies) out[a.rule] = (out[a.rule] ?? 0) + 1;
  return out;
}

/** Appends the run as an in-toto statement (predicate `anomaly/v1`); creates the ledger if needed. */
async function recordRun(
  root: string,
  opts: RunAnomaliesOptions,
  report: AnomalyReport,
): Promise<{ index: number; checkpoint: number | null }> {
  const { config } = loadConfig(root, opts.configFile);
  const store = await openLedgerStore({
    root,
    config,
    configFile: opts.configFile,
    now: () => opts.now,
    write: true,
    ...(opts.notice ? { notice: opts.notice } : {}),
  });
  const name = `anomalies:${report.repository}@${report.branch}`;
  const predicate = {
    ranAt: report.ranAt,
    repository: report.repository,
    branch: report.branch,
    window: report.window,
    rules: report.rules,
    count: report.anomalies.length,
    byRule: byRule(report.anomalies),
    anomalies: report.anomalies.slice(0, RECORDED_MAX),
    deliveries: report.deliveries ?? [],
    ci: captureCiContext(opts.env ?? process.env),
    tool: { name: 'greenlight', version: toolVersion() },
  };
  try {
    const { stored, checkpoint } = await store.append([
      {
        statement: {
          _type: STATEMENT_TYPE,
          subject: [{ name, digest: { sha256: createHash('sha256').update(name).digest('hex') } }],
          predicateType: ANOMALY_PREDICATE,
          predicate: JSON.parse(JSON.stringify(predicate)) as Record<string, unknown>,
        },
      },
    ]);
    return { index: stored[0]!.index, checkpoint };
  } finally {
    await store.close();
  }
}
