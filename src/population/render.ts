import type { ChangeRow, Population } from './types.js';

/** Renders the population as a table (for people), JSON (for tools) or CSV (for auditors' spreadsheets). */
export type PopulationFormat = 'table' | 'json' | 'csv';

export const CSV_COLUMNS = [
  'commit',
  'repository',
  'kind',
  'merged_at',
  'pr',
  'title',
  'author',
  'last_pusher',
  'approvers',
  'approved_at',
  'independent_approval',
  'checks_passed',
  'ticket',
  'emergency',
  'emergency_review',
  'deployments',
  'scans',
  'status',
  'reasons',
] as const;

const tri = (v: boolean | null): string => (v === null ? 'unknown' : v ? 'yes' : 'no');

export function csvFields(r: ChangeRow): string[] {
  const good = r.approvals.filter((a) => a.independent && a.onHead && a.beforeMerge);
  return [
    r.commit,
    r.repository,
    r.kind,
    r.mergedAt,
    r.pr === null ? '' : String(r.pr),
    r.title,
    r.author,
    r.lastPusher ?? '',
    r.approvals.map((a) => a.by ?? '(unnamed)').join('; '),
    good.map((a) => a.at).join('; '),
    tri(r.independentApproval),
    tri(r.checksPassed),
    r.ticket ?? '',
    r.emergency ? `${r.emergency.source}${r.emergency.ticket ? ` ${r.emergency.ticket}` : ''}` : '',
    r.emergency ? `${r.emergency.reviewState} (due ${r.emergency.dueAt.slice(0, 10)})` : '',
    r.deployments.map((d) => `${d.environment}@${d.deployedAt}`).join('; '),
    r.scans.map((s) => `${s.tool}:${s.scanTypes.join('+')}`).join('; '),
    r.status,
    r.reasons.join('; '),
  ];
}

export function csvCell(v: string): string {
  // Quote always when needed; neutralise spreadsheet formulas (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: readonly ChangeRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push(csvFields(r).map(csvCell).join(','));
  return lines.join('\n') + '\n';
}

function pad(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s.padEnd(n);
}

export function toTable(pop: Population): string {
  const head = `${pad('commit', 8)} ${pad('merged', 10)} ${pad('PR', 6)} ${pad('author', 14)} ${pad('approved', 8)} ${pad('checks', 7)} ${pad('ticket', 10)} ${pad('deployed', 10)} ${pad('status', 10)} reasons`;
  const lines = [
    `Changes to ${pop.repository} ${pop.branch} from ${pop.since?.slice(0, 10) ?? 'the beginning'} to ${pop.until.slice(0, 10)}: ${pop.rows.length}`,
    '',
    head,
  ];
  for (const r of pop.rows) {
    const dep = r.deployments[0]?.deployedAt.slice(0, 10) ?? '-';
    lines.push(
      `${pad(r.commit.slice(0, 7), 8)} ${pad(r.mergedAt.slice(0, 10), 10)} ${pad(r.pr === null ? '-' : `#${r.pr}`, 6)} ${pad(r.author, 14)} ${pad(tri(r.independentApproval), 8)} ${pad(tri(r.checksPassed), 7)} ${pad(r.ticket ?? '-', 10)} ${pad(dep, 10)} ${pad(r.status, 10)} ${r.reasons.join('; ')}`,
    );
  }
  const count = (s: string) => pop.rows.filter((r) => r.status === s).length;
  lines.push(
    '',
    `compliant ${count('compliant')} · excepted ${count('excepted')} · deviation ${count('deviation')}`,
  );
  for (const d of pop.offBranchDeployments)
    lines.push(
      d.olderThanWindow
        ? `deployment to ${d.environment} on ${d.deployedAt.slice(0, 10)}: deployed commit ${d.commit.slice(0, 7)} is older than the window start (${pop.since?.slice(0, 10)}); it is on ${pop.branch}`
        : `deployment to ${d.environment} on ${d.deployedAt.slice(0, 10)} shipped ${d.commit.slice(0, 7)}, which is not on ${pop.branch}`,
    );
  for (const w of pop.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}

export function renderPopulation(pop: Population, format: PopulationFormat): string {
  if (format === 'json') return JSON.stringify(pop, null, 2) + '\n';
  if (format === 'csv') return toCsv(pop.rows);
  return toTable(pop);
}
