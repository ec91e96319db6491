import type { Assessment } from '../engine/types.js';

export const FORMATS = ['table', 'json', 'markdown', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  /** ANSI colours (table only): on for a TTY unless NO_COLOR is set. */
  color: boolean;
}

/** Renders an assessment in one of the report formats. Reports read results; they never collect. */
export async function renderReport(
  assessment: Assessment,
  format: Format,
  opts: RenderOptions,
): Promise<string> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(assessment, null, 2)}\n`;
    default:
      // Filled in by the report room; JSON until then so nothing is lost.
      void opts;
      return `${JSON.stringify(assessment, null, 2)}\n`;
  }
}
