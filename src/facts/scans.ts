/**
 * Scanner reports normalized into one shape: whatever tool produced them (SARIF from any tool,
 * CycloneDX, SPDX, JUnit, Trivy, Grype, Gitleaks, Checkov, npm audit, ZAP), a report is a list
 * of findings plus, for SBOMs, the components and, for test reports, the test cases.
 *
 * Nothing here ever holds a secret value: secret scanners' matches, snippets and code excerpts
 * are dropped when the report is read.
 */
import type { Location } from './index.js';

export type ScanType =
  'sast' | 'sca' | 'container' | 'secrets' | 'iac' | 'dast' | 'license' | 'sbom' | 'tests';

export type FindingSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export const FINDING_SEVERITIES: readonly FindingSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];

export interface ScanFinding {
  /** Tool name as the report gives it (`ESLint`, `secretlint`, `trivy`…). */
  tool: string;
  scanType: ScanType;
  /** Rule, check or vulnerability id (`no-eval`, `CKV_AWS_20`, `CVE-2024-1234`…). */
  ruleId: string;
  /** One line saying what is wrong; never contains a secret value. */
  title: string;
  severity: FindingSeverity;
  /** File and line, for findings in files (paths relative to the repository root when known). */
  location?: Location;
  /** What is affected when it is not (only) a file: `package@version`, an image, a URL, a cloud resource. */
  resource?: string;
  /** The first CVE among `ids`, when there is one. */
  cve?: string;
  /** Every identifier the report gives: CVE, GHSA, CWE… */
  ids?: string[];
  /**
   * Stable identity of the finding across scans: sha256 (hex) over tool, rule and location or
   * resource. When the format carries its own fingerprint (SARIF `partialFingerprints`, Gitleaks
   * `Fingerprint`) that is used instead of the line, so a finding keeps its identity when lines
   * shift.
   */
  fingerprint: string;
  /** Version (or versions, as the tool writes them) that fixes the vulnerability. */
  fixedVersion?: string;
  /** The report marks the finding as suppressed, accepted, not affected or a false positive. */
  suppressed?: true;
}

/** A component listed by an SBOM (CycloneDX components, SPDX packages). */
export interface SbomComponent {
  /** Name with its group or scope (`@scope/name`, `org.group:name`). */
  name: string;
  version?: string;
  purl?: string;
}

export type TestStatus = 'passed' | 'failed' | 'errored' | 'skipped';

export interface TestCase {
  /** Name of the innermost `<testsuite>` holding the case. */
  suite: string;
  name: string;
  classname?: string;
  file?: string;
  line?: number;
  /** Seconds. */
  time?: number;
  status: TestStatus;
  /** First line of the failure, error or skip message, truncated. */
  message?: string;
}

export interface TestSummary {
  total: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  /** Number of `<testsuite>` elements. */
  suites: number;
  /** Sum of the cases' times, in seconds. */
  time: number;
  cases: TestCase[];
}

/** `Format`: the report format's id (`sarif`, `trivy`…; the formats are listed in sources/reports/formats/). */
export interface ScanReport<Format extends string = string> {
  tool: { name: string; version?: string };
  format: Format;
  scanType: ScanType;
  findings: ScanFinding[];
  /** SBOMs only. */
  components?: SbomComponent[];
  /** JUnit only. */
  tests?: TestSummary;
  stats: {
    /** Size and sha256 (hex) of the report file as read. */
    bytes: number;
    sha256: string;
    findings: number;
    bySeverity: Record<FindingSeverity, number>;
    suppressed: number;
  };
}
