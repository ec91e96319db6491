import type { Assessment } from '../engine/types.js';
import { renderJson } from './json/index.js';
import { renderMarkdown } from './markdown/index.js';
import { renderSarif } from './sarif/index.js';
import { renderTable } from './table/index.js';

export const FORMATS = ['table', 'json', 'markdown', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  /** ANSI colours (table only): on for a TTY unless NO_COLOR is set. */
  color: boolean;
  /** Columns for the table; default: the terminal's width, else 100. */
  width?: number;
}

export { escapeMarkdown, GITHUB_COMMENT_LIMIT } from './markdown/index.js';
export { toSarif, type SarifLog } from './sarif/index.js';

/** Renders an assessment in one of the report formats. Reports read results; they never collect. */
export async function renderReport(
  assessment: Assessment,
  format: Format,
  opts: RenderOptions,
): Promise<string> {
  switch (format) {
    case 'table':
      return renderTable(assessment, { color: opts.color, width: opts.width ?? terminalWidth() });
    case 'json':
      return renderJson(assessment);
    case 'markdown':
      return renderMarkdown(assessment);
    case 'sarif':
      return renderSarif(assessment);
  }
}

function terminalWidth(): number {
  return process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : 100;
}
