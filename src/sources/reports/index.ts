/**
 * Scanner reports: SARIF 2.1.0 (any tool), CycloneDX 1.4–1.6, SPDX 2.3, JUnit XML, Trivy, Grype,
 * Gitleaks, Checkov, npm audit v2 and OWASP ZAP — read into one ScanReport of normalized findings.
 *
 * Reports are read as a stream: big arrays (SARIF results, matches, packages…) are parsed item by
 * item, never as one document. A malformed report is an InputError naming the file and the JSON
 * pointer (or XML line) of the problem, and nothing is returned. Secret values (snippets,
 * `Secret`, `Match`, `Code`, evidence) are never copied into findings.
 */
import {
  FINDING_SEVERITIES,
  REPORT_FORMATS,
  type FindingSeverity,
  type ReportFormat,
  type ScanReport,
} from '../../facts/scans.js';
import { InputError } from '../../errors.js';
import { detectFormat } from './detect.js';
import { checkovReader } from './formats/checkov.js';
import { cyclonedxReader } from './formats/cyclonedx.js';
import { gitleaksReader } from './formats/gitleaks.js';
import { grypeReader } from './formats/grype.js';
import { readJunit } from './formats/junit.js';
import { npmAuditReader } from './formats/npm-audit.js';
import type { ReaderOptions } from './formats/options.js';
import { sarifReader } from './formats/sarif.js';
import { spdxReader } from './formats/spdx.js';
import { trivyReader } from './formats/trivy.js';
import { zapReader } from './formats/zap.js';
import { inputName, lineAt, newDigest, readHead, type ReportInput } from './input.js';
import {
  locateValue,
  readJsonReport,
  ReportProblem,
  type JsonFormatReader,
  type ReportBody,
} from './json-report.js';
import { JsonStreamError } from './json-stream.js';

export { detectFormat } from './detect.js';
export type { ReportInput } from './input.js';
export type {
  FindingSeverity,
  ReportFormat,
  SbomComponent,
  ScanFinding,
  ScanReport,
  ScanType,
  TestCase,
  TestStatus,
  TestSummary,
} from '../../facts/scans.js';

export interface ParseReportOptions extends ReaderOptions {
  /** Skip detection: read the report as this format. */
  format?: ReportFormat;
}

const JSON_READERS: Record<Exclude<ReportFormat, 'junit'>, (o: ReaderOptions) => JsonFormatReader> = {
  sarif: sarifReader,
  cyclonedx: cyclonedxReader,
  spdx: spdxReader,
  trivy: trivyReader,
  grype: grypeReader,
  gitleaks: gitleaksReader,
  checkov: checkovReader,
  'npm-audit': npmAuditReader,
  zap: zapReader,
};

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
  if (!REPORT_FORMATS.includes(format)) {
    throw new InputError(`${name}: unknown report format "${format}" (one of ${REPORT_FORMATS.join(', ')})`);
  }
  const readerOptions: ReaderOptions = {};
  if (options.scanType) readerOptions.scanType = options.scanType;
  if (options.root) readerOptions.root = options.root;

  const digest = newDigest();
  let body: ReportBody;
  try {
    body =
      format === 'junit'
        ? await readJunit(input, digest, readerOptions)
        : await readJsonReport(input, digest, JSON_READERS[format](readerOptions));
  } catch (err) {
    throw await asInputError(err, input, format);
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
    stats: {
      bytes: digest.bytes,
      sha256: digest.hex(),
      findings: body.findings.length,
      bySeverity,
      suppressed,
    },
  };
}

const LABEL: Record<ReportFormat, string> = {
  sarif: 'SARIF',
  cyclonedx: 'CycloneDX',
  spdx: 'SPDX',
  junit: 'JUnit',
  trivy: 'Trivy',
  grype: 'Grype',
  gitleaks: 'Gitleaks',
  checkov: 'Checkov',
  'npm-audit': 'npm audit',
  zap: 'ZAP',
};

/** `report.sarif: invalid SARIF at /runs/0/results/17/level (line 230): Invalid option: …` */
async function asInputError(err: unknown, input: ReportInput, format: ReportFormat): Promise<unknown> {
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
  return new InputError(
    `${name}: invalid ${LABEL[format]} report${where ? ' ' + where : ''}: ${err.message}`,
  );
}

export { REDACTED, redactReport, redactReportChunks } from './redact.js';
