import { describe, expect, it } from 'vitest';
import type { Step } from '../facts/index.js';
import { makeJob, makeWorkflow, SCANNERS, scansInWorkflows, type ScanType } from './index.js';

/** A step each catalog entry must recognise, and the scan type it must report. */
type Case = { step: Partial<Step>; type: ScanType; blocking?: boolean };

const CASES: Record<string, Case[]> = {
  codeql: [
    { step: { uses: 'github/codeql-action/analyze@v3' }, type: 'sast' },
    { step: { run: 'codeql database analyze db --format=sarif-latest --output=out.sarif' }, type: 'sast' },
  ],
  semgrep: [
    { step: { run: 'semgrep ci' }, type: 'sast' },
    { step: { run: 'semgrep scan --config auto --error' }, type: 'sast' },
    { step: { run: 'semgrep --config p/ci .' }, type: 'sast', blocking: false },
    { step: { uses: 'returntocorp/semgrep-action@v1' }, type: 'sast' },
  ],
  sonar: [
    { step: { uses: 'SonarSource/sonarqube-scan-action@v4' }, type: 'sast' },
    { step: { run: 'mvn -B verify sonar:sonar' }, type: 'sast' },
    { step: { run: 'sonar-scanner -Dsonar.projectKey=x' }, type: 'sast' },
  ],
  'snyk-code': [{ step: { run: 'npx snyk code test' }, type: 'sast' }],
  bandit: [
    { step: { run: 'bandit -r src -ll' }, type: 'sast' },
    { step: { uses: 'PyCQA/bandit-action@v1' }, type: 'sast' },
    { step: { run: 'bandit -r . --exit-zero' }, type: 'sast', blocking: false },
  ],
  gosec: [
    { step: { run: 'gosec ./...' }, type: 'sast' },
    {
      step: { uses: 'securego/gosec@master', with: { args: '-no-fail ./...' } },
      type: 'sast',
      blocking: false,
    },
  ],
  brakeman: [{ step: { run: 'bundle exec brakeman -q -w2' }, type: 'sast' }],
  njsscan: [
    { step: { run: 'njsscan .' }, type: 'sast' },
    { step: { uses: 'ajinabraham/njsscan-action@master', with: { args: '.' } }, type: 'sast' },
  ],
  'eslint-security': [{ step: { run: 'npx eslint --plugin security --ext .js src' }, type: 'sast' }],
  'dependency-review': [
    { step: { uses: 'actions/dependency-review-action@v4' }, type: 'sca' },
    {
      step: { uses: 'actions/dependency-review-action@v4', with: { 'warn-only': 'true' } },
      type: 'sca',
      blocking: false,
    },
  ],
  'osv-scanner': [
    { step: { run: 'osv-scanner --recursive .' }, type: 'sca' },
    { step: { uses: 'google/osv-scanner-action/osv-scanner-action@v1.9.0' }, type: 'sca' },
  ],
  'snyk-open-source': [
    { step: { run: 'snyk test --severity-threshold=high' }, type: 'sca' },
    { step: { uses: 'snyk/actions/node@master' }, type: 'sca' },
    { step: { uses: 'snyk/actions/node@master', with: { command: 'code test' } }, type: 'sast' },
  ],
  'npm-audit': [
    { step: { run: 'npm audit --audit-level=high' }, type: 'sca' },
    { step: { run: 'yarn audit --groups dependencies' }, type: 'sca' },
    { step: { run: 'pnpm audit --prod' }, type: 'sca' },
    { step: { run: 'npm audit || true' }, type: 'sca', blocking: false },
  ],
  'pip-audit': [
    { step: { run: 'pip-audit -r requirements.txt' }, type: 'sca' },
    { step: { uses: 'pypa/gh-action-pip-audit@v1.1.0' }, type: 'sca' },
  ],
  'trivy-fs': [
    { step: { run: 'trivy fs --exit-code 1 --severity HIGH,CRITICAL .' }, type: 'sca' },
    { step: { run: 'trivy fs .' }, type: 'sca', blocking: false },
  ],
  'grype-dir': [{ step: { run: 'grype dir:. --fail-on high' }, type: 'sca' }],
  'dependency-check': [
    { step: { run: 'dependency-check.sh --project app --scan . --failOnCVSS 7' }, type: 'sca' },
    {
      step: { uses: 'dependency-check/Dependency-Check_Action@main', with: { project: 'app', path: '.' } },
      type: 'sca',
      blocking: false,
    },
  ],
  'trivy-action': [
    {
      step: {
        uses: 'aquasecurity/trivy-action@0.28.0',
        with: { 'image-ref': 'app:latest', 'exit-code': '1' },
      },
      type: 'container',
    },
    {
      step: { uses: 'aquasecurity/trivy-action@0.28.0', with: { 'scan-type': 'fs', 'exit-code': '1' } },
      type: 'sca',
    },
    {
      step: { uses: 'aquasecurity/trivy-action@0.28.0', with: { 'scan-type': 'config', 'exit-code': '1' } },
      type: 'iac',
    },
    {
      step: { uses: 'aquasecurity/trivy-action@0.28.0', with: { 'image-ref': 'app:latest' } },
      type: 'container',
      blocking: false,
    },
  ],
  'trivy-image': [
    { step: { run: 'trivy image --exit-code 1 ghcr.io/acme/app:${{ github.sha }}' }, type: 'container' },
  ],
  'grype-image': [
    { step: { run: 'grype ghcr.io/acme/app:latest --fail-on critical' }, type: 'container' },
    { step: { run: 'grype registry:ghcr.io/acme/app:1.0' }, type: 'container', blocking: false },
  ],
  'anchore-scan-action': [
    { step: { uses: 'anchore/scan-action@v6', with: { image: 'app:latest' } }, type: 'container' },
    { step: { uses: 'anchore/scan-action@v6', with: { path: '.' } }, type: 'sca' },
    {
      step: { uses: 'anchore/scan-action@v6', with: { image: 'app', 'fail-build': 'false' } },
      type: 'container',
      blocking: false,
    },
  ],
  'snyk-container': [
    { step: { run: 'snyk container test app:latest' }, type: 'container' },
    { step: { uses: 'snyk/actions/docker@master', with: { image: 'app' } }, type: 'container' },
  ],
  'docker-scout': [
    { step: { run: 'docker scout cves --exit-code --only-severity critical app:latest' }, type: 'container' },
    {
      step: { uses: 'docker/scout-action@v1', with: { command: 'cves', 'exit-code': 'true' } },
      type: 'container',
    },
    {
      step: { uses: 'docker/scout-action@v1', with: { command: 'cves' } },
      type: 'container',
      blocking: false,
    },
  ],
  gitleaks: [
    { step: { uses: 'gitleaks/gitleaks-action@v2' }, type: 'secrets' },
    { step: { run: 'gitleaks detect --source . --redact' }, type: 'secrets' },
    { step: { run: 'gitleaks detect --exit-code 0' }, type: 'secrets', blocking: false },
  ],
  trufflehog: [
    {
      step: { uses: 'trufflesecurity/trufflehog@main', with: { extra_args: '--only-verified' } },
      type: 'secrets',
    },
    { step: { run: 'trufflehog git file://. --fail' }, type: 'secrets' },
    { step: { run: 'trufflehog filesystem .' }, type: 'secrets', blocking: false },
  ],
  'detect-secrets': [
    {
      step: { run: 'git ls-files -z | xargs -0 detect-secrets-hook --baseline .secrets.baseline' },
      type: 'secrets',
    },
    { step: { run: 'detect-secrets scan > .secrets.baseline' }, type: 'secrets', blocking: false },
  ],
  secretlint: [{ step: { run: 'npx secretlint "**/*"' }, type: 'secrets' }],
  ggshield: [
    { step: { uses: 'GitGuardian/ggshield-action@v1' }, type: 'secrets' },
    { step: { run: 'ggshield secret scan ci' }, type: 'secrets' },
  ],
  checkov: [
    { step: { run: 'checkov -d infra --framework terraform' }, type: 'iac' },
    { step: { uses: 'bridgecrewio/checkov-action@v12', with: { directory: 'infra' } }, type: 'iac' },
    {
      step: { uses: 'bridgecrewio/checkov-action@v12', with: { soft_fail: 'true' } },
      type: 'iac',
      blocking: false,
    },
    { step: { run: 'checkov -d . --soft-fail' }, type: 'iac', blocking: false },
  ],
  tfsec: [
    { step: { run: 'tfsec infra' }, type: 'iac' },
    {
      step: { uses: 'aquasecurity/tfsec-action@v1.0.0', with: { soft_fail: 'true' } },
      type: 'iac',
      blocking: false,
    },
  ],
  'trivy-config': [{ step: { run: 'trivy config --exit-code 1 infra/' }, type: 'iac' }],
  terrascan: [
    { step: { run: 'terrascan scan -i terraform -d infra' }, type: 'iac' },
    { step: { uses: 'tenable/terrascan-action@main', with: { iac_type: 'terraform' } }, type: 'iac' },
  ],
  kics: [
    { step: { run: 'kics scan -p infra -o results' }, type: 'iac' },
    {
      step: { uses: 'checkmarx/kics-github-action@v2', with: { ignore_on_exit: 'results' } },
      type: 'iac',
      blocking: false,
    },
  ],
  'cfn-lint': [
    { step: { run: 'cfn-lint templates/*.yaml' }, type: 'iac' },
    { step: { uses: 'scottbrenner/cfn-lint-action@v2' }, type: 'iac' },
  ],
  'cfn-nag': [{ step: { run: 'cfn_nag_scan --input-path templates' }, type: 'iac' }],
  'snyk-iac': [{ step: { run: 'snyk iac test infra' }, type: 'iac' }],
  zap: [
    {
      step: {
        uses: 'zaproxy/action-baseline@v0.14.0',
        with: { target: 'https://staging.example.com', fail_action: 'true' },
      },
      type: 'dast',
    },
    {
      step: { uses: 'zaproxy/action-full-scan@v0.12.0', with: { target: 'https://staging.example.com' } },
      type: 'dast',
      blocking: false,
    },
    { step: { run: 'zap-baseline.py -t https://staging.example.com' }, type: 'dast' },
  ],
  nuclei: [
    { step: { run: 'nuclei -u https://staging.example.com -severity high' }, type: 'dast' },
    {
      step: { uses: 'projectdiscovery/nuclei-action@main', with: { target: 'https://staging.example.com' } },
      type: 'dast',
    },
  ],
  stackhawk: [
    { step: { uses: 'stackhawk/hawkscan-action@v2' }, type: 'dast' },
    { step: { run: 'hawk scan stackhawk.yml' }, type: 'dast' },
  ],
  conftest: [
    { step: { run: 'conftest test --policy policy deploy/*.yaml' }, type: 'policy' },
    { step: { run: 'conftest test --no-fail k8s/' }, type: 'policy', blocking: false },
  ],
  opa: [
    {
      step: { run: 'opa eval --fail-defined -d policy -i plan.json "data.terraform.deny[x]"' },
      type: 'policy',
    },
    {
      step: { run: 'opa eval -d policy -i plan.json "data.terraform.deny"' },
      type: 'policy',
      blocking: false,
    },
  ],
  kyverno: [{ step: { run: 'kyverno apply policies/ --resource k8s/deployment.yaml' }, type: 'policy' }],
  gatekeeper: [{ step: { run: 'gator verify ./gatekeeper' }, type: 'policy' }],
  sentinel: [{ step: { run: 'sentinel test' }, type: 'policy' }],
};

