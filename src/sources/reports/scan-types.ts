import type { ScanType } from '../../facts/scans.js';

/**
 * What kind of scan a SARIF tool performs, by driver name (lower-cased). SARIF itself does not say;
 * tools not listed count as `sast`, the most common producer of SARIF. `--scan-type` overrides.
 */
const TOOL_SCAN_TYPES: Record<string, ScanType> = {
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
  // dependencies
  'dependency-check': 'sca',
  'osv-scanner': 'sca',
  'snyk open source': 'sca',
  govulncheck: 'sca',
  'pip-audit': 'sca',
  'npm audit': 'sca',
  dependabot: 'sca',
  // container images
  trivy: 'container',
  grype: 'container',
  clair: 'container',
  'docker scout': 'container',
  // dynamic
  zap: 'dast',
  'owasp zap': 'dast',
  nuclei: 'dast',
  'burp suite': 'dast',
  // licences
  scancode: 'license',
  licensee: 'license',
};

export function scanTypeForTool(name: string): ScanType {
  const key = name.trim().toLowerCase();
  const exact = TOOL_SCAN_TYPES[key];
  if (exact) return exact;
  // `Snyk Container`, `Checkov (terraform)`, `GitHub CodeQL`…
  if (/\bcontainer\b/.test(key)) return 'container';
  for (const [tool, type] of Object.entries(TOOL_SCAN_TYPES)) {
    if (key.startsWith(tool + ' ') || key.startsWith(tool + '-')) return type;
  }
  return 'sast';
}
