/**
 * The terminal report: where the repository stands, what fails and what to fix first, laid out
 * for the width of the terminal. Text is wrapped, never cut, except control titles (catalog text
 * shown in full by `greenlight controls`); resources and paths always print whole.
 */
import type { Severity } from '../../catalog/index.js';
import type { Assessment, CheckResult, Status } from '../../engine/types.js';
import {
  NOT_RUN,
  OUTCOMES,
  controlsByCriterion,
  evaluatedChecks,
  exceptedResults,
  failingResults,
  formatLocation,
  maturityText,
  notAvailableNote,
  plural,
  resourceIsLocation,
  windowText,
} from '../shared/index.js';

export interface TableOptions {
  /** ANSI colours; the caller decides (TTY, NO_COLOR). */
  color: boolean;
  /** Terminal columns. */
  width: number;
  /** How many gaps to list. */
  topGaps?: number;
}

const MIN_WIDTH = 60;

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'magenta' | 'cyan';
const SGR: Record<Style, string> = {
  bold: '1',
  dim: '2',
  red: '31',
  green: '32',
  yellow: '33',
  magenta: '35',
  cyan: '36',
};

const MARK: Record<Status, string> = {
  pass: '✓',
  fail: '✗',
  error: '!',
  not_available: '?',
  not_applicable: '-',
  excepted: '~',
};

const STATUS_STYLE: Record<Status, Style[]> = {
  pass: ['green'],
  fail: ['red', 'bold'],
  error: ['magenta', 'bold'],
  not_available: ['yellow'],
  not_applicable: ['dim'],
  excepted: ['cyan'],
};

const SEVERITY_STYLE: Record<Severity, Style[]> = {
  critical: ['red', 'bold'],
  high: ['red'],
  medium: ['yellow'],
  low: ['dim'],
};

const STATUS_WIDTH = 'not_applicable'.length;
const OUTCOME_WIDTH = 'error'.length;
const COUNT_WIDTH = '10/10 evaluated'.length;
const SEVERITY_WIDTH = 'critical'.length;

export function renderTable(a: Assessment, opts: TableOptions): string {
  const t = new Painter(opts.color, Math.max(MIN_WIDTH, opts.width));
  const sections = [
    header(a, t),
    controlMatrix(a, t),
    maturity(a, t),
    gaps(a, t, opts.topGaps ?? 10),
    failing(a, t),
    exceptions(a, t),
    summary(a, t),
  ].filter((s) => s.length > 0);
  const text = sections.map((lines) => lines.map((l) => l.trimEnd()).join('\n')).join('\n\n');
  return `${text}\n`;
}

/** Colours (or not) and wraps; everything printed goes through `clean` first. */
class Painter {
  constructor(
    readonly color: boolean,
    readonly width: number,
  ) {}

  paint(styles: readonly Style[], text: string): string {
    if (!this.color || !styles.length || !text) return text;
    return `\x1b[${styles.map((s) => SGR[s]).join(';')}m${text}\x1b[0m`;
  }

  status(s: Status, pad = false): string {
    return this.paint(STATUS_STYLE[s], pad ? s.padEnd(STATUS_WIDTH) : s);
  }

  mark(s: Status): string {
    return this.paint(STATUS_STYLE[s], MARK[s]);
  }

  severity(s: Severity): string {
    return this.paint(SEVERITY_STYLE[s], s.padEnd(SEVERITY_WIDTH));
  }

  heading(text: string): string {
    return this.paint(['bold'], text);
  }

  /** Word-wraps `text` under `indent` spaces; a word longer than the line stays whole. */
  wrap(text: string, indent: number, prefix = ''): string[] {
    const room = Math.max(20, this.width - indent);
    const pad = ' '.repeat(indent);
    const out: string[] = [];
    const paragraphs = clean(prefix + text).split('\n');
    for (const paragraph of paragraphs) {
      let line = '';
      for (const word of paragraph.split(/ +/).filter(Boolean)) {
        if (line && line.length + 1 + word.length > room) {
          out.push(pad + line);
          line = word;
        } else line = line ? `${line} ${word}` : word;
      }
      out.push(pad + line);
    }
    return out;
  }
}

/**
 * Neutralizes control characters (a message quoting a scanner could carry escape sequences that
 * would recolour or rewrite the terminal) and keeps newlines for the wrapper.
 */
