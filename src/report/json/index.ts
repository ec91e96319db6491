/**
 * The JSON report is the Assessment exactly as the engine built it: a versioned contract,
 * documented in docs/report-format.md and described by schema/report.schema.json.
 */
import type { Assessment } from '../../engine/types.js';

export function renderJson(a: Assessment): string {
  return `${JSON.stringify(a, null, 2)}\n`;
}
