import path from 'node:path';
import type { Anomaly, AnomalyReport } from '../anomaly/index.js';
import { checkWindow, loadConfig, parseSince, parseUntil } from '../config/index.js';
import { UsageError } from '../errors.js';

export interface AnomaliesFlags {
  since?: string;
  until?: string;
  repo?: string;
  branch?: string;
  config?: string;
  format: 'table' | 'json';
  notify?: boolean;
}

/** The command's clock: GREENLIGHT_NOW (reproducible runs and tests) or the real time. */
function now(): Date {
  const fixed = process.env.GREENLIGHT_NOW;
  if (!fixed) return new Date();
  const t = Date.parse(fixed);
  if (Number.isNaN(t)) throw new UsageError(`GREENLIGHT_NOW="${fixed}" is not a date`);
  return new Date(t);
}

const SEVERITY_ORDER = ['high', 'medium', 'low'] as const;

function table(r: AnomalyReport): string {
  const lines = [
    `anomalies on ${r.repository}@${r.branch} from ${r.window.since ?? 'the beginning'} to ${r.window.until} (rules: ${r.rules.join(', ') || 'none'})`,
  ];
  const row = (a: Anomaly) =>
    `${a.severity.toUpperCase().padEnd(7)}${a.rule.padEnd(22)}${a.at.slice(0, 16).replace('T', ' ')}  ${a.message}`;
  lines.push(...r.anomalies.map(row));
  const counts = SEVERITY_ORDER.map((s) => [s, r.anomalies.filter((a) => a.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  lines.push(
    r.anomalies.length
      ? `${r.anomalies.length} anomal${r.anomalies.length === 1 ? 'y' : 'ies'} (${counts.join(', ')})`
      : 'no anomaly found',
  );
  return `${lines.join('\n')}\n`;
}

export async function run(flags: AnomaliesFlags): Promise<number> {
  const root = path.resolve(flags.repo ?? '.');
  const at = now();
  // Validate the config before reading anything (a bad file is exit 2 with file and line).
  loadConfig(root, flags.config);
  const since = parseSince(flags.since ?? '1d', at);
  const until = flags.until ? parseUntil(flags.until) : at;
  checkWindow(since, until);
  const { runAnomalies } = await import('../anomaly/index.js');
  const say = (line: string) => process.stderr.write(`greenlight: ${line}\n`);
  const report = await runAnomalies({
    root,
    configFile: flags.config,
    since,
    until,
    now: at,
    branch: flags.branch,
    notify: flags.notify === true,
    notice: say,
  });
  for (const w of report.warnings) say(w);
  process.stdout.write(flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : table(report));
  if (report.recorded)
    say(
      `anomaly run recorded as ledger entry ${report.recorded.index}` +
        (report.recorded.checkpoint !== null ? ` (checkpoint ${report.recorded.checkpoint})` : ''),
    );
  const failed = (report.deliveries ?? []).filter((d) => !d.ok);
  for (const d of report.deliveries ?? [])
    say(`alert to ${d.kind} ${d.target}: ${d.ok ? 'delivered' : `not delivered (${d.error ?? 'failed'})`}`);
  // A destination that could not be reached is exit 4, after the run was recorded.
  return failed.length ? 4 : 0;
}
