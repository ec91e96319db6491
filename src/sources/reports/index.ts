/**
 * Scanner reports: SARIF 2.1.0 (any tool), CycloneDX 1.4–1.6, SPDX 2.3, JUnit XML, Trivy, Grype,
 * Gitleaks, Checkov, npm audit v2 and OWASP ZAP (one module each, listed in formats/index.ts) —
 * read into one ScanReport of normalized findings.
 *
 * Reports are read as a stream: big arrays (SARIF results, matches, packages…) are parsed item by
 * item, never as one document. A malformed report is an InputError naming the file and the JSON
 * pointer (or XML line) of the problem, and nothing is returned. Secret values (snippets,
 * `Secret`, `Match`, `Code`, evidence) are never copied into findings.
 */
import {
  FINDING_SEVERITIES,
  type FindingSeverity,
  type ScanReport as ScanReportOf,
} from '../../facts/scans.js';
import { InputError } from '../../errors.js';
import { detectFormat } from './detect.js';
import { formatModule, REPORT_FORMATS, type ReportFormat } from './formats/index.js';
import type { ReaderOptions } from './formats/options.js';
import { inputName, lineAt, newDigest, readHead, type ReportInput } from './input.js';
import { locateValue, ReportProblem, type ReportBody } from './json-report.js';
import { JsonStreamError } from './json-stream.js';

export { detectFormat } from './detect.js';
export { FORMATS, REPORT_FORMATS, type ReportFormat, type ReportFormatModule } from './formats/index.js';
export type { ReportInput } from './input.js';
export type {
  FindingSeverity,
  SbomComponent,
  ScanFinding,
  ScanType,
  TestCase,
  TestStatus,
  TestSummary,
} from '../../facts/scans.js';

/** A report read by `parseReport`: its format is one of the registered formats. */
export type ScanReport = ScanReportOf<ReportFormat>;

export interface ParseReportOptions extends ReaderOptions {
  /** Skip detection: read the report as this format. */
  format?: ReportFormat;
}

/**
 * Reads one report. `input` is a file (`{ path }`) or bytes with a name for messages
 * (`{ bytes, name }`). Throws InputError (exit 2) when the format cannot be told or the report
 * is malformed.
 */
export async function parseReport(input: ReportInput, options: ParseReportOptions = {}): Promise<ScanReport> {
  const name = inputName(input);
  const format = options.format ?? detectFormat(await readHead(input), name);
  if (!format) {
    throw new InputError(
      `${name}: cannot tell which scanner report format this is; pass the format explicitly (one of ${REPORT_FORMATS.join(', ')})`,
    );
  }
  const mod = formatModule(format);
  if (!mod) {
    throw new InputError(`${name}: unknown report format "${format}" (one of ${REPORT_FORMATS.join(', ')})`);
  }
  const readerOptions: ReaderOptions = {};
  if (options.scanType) readerOptions.scanType = options.scanType;
  if (options.root) readerOptions.root = options.root;

  const digest = newDigest();
  let body: ReportBody;
  try {
    body = await mod.read(input, digest, readerOptions);
  } catch (err) {
    throw await asInputError(err, input, mod.label);
  }
  if (options.scanType) {
    body.scanType = options.scanType;
    for (const f of body.findings) f.scanType = options.scanType;
  }
  const bySeverity = Object.fromEntries(FINDING_SEVERITIES.map((s) => [s, 0])) as Record<
    FindingSeverity,
    number
  >;
  let suppressed = 0;
  for (const f of body.findings) {
    bySeverity[f.severity]++;
    if (f.suppressed) suppressed++;
  }
  return {
    ...body,
    format: mod.id,
    stats: {
      bytes: digest.bytes,
      sha256: digest.hex(),
      findings: body.findings.length,
      bySeverity,
      suppressed,
    },
  };
}

/** `report.sarif: invalid SARIF at /runs/0/results/17/level (line 230): Invalid option: …` */
async function asInputError(err: unknown, input: ReportInput, label: string): Promise<unknown> {
  if (!(err instanceof ReportProblem) && !(err instanceof JsonStreamError)) return err;
  const name = inputName(input);
  let line: number | undefined;
  if (err instanceof ReportProblem && err.line !== undefined) line = err.line;
  else {
    let offset = err.offset;
    if (err instanceof ReportProblem && err.within)
      offset = (await locateValue(input, offset ?? 0, err.within)) ?? offset;
    if (offset !== undefined) line = await lineAt(input, offset);
  }
  const where = [
    err.pointer !== null ? `at ${err.pointer || '/'}` : '',
    line !== undefined ? `(line ${line})` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return new InputError(`${name}: invalid ${label} report${where ? ' ' + where : ''}: ${err.message}`);
}

export { REDACTED, redactReport, redactReportChunks } from './redact.js';

/** Media type of the stored copy of a report of this format. */
export function reportMediaType(format: ReportFormat): string {
  return formatModule(format)!.mediaType;
}
