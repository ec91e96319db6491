/**
 * Scanner reports normalized into one shape: whatever tool produced them (SARIF from any tool,
 * CycloneDX, SPDX, JUnit, Trivy, Grype, Gitleaks, Checkov, npm audit, ZAP), a report is a list
 * of findings plus, for SBOMs, the components and, for test reports, the test cases.
 *
 * Nothing here ever holds a secret value: secret scanners' matches, snippets and code excerpts
 * are dropped when the report is read.
 */
import type { Location } from './index.js';

/**
 * Every kind of scan, for scanners recognised in CI (`src/scanners/`) and reports read
 * (`src/sources/reports/`) alike. The pipeline kinds are those a CI step can run and a policy can
 * require (`scans.required`); `license`, `sbom` and `tests` come only from reports.
 */
export const PIPELINE_SCAN_TYPES = ['sast', 'sca', 'container', 'secrets', 'iac', 'dast', 'policy'] as const;

export const SCAN_TYPES = [...PIPELINE_SCAN_TYPES, 'license', 'sbom', 'tests'] as const;

export type ScanType = (typeof SCAN_TYPES)[number];

export type PipelineScanType = (typeof PIPELINE_SCAN_TYPES)[number];

export const SCAN_TYPE_LABEL: Record<ScanType, string> = {
  sast: 'SAST',
  sca: 'dependency scanning (SCA)',
  container: 'container image scanning',
  secrets: 'secret detection',
  iac: 'IaC scanning',
  dast: 'DAST',
  policy: 'policy-as-code',
  license: 'licence scanning',
  sbom: 'SBOM',
  tests: 'tests',
};

/**
 * The one tool table: what kind of scan each tool performs, by its name as reports give it
 * (SARIF `tool.driver.name`, lower-cased). The scanner catalog (`src/scanners/catalog.ts`) takes
 * the type of each single-purpose scanner from here; scanners whose kind depends on how they are
 * run (Trivy, Grype, Snyk…) say so per use there, and their reports per content.
 * Tools not listed count as `sast`, the most common producer of SARIF.
 */
export const TOOL_SCAN_TYPES = {
  // static analysis
  codeql: 'sast',
  semgrep: 'sast',
  sonarqube: 'sast',
  sonarcloud: 'sast',
  'snyk code': 'sast',
  bandit: 'sast',
  gosec: 'sast',
  brakeman: 'sast',
  njsscan: 'sast',
  eslint: 'sast',
  // secrets
  secretlint: 'secrets',
  gitleaks: 'secrets',
  trufflehog: 'secrets',
  'detect-secrets': 'secrets',
  ggshield: 'secrets',
  kingfisher: 'secrets',
  noseyparker: 'secrets',
  // infrastructure as code
  checkov: 'iac',
  tfsec: 'iac',
  kics: 'iac',
  terrascan: 'iac',
  hadolint: 'iac',
  'cfn-lint': 'iac',
  cfn_nag: 'iac',
  tflint: 'iac',
  'kube-linter': 'iac',
  kubescape: 'iac',
  'snyk iac': 'iac',
  // dependencies
  'dependency-check': 'sca',
  'owasp dependency-check': 'sca',
  'osv-scanner': 'sca',
  'snyk open source': 'sca',
  govulncheck: 'sca',
  'pip-audit': 'sca',
  'npm audit': 'sca',
  dependabot: 'sca',
  'dependency-review': 'sca',
  // container images
  trivy: 'container',
  grype: 'container',
  clair: 'container',
  'docker scout': 'container',
  'snyk container': 'container',
  // dynamic
  zap: 'dast',
  'owasp zap': 'dast',
  nuclei: 'dast',
  'burp suite': 'dast',
  stackhawk: 'dast',
  // policy as code
  conftest: 'policy',
  opa: 'policy',
  kyverno: 'policy',
  gator: 'policy',
  sentinel: 'policy',
  // licences
  scancode: 'license',
  licensee: 'license',
} as const satisfies Record<string, ScanType>;

export type ScanTool = keyof typeof TOOL_SCAN_TYPES;

/** The kind of scan a tool performs, from its name as its report gives it (`sast` when unknown). */
export function scanTypeForTool(name: string): ScanType {
  const key = name.trim().toLowerCase();
  const table: Readonly<Record<string, ScanType>> = TOOL_SCAN_TYPES;
  const exact = Object.hasOwn(table, key) ? table[key] : undefined;
  if (exact) return exact;
  // `Snyk Container`, `Checkov (terraform)`, `GitHub CodeQL`…
  if (/\bcontainer\b/.test(key)) return 'container';
  for (const [tool, type] of Object.entries(table)) {
    if (key.startsWith(tool + ' ') || key.startsWith(tool + '-')) return type;
  }
  return 'sast';
}

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
