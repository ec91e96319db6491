import { describe, expect, it } from 'vitest';
import { SCANNERS, scanTypeForTool, TOOL_SCAN_TYPES } from './index.js';

/** Catalog scanners and the tool name their reports carry (SARIF `tool.driver.name`). */
const REPORT_NAMES: Record<string, string> = {
  codeql: 'CodeQL',
  semgrep: 'Semgrep OSS',
  sonar: 'SonarQube',
  'snyk-code': 'Snyk Code',
  bandit: 'Bandit',
  gosec: 'gosec',
  brakeman: 'Brakeman',
  njsscan: 'njsscan',
  'eslint-security': 'ESLint',
  'osv-scanner': 'osv-scanner',
  'snyk-open-source': 'Snyk Open Source',
  'pip-audit': 'pip-audit',
  'dependency-check': 'dependency-check',
  'trivy-action': 'Trivy',
  'anchore-scan-action': 'Grype',
  'snyk-container': 'Snyk Container',
  'docker-scout': 'Docker Scout',
  gitleaks: 'gitleaks',
  trufflehog: 'TruffleHog',
  'detect-secrets': 'detect-secrets',
  secretlint: 'secretlint',
  ggshield: 'ggshield',
  checkov: 'Checkov',
  tfsec: 'tfsec',
  terrascan: 'terrascan',
  kics: 'KICS',
  'cfn-lint': 'cfn-lint',
  'cfn-nag': 'cfn_nag',
  'snyk-iac': 'Snyk IaC',
  zap: 'OWASP ZAP',
  nuclei: 'nuclei',
  stackhawk: 'StackHawk',
  conftest: 'conftest',
  opa: 'opa',
  kyverno: 'Kyverno',
  gatekeeper: 'gator',
  sentinel: 'Sentinel',
};

describe('one tool table for the scanner catalog and for reports', () => {
  it.each(Object.entries(REPORT_NAMES))(
    'a report from %s (%s) has the scan type the catalog gives the scanner',
    (id, name) => {
      const entry = SCANNERS.find((s) => s.id === id);
      expect(entry, id).toBeDefined();
      expect(scanTypeForTool(name)).toBe(entry!.types[0]);
    },
  );

  it('counts unknown tools as SAST and knows tool names by prefix', () => {
    expect(scanTypeForTool('SomeLinter')).toBe('sast');
    expect(scanTypeForTool('constructor')).toBe('sast');
    expect(scanTypeForTool('Checkov (terraform)')).toBe('iac');
    expect(scanTypeForTool('Acme Container Scanner')).toBe('container');
    expect(scanTypeForTool('  GITLEAKS ')).toBe('secrets');
  });

  it('keys the table by lower-cased names', () => {
    for (const name of Object.keys(TOOL_SCAN_TYPES)) expect(name).toBe(name.toLowerCase().trim());
  });
});