function recognise(step: Partial<Step>) {
  const wf = makeWorkflow('.github/workflows/ci.yml', ['pull_request'], [makeJob('scan', [step])]);
  return scansInWorkflows({ files: [wf], errors: [] });
}

describe('scanner catalog', () => {
  it('has a recognition case for every entry', () => {
    const missing = SCANNERS.map((s) => s.id).filter((id) => !CASES[id]?.length);
    expect(missing).toEqual([]);
    expect(new Set(SCANNERS.map((s) => s.id)).size).toBe(SCANNERS.length);
  });

  it('every pattern compiles', () => {
    for (const s of SCANNERS) {
      for (const c of s.commands) expect(() => new RegExp(c, 'i')).not.toThrow();
      for (const r of s.inputTypes ?? []) expect(() => new RegExp(r.pattern)).not.toThrow();
    }
  });

  for (const [id, cases] of Object.entries(CASES)) {
    describe(id, () => {
      for (const c of cases) {
        const label = c.step.uses ? `uses ${c.step.uses}` : `run ${c.step.run}`;
        it(`${label} → ${c.type}${c.blocking === false ? ' (advisory)' : ''}`, () => {
          const uses = recognise(c.step).filter((u) => u.scanner === id);
          expect(uses.map((u) => u.type)).toEqual([c.type]);
          const [u] = uses;
          expect(u?.blocking).toBe(c.blocking ?? true);
          if (c.blocking === false) expect(u?.advisory).toMatch(/\S/);
        });
      }
    });
  }

  it('does not mistake installing a scanner for running it', () => {
    const steps = [
      'pip install bandit semgrep detect-secrets',
      'npm install -g snyk secretlint @secretlint/secretlint-rule-preset-recommend',
      'go install github.com/google/osv-scanner/cmd/osv-scanner@latest',
      'curl -sSfL https://raw.githubusercontent.com/anchore/grype/main/install.sh | sh -s -- -b /usr/local/bin',
      'grype db update',
      'npm audit signatures',
      '# trivy image app:latest',
    ];
    for (const run of steps) expect(recognise({ run }), run).toEqual([]);
  });

  it('separates trivy and grype subcommands by what they scan', () => {
    const run = 'trivy image --exit-code 1 app\ntrivy fs --exit-code 1 .\ntrivy config --exit-code 1 infra';
    expect(recognise({ run }).map((u) => `${u.scanner}:${u.type}`)).toEqual([
      'trivy-image:container',
      'trivy-fs:sca',
      'trivy-config:iac',
    ]);
    expect(recognise({ run: 'grype dir:. --fail-on high' }).map((u) => u.scanner)).toEqual(['grype-dir']);
  });
});