function clean(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function header(a: Assessment, t: Painter): string[] {
  const lines = [t.heading(`greenlight ${a.tool.version} — ${clean(a.subject.name)}`)];
  const row = (label: string, value: string) => `  ${label.padEnd(10)}${value}`;
  lines.push(row('Window', windowText(a)));
  if (a.subject.defaultBranch) {
    const sha = a.subject.headSha ? ` @ ${a.subject.headSha.slice(0, 12)}` : '';
    lines.push(row('Branch', `${clean(a.subject.defaultBranch)}${sha}`));
  }
  const next = a.maturity.next ? `   → next: level ${a.maturity.next.level} · ${a.maturity.next.name}` : '';
  lines.push(row('Maturity', `${t.paint(['bold'], maturityText(a))}${next}`));
  lines.push(row('Config', a.config.file ? clean(a.config.file) : 'defaults (no greenlight.yml)'));
  lines.push(row('Generated', a.generatedAt));
  return lines;
}

function controlMatrix(a: Assessment, t: Painter): string[] {
  const lines = [t.heading('Controls by criterion') + '  (status, checks evaluated of those run)'];
  for (const cr of controlsByCriterion(a)) {
    const head = `${t.mark(cr.status)} ${cr.id.padEnd(6)} ${t.status(cr.status, true)}  `;
    const used = 2 + 6 + 1 + STATUS_WIDTH + 2;
    lines.push(head + t.paint(['bold'], fit(cr.title, t.width - used)));
    for (const c of cr.controls) {
      const { evaluated, total } = evaluatedChecks(c);
      const count = (total ? `${evaluated}/${total} evaluated` : 'no check ran').padEnd(COUNT_WIDTH);
      const prefix = `    ${t.mark(c.status)} ${c.id.padEnd(5)} ${t.status(c.status, true)}  ${count}  `;
      const usedByControl = 4 + 2 + 5 + 1 + STATUS_WIDTH + 2 + COUNT_WIDTH + 2;
      lines.push(prefix + fit(c.title, t.width - usedByControl));
    }
  }
  return lines;
}

/** Shortens catalog titles to the line; never used on resources or messages. */
function fit(text: string, room: number): string {
  if (room < 12) return '';
  return text.length <= room ? text : `${text.slice(0, room - 1).trimEnd()}…`;
}

function maturity(a: Assessment, t: Painter): string[] {
  const m = a.maturity;
  const lines = [`${t.heading('Maturity')}  ${maturityText(a)}`];
  if (!m.next) {
    lines.push('  Highest level reached: every requirement of every level is met.');
    return lines;
  }
  lines.push(
    `  To reach level ${m.next.level} · ${m.next.name}, meet ${plural(m.next.fixes.length, 'requirement')}:`,
  );
  for (const fix of m.next.fixes) {
    lines.push(...t.wrap(`${fix.requirement} — ${fix.description}`, 4, '• '));
    if (!fix.checks.length) {
      lines.push(...t.wrap('no check to fix here: greenlight measures this from the facts it collects', 8));
      continue;
    }
    for (const c of fix.checks) {
      lines.push(`      ${t.mark(c.status)} ${c.id}  ${t.status(c.status)}`);
      lines.push(...t.wrap(c.remediation || NOT_RUN, 10, '→ '));
    }
  }
  return lines;
}

function gaps(a: Assessment, t: Painter, top: number): string[] {
  if (!a.gaps.length) return [];
  const shown = a.gaps.slice(0, top);
  const lines = [t.heading(`Top gaps (${shown.length} of ${a.gaps.length}, most severe first)`)];
  shown.forEach((g, i) => {
    const rank = `${i + 1}.`.padStart(4);
    lines.push(`${rank} ${t.severity(g.severity)}  ${g.checkId}  ${plural(g.failing, 'failing result')}`);
    lines.push(...t.wrap(g.message, 7, 'first: '));
    lines.push(...t.wrap(g.remediation, 7, 'fix: '));
  });
  if (a.gaps.length > shown.length) lines.push(`     … ${a.gaps.length - shown.length} more failing checks`);
  return lines;
}

/** `resource  at path:line`, or just the location when the resource is that file. */
function where(r: CheckResult): string {
  const loc = formatLocation(r.location);
  if (resourceIsLocation(r)) return clean(loc);
  return clean(loc ? `${r.resource}  at ${loc}` : r.resource);
}

function failing(a: Assessment, t: Painter): string[] {
  const list = failingResults(a);
  if (!list.length) return [];
  const lines = [t.heading(`Failing results (${list.length})`)];
  for (const r of list) {
    const outcome = t.paint(STATUS_STYLE[r.outcome], r.outcome.padEnd(OUTCOME_WIDTH));
    lines.push(`  ${t.mark(r.outcome)} ${outcome}  ${t.severity(r.severity)}  ${r.checkId}  ${where(r)}`);
    lines.push(...t.wrap(r.message, 6));
    if (r.exception?.expired) {
      const e = r.exception;
      lines.push(
        ...t
          .wrap(`exception EXPIRED on ${e.expires} (approved by ${e.approvedBy}): ${e.reason}`, 6, '! ')
          .map((l) => t.paint(['yellow'], l)),
      );
    }
  }
  return lines;
}

function exceptions(a: Assessment, t: Painter): string[] {
  const list = exceptedResults(a);
  if (!list.length) return [];
  const expired = list.filter((r) => r.exception?.expired).length;
  const title = expired
    ? `Exceptions (${list.length}, ${expired} expired: they count as fails)`
    : `Exceptions (${list.length})`;
  const lines = [t.heading(title)];
  for (const r of list) {
    const e = r.exception!;
    const label = e.expired ? t.paint(['red', 'bold'], 'EXPIRED ') : t.status('excepted');
    const mark = e.expired ? t.mark('fail') : t.mark('excepted');
    lines.push(`  ${mark} ${label}  ${t.severity(r.severity)}  ${r.checkId}  ${where(r)}`);
    const extra = [e.owner ? `owner ${e.owner}` : '', e.ticket ? `ticket ${e.ticket}` : '']
      .filter(Boolean)
      .join(', ');
    const when = e.expired ? `expired on ${e.expires}` : `expires ${e.expires}`;
    lines.push(
      ...t.wrap(`approved by ${e.approvedBy}, ${when}${extra ? ` (${extra})` : ''}: ${e.reason}`, 6),
    );
  }
  return lines;
}

function summary(a: Assessment, t: Painter): string[] {
  const total = OUTCOMES.reduce((n, o) => n + a.summary[o], 0);
  const parts = OUTCOMES.map((o) => {
    const n = a.summary[o];
    return n ? t.paint(STATUS_STYLE[o], `${n} ${o}`) : `${n} ${o}`;
  });
  const lines = [`${t.heading('Summary')}  ${parts.join(' · ')}  (${plural(total, 'result')})`];
  const note = notAvailableNote(a);
  if (note) lines.push(...t.wrap(note, 0, 'Note: ').map((l) => t.paint(['dim'], l)));
  return lines;
}
