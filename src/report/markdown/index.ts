/**
 * The Markdown report, for a pull-request comment or `$GITHUB_STEP_SUMMARY`. GitHub refuses a
 * comment over 65,536 characters, so long tables are cut to fit and the report says how many
 * rows it left out. Every piece of text that came from a repository (messages, resources,
 * reasons) is escaped: it cannot break a table, open HTML, or start a code span.
 */
import type { Assessment, CheckResult, Status } from '../../engine/types.js';
import {
  NOT_RUN,
  OUTCOMES,
  controlsByCriterion,
  evaluatedChecks,
  exceptedResults,
  failingResults,
  formatLocation,
  notAvailableNote,
  oneLine,
  plural,
  resourceIsLocation,
  windowText,
} from '../shared/index.js';

/** GitHub's limit for an issue or pull-request comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** A message longer than this is shortened in a table cell; the JSON report keeps it whole. */
const CELL_LIMIT = 500;

export interface MarkdownOptions {
  /** Maximum length of the whole document, in UTF-16 code units (what GitHub counts). */
  limit?: number;
}

const ICON: Record<Status, string> = {
  pass: '✅',
  fail: '❌',
  error: '💥',
  not_available: '❔',
  not_applicable: '➖',
  excepted: '🛡️',
};

const status = (s: Status) => `${ICON[s]} ${s}`;

/** Escapes text for a Markdown table cell or list item: no tables broken, no HTML, no code spans. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\\`*_~[\]|#!]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\x00-\x09\x0b-\x1f\x7f]/g, ' ')
    .replace(/\n+/g, '<br>');
}

/** Escaped and, past CELL_LIMIT characters, shortened (cut on a code point, never inside an escape). */
function cell(text: string): string {
  const points = [...text];
  const short = points.length > CELL_LIMIT ? `${points.slice(0, CELL_LIMIT).join('').trimEnd()}…` : text;
  return escapeMarkdown(short);
}

/** A table whose rows may be cut to fit; `noun` names a row in the notice. */
interface CutTable {
  head: string[];
  rows: string[];
  noun: string;
}

export function renderMarkdown(a: Assessment, opts: MarkdownOptions = {}): string {
  const limit = opts.limit ?? GITHUB_COMMENT_LIMIT;
  const failingTable = failingRows(a);
  const exceptionTable = exceptionRows(a);
  const compose = (nFailing: number, nExceptions: number) =>
    [
      title(a),
      summarySection(a),
      controlSection(a),
      tableSection(`Failing results (${failingTable.rows.length})`, failingTable, nFailing),
      fixesSection(a),
      exceptionTable.rows.length
        ? tableSection(`Exceptions (${exceptionTable.rows.length})`, exceptionTable, nExceptions)
        : '',
      footer(a),
    ]
      .filter(Boolean)
      .join('\n\n') + '\n';

  const full = compose(failingTable.rows.length, exceptionTable.rows.length);
  if (full.length <= limit) return full;

  // Everything but the cut tables, with their notices at their longest: rows fill what is left.
  const base = compose(0, 0);
  let budget = limit - base.length;
  const take = (rows: string[]) => {
    let n = 0;
    while (n < rows.length && rows[n]!.length + 1 <= budget) budget -= rows[n++]!.length + 1;
    return n;
  };
  if (budget >= 0) {
    const nFailing = take(failingTable.rows);
    const nExceptions = take(exceptionTable.rows);
    return compose(nFailing, nExceptions);
  }
  // Only a pathological report (huge titles or fixes) gets here: cut the text itself.
  const tail = `\n\n_Report cut at ${limit.toLocaleString('en-US')} characters; run \`greenlight assess --format json\` for all of it._\n`;
  return (
    [...base]
      .join('')
      .slice(0, Math.max(0, limit - tail.length))
      .replace(/[\uD800-\uDBFF]$/, '') + tail
  );
}

function title(a: Assessment): string {
  const worst = a.summary.fail || a.summary.error ? '❌' : a.summary.not_available ? '❔' : '✅';
  const next = a.maturity.next ? ` · next: ${a.maturity.next.level} (${a.maturity.next.name})` : '';
  const head = `## ${worst} greenlight · ${escapeMarkdown(a.subject.name)} — maturity level ${a.maturity.level} (${a.maturity.name})${next}`;
  const meta = [`Window ${windowText(a)}`];
  if (a.subject.defaultBranch) {
    const sha = a.subject.headSha ? ` @ ${escapeMarkdown(a.subject.headSha.slice(0, 12))}` : '';
    meta.push(`branch ${escapeMarkdown(a.subject.defaultBranch)}${sha}`);
  }
  return `${head}\n\n${meta.join(' · ')}`;
}

