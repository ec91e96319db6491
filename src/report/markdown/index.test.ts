import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../engine/index.js';
import { assessmentOf, LONG_MESSAGE, sampleAssessment, sampleResults } from '../__fixtures__/assessment.js';
import { engineAssessment } from '../__fixtures__/engine-run.js';
import { escapeMarkdown, GITHUB_COMMENT_LIMIT, renderMarkdown } from './index.js';

/** Cells of a table row, splitting on pipes that are not escaped. */
const cells = (row: string) =>
  row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

/** Rows of the table under `heading`. */
function table(md: string, heading: string): string[][] {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('|')) rows.push(cells(l));
    else if (rows.length) break;
  }
  return rows;
}

describe('markdown report', () => {
  const md = renderMarkdown(sampleAssessment());

  it('has a title with the maturity and the next level, then a summary table', () => {
    const [title] = md.split('\n');
    expect(title).toBe('## ❌ greenlight · acme/payments — maturity level 2 (Defined) · next: 3 (Automated)');
    expect(md).toContain('Window 2026-08-03 → 2026-11-01 · branch main @ 1a2b3c4d5e6f');
    expect(table(md, '### Summary')).toEqual([
      ['Outcome', 'Results'],
      ['---', '---:'],
      ['❌ fail', '5'],
      ['💥 error', '1'],
      ['❔ not_available', '2'],
      ['🛡️ excepted', '1'],
      ['✅ pass', '1'],
      ['➖ not_applicable', '1'],
      ['**total**', '**11**'],
    ]);
    expect(md).toContain('> not\\_available means greenlight could not see the data');
  });

  it('has the control matrix: criteria with their controls, and every control with its evaluated checks', () => {
    const criteria = table(md, '### Controls');
    expect(criteria).toContainEqual([
      'CC8.1',
      '❌ fail',
      '❌ CM-1 · ❔ CM-2 · ✅ CM-3 · ❔ CM-4 · ❔ CM-5 · ➖ CM-6 · ❌ CM-7',
      'Authorize, design, develop, configure, document, test, approve and implement changes',
    ]);
    const controls = table(md, '<details>');
    expect(controls).toContainEqual([
      'CM-1',
      '❌ fail',
      '1/1',
      'Changes reach protected branches only through pull requests',
    ]);
    expect(controls).toContainEqual(['CI-2', '❌ fail', '1/2', 'The pipeline resists untrusted input']);
    expect(controls).toContainEqual([
      'CM-2',
      '❔ not_available',
      'no check ran',
      'Changes are approved by someone other than the author',
    ]);
    expect(md).toContain('</details>');
  });

  it('lists the failing results with resource and path:line, escaping what they contain', () => {
    const rows = table(md, '### Failing results (6)');
    expect(rows[0]).toEqual(['Outcome', 'Severity', 'Check', 'Resource', 'Message']);
    const body = rows.slice(2);
    expect(body).toHaveLength(6);
    for (const r of body) expect(r).toHaveLength(5);
    expect(body.map((r) => r[2])).toEqual([
      '`secrets.none-committed`',
      '`change.no-direct-push`',
      '`pipeline.actions-pinned`',
      '`pipeline.actions-pinned`',
      '`pipeline.workflow-valid`',
      '`change.signed-commits`',
    ]);
    const nasty = body.find((r) => r[3] === '.github/workflows/ci.yml:12:9')!;
    expect(nasty[4]).toBe(
      'step uses \\`actions/checkout@v4\\` \\| &lt;script&gt;alert("x")&lt;/script&gt; &amp; \\*bold\\* \\_it\\_ \\[link\\](http://x)<br>second line',
    );
    expect(body.find((r) => r[2] === '`change.no-direct-push`')![3]).toBe(
      '9f1c2e7a0b4d6e8f1a2b3c4d5e6f708192a3b4c5',
    );
    expect(body.map((r) => r[3])).toContain('.github/workflows/release workflow (v2).yml:30');
    // The expired exception is called out on its failing row.
    expect(body.find((r) => r[2] === '`change.signed-commits`')![4]).toContain(
      '<br>⚠️ **exception expired** on 2026-01-31 (approved by carol@acme.test)',
    );
    // Terminal escapes from a message become spaces.
    expect(md).not.toContain('\x1b');
    expect(md).not.toContain('\x07');
    // Nothing from the repository can open HTML.
    expect(md).not.toContain('<script>');
  });

  it('ends with the fixes for the next level and the exceptions', () => {
    expect(md).toContain('### To reach level 3 (Automated)\n\nMeet 5 requirements:');
    expect(md).toContain(
      '- **mfa**: MFA is enforced\n  - ❔ `org.mfa-required` (not_available): needs forge settings: connect GitHub or GitLab (greenlight assess --github ORG/REPO)',
    );
    const rows = table(md, '### Exceptions (2)').slice(2);
    expect(rows).toEqual([
      [
        '🛡️ excepted',
        '`scan.secrets`',
        'src/legacy/config\\|old.ts:3',
        'alice@acme.test<br>owner bob',
        '2027-01-31',
        'legacy module is being deleted &lt;by Q1&gt;<br>ticket SEC-42',
      ],
      [
        '⚠️ **expired**: counts as a fail',
        '`change.signed-commits`',
        'main',
        'carol@acme.test',
        '2026-01-31',
        'signing rollout tracked in SEC-9',
      ],
    ]);
    expect(md.trimEnd().endsWith('</sub>')).toBe(true);
  });

  it('escapes Markdown and HTML', () => {
    expect(escapeMarkdown('a|b')).toBe('a\\|b');
    expect(escapeMarkdown('`x`')).toBe('\\`x\\`');
    expect(escapeMarkdown('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeMarkdown('one\r\ntwo\n\nthree')).toBe('one<br>two<br>three');
    expect(escapeMarkdown('**[x](y)** ~~z~~ #1 \\')).toBe('\\*\\*\\[x\\](y)\\*\\* \\~\\~z\\~\\~ \\#1 \\\\');
    expect(escapeMarkdown('&lt;')).toBe('&amp;lt;');
  });

  it('shortens a very long message in its cell', () => {
    const results = sampleResults();
    const long = 'x'.repeat(2000);
    results.push({
      ...results[0]!,
      message: long,
      location: { path: 'long.yml', line: 1 },
      resource: 'long.yml',
    });
    const text = renderMarkdown(assessmentOf(results));
    const row = table(text, '### Failing results').find((r) => r[3] === 'long.yml:1')!;
    expect(row[4]).toBe(`${'x'.repeat(500)}…`);
    // The long message of the fixture (under 500 characters) is whole.
    expect(LONG_MESSAGE.length).toBeLessThan(500);
    expect(text).toContain(LONG_MESSAGE);
  });

  it('fits a GitHub comment: cuts rows past 65,536 characters and says how many', () => {
    const many: CheckResult[] = Array.from({ length: 3000 }, (_, i) => ({
      checkId: 'pipeline.actions-pinned',
      title: 'Third-party actions are pinned to a full commit SHA',
      severity: 'high',
      controls: ['CI-2'],
      outcome: 'fail',
      message: `step ${i} uses some/action@v1 which is not pinned to a full commit SHA`,
      resource: `.github/workflows/wf-${String(i).padStart(4, '0')}.yml`,
      location: { path: `.github/workflows/wf-${String(i).padStart(4, '0')}.yml`, line: i + 1 },
      remediation: 'Pin it.',
    }));
    const text = renderMarkdown(assessmentOf([...sampleResults(), ...many]));
    expect(text.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    const shown = table(text, '### Failing results').length - 2;
    const total = 3006;
    expect(shown).toBeGreaterThan(100);
    expect(shown).toBeLessThan(total);
    expect(text).toContain('### Failing results (3006)');
    expect(text).toContain(
      `_${(total - shown).toLocaleString('en-US')} of 3,006 failing results not shown: GitHub limits a comment to 65,536 characters.`,
    );
    // The sections after the cut table are still there.
    expect(text).toContain('### To reach level 3 (Automated)');
    expect(text).toContain('### Exceptions (2)');
    expect(text.trimEnd().endsWith('</sub>')).toBe(true);
    // The rows kept are the most severe.
    expect(table(text, '### Failing results')[2]![2]).toBe('`secrets.none-committed`');
  });

  it('cuts exceptions too, and honours a smaller limit', () => {
    const results = sampleResults();
    for (let i = 0; i < 50; i++)
      results.push({
        ...results[4]!,
        resource: `src/legacy/file-${i}.ts`,
        location: { path: `src/legacy/file-${i}.ts`, line: 1 },
      });
    const text = renderMarkdown(assessmentOf(results), { limit: 12_000 });
    expect(text.length).toBeLessThanOrEqual(12_000);
    expect(table(text, '### Failing results (6)').length - 2).toBe(6);
    const shown = table(text, '### Exceptions (52)').length - 2;
    expect(shown).toBeLessThan(52);
    expect(text).toContain(`_${52 - shown} of 52 exceptions not shown`);
  });

  it('renders a real engine run', async () => {
    const a = await engineAssessment('test');
    const text = renderMarkdown(a);
    expect(text.split('\n')[0]).toContain('greenlight · acme/demo — maturity level');
    const rows = table(text, '### Failing results').slice(2);
    expect(rows).toContainEqual([
      '❌ fail',
      'high',
      '`pipeline.actions-pinned`',
      '.github/workflows/ci.yml:7:9',
      'actions/checkout@v4 is not pinned',
    ]);
    expect(rows.find((r) => r[2] === '`change.ticket-linked`')![4]).toContain(
      '**exception expired** on 2020-01-31',
    );
  });
});
