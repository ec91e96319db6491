import { describe, expect, it } from 'vitest';
import { renderReport } from '../index.js';
import { LONG_MESSAGE, sampleAssessment } from '../__fixtures__/assessment.js';
import { engineAssessment } from '../__fixtures__/engine-run.js';
import { renderTable } from './index.js';

const ESC = '\x1b';
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const plain = (width = 100) => renderTable(sampleAssessment(), { color: false, width });

/** The lines of one section, from its heading to the next blank line. */
function section(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  expect(start, `section ${heading}`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', start);
  return lines.slice(start, end === -1 ? undefined : end);
}

describe('table report', () => {
  it('opens with subject, window, branch and maturity level and name', () => {
    const head = section(plain(), 'greenlight');
    expect(head[0]).toBe('greenlight 0.1.0 — acme/payments');
    expect(head).toContain('  Window    2026-08-03 → 2026-11-01');
    expect(head).toContain('  Branch    main @ 1a2b3c4d5e6f');
    expect(head).toContain('  Maturity  level 2 · Defined   → next: level 3 · Automated');
  });

  it('shows the control matrix grouped by criterion, with evaluated check counts', () => {
    const matrix = section(plain(), 'Controls by criterion');
    const cc81 = matrix.findIndex((l) => l.startsWith('✗ CC8.1  fail'));
    expect(cc81).toBeGreaterThan(0);
    const under = matrix.slice(cc81 + 1, cc81 + 8);
    expect(under[0]).toMatch(/^ {4}✗ CM-1 {2}fail {12}1\/1 evaluated +Changes reach protected branches/);
    expect(under).toContainEqual(expect.stringMatching(/^ {4}✓ CM-3 {2}pass {12}1\/1 evaluated/));
    expect(under).toContainEqual(expect.stringMatching(/^ {4}- CM-6 {2}not_applicable {2}1\/1 evaluated/));
    expect(under).toContainEqual(expect.stringMatching(/^ {4}\? CM-2 {2}not_available {3}no check ran/));
    // A control whose checks could not all be seen says how many were.
    expect(matrix).toContainEqual(expect.stringMatching(/✗ CI-2 {2}fail {12}1\/2 evaluated/));
    expect(matrix).toContainEqual(expect.stringMatching(/\? AC-1 {2}not_available {3}0\/1 evaluated/));
  });

  it('lists the fixes for the next level: requirement, then the checks not passing with their remediation', () => {
    const m = section(plain(), 'Maturity');
    expect(m[0]).toBe('Maturity  level 2 · Defined');
    expect(m[1]).toBe('  To reach level 3 · Automated, meet 5 requirements:');
    const mfa = m.indexOf('    • mfa — MFA is enforced');
    expect(mfa).toBeGreaterThan(0);
    expect(m[mfa + 1]).toBe('      ? org.mfa-required  not_available');
    expect(m[mfa + 2]).toBe(
      '          → needs forge settings: connect GitHub or GitLab (greenlight assess --github ORG/REPO)',
    );
    // A requirement check without a result in this run still says why there is nothing to do.
    expect(m.join('\n')).toMatch(/scan\.sast {2}not_available\n {10}→ no result in this run/);
  });

  it('ranks the top gaps by severity then count, with count, first message and remediation', () => {
    const g = section(plain(), 'Top gaps');
    expect(g[0]).toBe('Top gaps (5 of 5, most severe first)');
    const ids = g.filter((l) => /^ +\d+\. /.test(l)).map((l) => l.trim().split(/ +/).slice(1, 3).join(' '));
    expect(ids).toEqual([
      'critical secrets.none-committed',
      'high pipeline.actions-pinned',
      'high change.no-direct-push',
      'medium pipeline.workflow-valid',
      'low change.signed-commits',
    ]);
    expect(g).toContain('  2. high      pipeline.actions-pinned  2 failing results');
    expect(g).toContain('       fix: Pin each `uses:` to a 40-character SHA; keep the tag in a comment.');
    const limited = renderTable(sampleAssessment(), { color: false, width: 100, topGaps: 2 });
    expect(limited).toContain('Top gaps (2 of 5, most severe first)');
    expect(limited).toContain('     … 3 more failing checks');
  });

  it('lists every failing result with its resource and path:line, never cutting a path', () => {
    const text = plain(60);
    const f = section(text, 'Failing results');
    expect(f[0]).toBe('Failing results (6)');
    // Wider than the 60 columns, printed whole.
    expect(f).toContain(
      '  ✗ fail   high      pipeline.actions-pinned  .github/workflows/release workflow (v2).yml:30',
    );
    expect(f).toContain('  ✗ fail   high      pipeline.actions-pinned  .github/workflows/ci.yml:12:9');
    expect(f).toContain(
      '  ✗ fail   high      change.no-direct-push  9f1c2e7a0b4d6e8f1a2b3c4d5e6f708192a3b4c5',
    );
    expect(f).toContain('  ! error  medium    pipeline.workflow-valid  -');
    // Long messages wrap within the width, and all of their words are there.
    const words = LONG_MESSAGE.split(' ');
    const body = f.filter((l) => l.startsWith('      ') && !l.startsWith('      !'));
    for (const l of body) expect(l.length).toBeLessThanOrEqual(60);
    expect(body.join(' ').replace(/ +/g, ' ')).toContain(words.join(' '));
    // Messages keep their own line breaks.
    expect(f).toContain('      second line');
  });

  it('shows exceptions with approver and expiry, and calls out an expired one', () => {
    const text = plain();
    const e = section(text, 'Exceptions');
    expect(e[0]).toBe('Exceptions (2, 1 expired: they count as fails)');
    expect(e).toContain('  ~ excepted  high      scan.secrets  src/legacy/config|old.ts:3');
    expect(e.join('\n')).toContain(
      'approved by alice@acme.test, expires 2027-01-31 (owner bob, ticket SEC-42): legacy module is',
    );
    expect(e).toContain('  ✗ EXPIRED   low       change.signed-commits  main');
    expect(e).toContain(
      '      approved by carol@acme.test, expired on 2026-01-31: signing rollout tracked in SEC-9',
    );
    // The expired exception is also flagged where the fail is listed.
    const f = section(text, 'Failing results');
    expect(f.join('\n')).toContain('! exception EXPIRED on 2026-01-31 (approved by carol@acme.test)');
  });

  it('ends with a summary line per outcome and a note on not_available', () => {
    const text = plain(100);
    const s = section(text, 'Summary');
    expect(s[0]).toBe(
      'Summary  5 fail · 1 error · 2 not_available · 1 excepted · 1 pass · 1 not_applicable  (11 results)',
    );
    expect(s.slice(1).join(' ')).toBe(
      'Note: not_available means greenlight could not see the data, so it never counts as a pass (2 results). ' +
        'To see it: needs forge settings: connect GitHub or GitLab (greenlight assess --github ORG/REPO) (1); ' +
        'needs the evidence ledger: run greenlight init and record assessments (1).',
    );
    expect(text.endsWith('(1).\n')).toBe(true);
  });

  it('without colour has no escape sequence at all, even from a message that carries one', () => {
    const text = plain();
    expect(text).not.toContain(ESC);
    expect(text).not.toContain('\x07');
    expect(text).toContain('scanner said \\x1b[31mRED\\x1b[0m and rang \\x07 the bell');
  });

  it('with colour paints statuses and severities with plain ANSI codes, and nothing else changes', () => {
    const a = sampleAssessment();
    const coloured = renderTable(a, { color: true, width: 100 });
    expect(coloured).toContain(`${ESC}[31;1m5 fail${ESC}[0m · ${ESC}[35;1m1 error${ESC}[0m`);
    expect(coloured).toContain(
      `${ESC}[31;1mfail ${ESC}[0m  ${ESC}[31;1mcritical${ESC}[0m  secrets.none-committed`,
    );
    expect(coloured).toContain(`${ESC}[32m✓${ESC}[0m CM-3`);
    expect(coloured).toContain(`${ESC}[33mnot_available ${ESC}[0m`);
    expect(coloured).toContain(`${ESC}[31;1mcritical${ESC}[0m`);
    expect(coloured).toContain(`${ESC}[1mControls by criterion${ESC}[0m`);
    expect(strip(coloured)).toBe(renderTable(a, { color: false, width: 100 }));
    // The message's own escape stays neutralized when colours are on.
    expect(strip(coloured)).toContain('\\x1b[31mRED');
  });

  it('through the door: colour only when asked (the CLI turns it off for NO_COLOR and non-TTYs)', async () => {
    const a = sampleAssessment();
    const off = await renderReport(a, 'table', { color: false, width: 100 });
    const on = await renderReport(a, 'table', { color: true, width: 100 });
    expect(off).not.toContain(ESC);
    expect(on).toContain(ESC);
    expect(strip(on)).toBe(off);
  });

  it('adapts to the width: narrower terminals wrap more, titles are shortened, never below 60 columns', () => {
    const narrow = plain(60).split('\n');
    const wide = plain(200).split('\n');
    expect(narrow.length).toBeGreaterThan(wide.length);
    expect(narrow).toContainEqual(expect.stringMatching(/^ {4}✗ CM-1 .*…$/));
    expect(wide).toContainEqual(
      expect.stringMatching(/✗ CM-1 .*Changes reach protected branches only through pull requests$/),
    );
    expect(plain(20)).toBe(plain(60));
  });

  it('renders a real engine run', async () => {
    const a = await engineAssessment('test');
    const text = renderTable(a, { color: false, width: 100 });
    expect(text).toContain('greenlight 0.1.0 — acme/demo');
    expect(text).toContain('  Window    whole history → 2026-11-01');
    expect(text).toMatch(
      /✗ fail {3}high {6}pipeline\.actions-pinned {2}\.github\/workflows\/ci\.yml:7:9\n {6}actions\/checkout@v4 is not pinned/,
    );
    expect(text).toContain(
      '  ~ excepted  high      pipeline.actions-pinned  .github/workflows/release.yml:13:9',
    );
    expect(text).toMatch(/✗ EXPIRED {3}medium {4}change\.ticket-linked {2}[0-9a-f]{40}/);
    expect(text).toMatch(/! error {2}medium {4}pipeline\.workflow-valid {2}-\n {6}the check failed: boom/);
  });
});