function summarySection(a: Assessment): string {
  const rows = OUTCOMES.map((o) => `| ${status(o)} | ${a.summary[o]} |`);
  const total = OUTCOMES.reduce((n, o) => n + a.summary[o], 0);
  const lines = [
    '### Summary',
    '',
    '| Outcome | Results |',
    '| --- | ---: |',
    ...rows,
    `| **total** | **${total}** |`,
  ];
  const note = notAvailableNote(a);
  if (note) lines.push('', `> ${escapeMarkdown(oneLine(note))}`);
  return lines.join('\n');
}

function controlSection(a: Assessment): string {
  const criteria = controlsByCriterion(a).map((cr) => {
    const controls = cr.controls.map((c) => `${ICON[c.status]} ${c.id}`).join(' · ');
    return `| ${cr.id} | ${status(cr.status)} | ${controls || '—'} | ${escapeMarkdown(cr.title)} |`;
  });
  const controls = a.controls.map((c) => {
    const { evaluated, total } = evaluatedChecks(c);
    return `| ${c.id} | ${status(c.status)} | ${total ? `${evaluated}/${total}` : 'no check ran'} | ${escapeMarkdown(c.title)} |`;
  });
  return [
    '### Controls',
    '',
    '| Criterion | Status | Controls | What it asks |',
    '| --- | --- | --- | --- |',
    ...criteria,
    '',
    '<details><summary>Every control, with how many of its checks were evaluated</summary>',
    '',
    '| Control | Status | Checks evaluated | Title |',
    '| --- | --- | ---: | --- |',
    ...controls,
    '',
    '</details>',
  ].join('\n');
}

function failingRows(a: Assessment): CutTable {
  const rows = failingResults(a).map((r) => {
    const expired = r.exception?.expired
      ? `<br>⚠️ **exception expired** on ${escapeMarkdown(r.exception.expires)} (approved by ${escapeMarkdown(r.exception.approvedBy)})`
      : '';
    return `| ${status(r.outcome)} | ${r.severity} | \`${r.checkId}\` | ${resourceCell(r)} | ${cell(r.message)}${expired} |`;
  });
  return { head: ['Outcome', 'Severity', 'Check', 'Resource', 'Message'], rows, noun: 'failing results' };
}

function resourceCell(r: CheckResult): string {
  const loc = formatLocation(r.location);
  if (resourceIsLocation(r)) return escapeMarkdown(loc);
  return escapeMarkdown(r.resource) + (loc ? `<br>at ${escapeMarkdown(loc)}` : '');
}

function exceptionRows(a: Assessment): CutTable {
  const rows = exceptedResults(a).map((r) => {
    const e = r.exception!;
    const state = e.expired ? '⚠️ **expired**: counts as a fail' : status('excepted');
    const who = escapeMarkdown(e.approvedBy) + (e.owner ? `<br>owner ${escapeMarkdown(e.owner)}` : '');
    const reason = cell(e.reason) + (e.ticket ? `<br>ticket ${escapeMarkdown(e.ticket)}` : '');
    return `| ${state} | \`${r.checkId}\` | ${resourceCell(r)} | ${who} | ${escapeMarkdown(e.expires)} | ${reason} |`;
  });
  return {
    head: ['Status', 'Check', 'Resource', 'Approved by', 'Expires', 'Reason'],
    rows,
    noun: 'exceptions',
  };
}

function tableSection(heading: string, table: CutTable, shown: number): string {
  if (!table.rows.length) return `### ${heading}\n\nNone. 🎉`;
  const lines = [
    `### ${heading}`,
    '',
    `| ${table.head.join(' | ')} |`,
    `| ${table.head.map(() => '---').join(' | ')} |`,
    ...table.rows.slice(0, shown),
  ];
  const cut = table.rows.length - shown;
  if (cut > 0)
    lines.push(
      '',
      `_${cut.toLocaleString('en-US')} of ${table.rows.length.toLocaleString('en-US')} ${table.noun} not shown: ` +
        `GitHub limits a comment to 65,536 characters. Run \`greenlight assess\` for the full list._`,
    );
  return lines.join('\n');
}

function fixesSection(a: Assessment): string {
  const next = a.maturity.next;
  if (!next)
    return `### Maturity\n\nLevel ${a.maturity.level} (${a.maturity.name}): the highest level is reached.`;
  const lines = [
    `### To reach level ${next.level} (${next.name})`,
    '',
    `Meet ${plural(next.fixes.length, 'requirement')}:`,
    '',
  ];
  for (const fix of next.fixes) {
    lines.push(`- **${escapeMarkdown(fix.requirement)}**: ${escapeMarkdown(oneLine(fix.description))}`);
    if (!fix.checks.length)
      lines.push('  - measured from the facts greenlight collects; no single check to fix');
    for (const c of fix.checks)
      lines.push(
        `  - ${ICON[c.status]} \`${c.id}\` (${c.status}): ${escapeMarkdown(oneLine(c.remediation || NOT_RUN))}`,
      );
  }
  return lines.join('\n');
}

function footer(a: Assessment): string {
  return `<sub>greenlight ${escapeMarkdown(a.tool.version)} · report schema ${a.schemaVersion} · generated ${a.generatedAt}</sub>`;
}
