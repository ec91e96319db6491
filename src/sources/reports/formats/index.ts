/**
 * The scanner report formats greenlight reads, one line per format. Detection (`detect.ts`),
 * structural redaction (`redact.ts`), parsing (`parseReport`), the `ReportFormat` type and the list
 * of formats in messages all come from this list.
 *
 * Adding a report format:
 *   1. `formats/<id>.ts` exporting one `defineFormat({...})`: its id, label, media type of the
 *      stored copy, detection (top-level keys, first array element's keys or XML root; file name
 *      only to break ties), secret-bearing fields masked in the stored copy, the scan types its
 *      reports hold (first = default) and its reader (`jsonReader(...)` for JSON streamed with
 *      `readJsonReport`, or an own `read` as JUnit XML has);
 *   2. a real report from the tool in `__fixtures__/`, with cases in `formats.test.ts`,
 *      `detect.test.ts` (and `redact.test.ts` when it has secret fields);
 *   3. one line below. Order matters only for detection: earlier formats are tried first.
 * A SARIF-producing tool needs no format: give its driver name a scan type in the one tool table,
 * `TOOL_SCAN_TYPES` in facts/scans.ts.
 */
import { checkov } from './checkov.js';
import { cyclonedx } from './cyclonedx.js';
import { gitleaks } from './gitleaks.js';
import { grype } from './grype.js';
import { junit } from './junit.js';
import { npmAudit } from './npm-audit.js';
import { sarif } from './sarif.js';
import { spdx } from './spdx.js';
import { trivy } from './trivy.js';
import { zap } from './zap.js';

export const FORMATS = [
  sarif,
  cyclonedx,
  spdx,
  junit,
  trivy,
  grype,
  gitleaks,
  checkov,
  npmAudit,
  zap,
] as const;

export type ReportFormat = (typeof FORMATS)[number]['id'];
export type { ReportFormatModule } from './module.js';

export const REPORT_FORMATS: readonly ReportFormat[] = FORMATS.map((f) => f.id);

const BY_ID: ReadonlyMap<string, (typeof FORMATS)[number]> = new Map(FORMATS.map((f) => [f.id, f]));

/** The module of a format id, or undefined for an id no module has. */
export function formatModule(id: string): (typeof FORMATS)[number] | undefined {
  return BY_ID.get(id);
}
