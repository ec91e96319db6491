import { describe, expect, it } from 'vitest';
import { sampleAssessment } from './__fixtures__/assessment.js';
import { FORMATS, renderReport } from './index.js';
import { renderJson } from './json/index.js';
import { renderMarkdown } from './markdown/index.js';
import { renderSarif } from './sarif/index.js';
import { renderTable } from './table/index.js';

describe('renderReport', () => {
  it('offers the four formats the CLI lists', () => {
    expect([...FORMATS]).toEqual(['table', 'json', 'markdown', 'sarif']);
  });

  it('sends each format to its room', async () => {
    const a = sampleAssessment();
    expect(await renderReport(a, 'json', { color: true })).toBe(renderJson(a));
    expect(await renderReport(a, 'markdown', { color: true })).toBe(renderMarkdown(a));
    expect(await renderReport(a, 'sarif', { color: true })).toBe(renderSarif(a));
    expect(await renderReport(a, 'table', { color: false, width: 80 })).toBe(
      renderTable(a, { color: false, width: 80 }),
    );
  });

  it('colours only the table, and the others never carry an escape sequence', async () => {
    const a = sampleAssessment();
    for (const f of ['json', 'markdown', 'sarif'] as const) {
      const text = await renderReport(a, f, { color: true });
      expect(text).not.toMatch(/\x1b\[[0-9;]*m/);
    }
  });

  it('the table falls back to 100 columns off a terminal', async () => {
    const a = sampleAssessment();
    const tty = process.stdout.isTTY;
    try {
      Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true });
      expect(await renderReport(a, 'table', { color: false })).toBe(
        renderTable(a, { color: false, width: 100 }),
      );
    } finally {
      Object.defineProperty(process.stdout, 'isTTY', { value: tty, configurable: true });
    }
  });
});
