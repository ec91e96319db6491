/**
 * The scanner catalog, as data: which actions and commands are security scanners, what kind of
 * scan each performs, and what makes each one able (or unable) to fail a pipeline.
 *
 * Patterns are RegExp sources, matched case-insensitively: `commands` against each command line
 * of a `run:`/`script:`, `inputs` against the named `with:` input of an action step.
 */
import { TOOL_SCAN_TYPES, type ScanTool, type ScanType } from '../facts/scans.js';

/** The type of a single-purpose scanner, from the one tool table (`TOOL_SCAN_TYPES` in facts/scans.ts). */
const toolTypes = (name: ScanTool): ScanType[] => [TOOL_SCAN_TYPES[name]];

/** Conditions on a step: a command flag, an action input or an environment variable (name → RegExp source). */
export interface StepCondition {
  commands?: string[];
  inputs?: Record<string, string>;
  env?: Record<string, string>;
}

export interface ScannerEntry {
  id: string;
  name: string;
  /** What the scanner checks, when neither its inputs nor its subcommand say otherwise. */
  types: ScanType[];
  /** Action references without `@version`; a step matches its own ref or a sub-path of it. */
  actions: string[];
  /** RegExp sources matching a command line that runs the scan. */
  commands: string[];
  /** For actions whose inputs decide what is scanned: the first rule whose input matches wins. */
  inputTypes?: { input: string; pattern: string; types: ScanType[] }[];
  /**
   * The tool exits 0 on findings unless told otherwise. For commands the `commands` patterns (and
   * `env`) are tried; for actions the `inputs` (and `env`); a kind of use whose key is absent fails
   * on findings by default.
   */
  failsOnlyWith?: StepCondition & { reason: string };
  /** Tool-specific switches that turn failures into warnings. */
  advisoryWith?: StepCondition;
}

const tool = (e: ScannerEntry): ScannerEntry => e;

export const SCANNERS: readonly ScannerEntry[] = [
  // ------------------------------------------------------------------ SAST
  tool({
    id: 'codeql',
    name: 'CodeQL',
    types: toolTypes('codeql'),
    actions: ['github/codeql-action/analyze'],
    commands: ['\\bcodeql\\s+database\\s+analyze\\b', '\\bcodeql\\s+github\\s+upload-results\\b'],
  }),
  tool({
    id: 'semgrep',
    name: 'Semgrep',
    types: toolTypes('semgrep'),
    actions: ['returntocorp/semgrep-action', 'semgrep/semgrep-action'],
    commands: ['\\bsemgrep\\s+(?:ci|scan)\\b', '\\bsemgrep\\s+(?:-\\S+\\s+)*--config\\b'],
    // `semgrep ci` fails on blocking findings; `semgrep scan` only with --error.
    failsOnlyWith: {
      commands: ['\\bsemgrep\\s+ci\\b', '(?:^|\\s)--error\\b'],
      reason: '`semgrep scan` exits 0 on findings unless --error is given (or `semgrep ci` is used)',
    },
  }),
  tool({
    id: 'sonar',
    name: 'SonarQube / SonarCloud',
    types: toolTypes('sonarqube'),
    actions: [
      'SonarSource/sonarcloud-github-action',
      'SonarSource/sonarqube-scan-action',
      'sonarsource/sonarqube-quality-gate-action',
      'SonarSource/sonarcloud-github-c-cpp',
    ],
    commands: [
      '\\bsonar-scanner\\b',
      '\\bmvn\\b.*\\bsonar:sonar\\b',
      '\\b(?:gradle|gradlew)\\b.*\\bsonar(?:qube)?\\b',
      '\\bdotnet[\\s-]+sonarscanner\\b',
    ],
  }),
  tool({
    id: 'snyk-code',
    name: 'Snyk Code',
    types: toolTypes('snyk code'),
    actions: [],
    commands: ['\\bsnyk\\s+code\\s+test\\b'],
  }),
  tool({
    id: 'bandit',
    name: 'Bandit',
    types: toolTypes('bandit'),
    actions: [
      'PyCQA/bandit-action',
      'tj-actions/bandit',
      'mdegis/bandit-action',
      'jpetrucciani/bandit-check',
    ],
    commands: ['\\bbandit\\s+(?:[^|&;]*\\s)?-r\\b', '\\bbandit\\s+(?:-\\S+\\s+)*\\S+\\.py\\b'],
    advisoryWith: { commands: ['--exit-zero\\b'], inputs: { exit_zero: '^true$' } },
  }),
  tool({
    id: 'gosec',
    name: 'gosec',
    types: toolTypes('gosec'),
    actions: ['securego/gosec'],
    commands: ['\\bgosec\\s+\\S'],
    advisoryWith: { commands: ['(?:^|\\s)-no-fail\\b'], inputs: { args: '(?:^|\\s)-no-fail\\b' } },
  }),
  tool({
    id: 'brakeman',
    name: 'Brakeman',
    types: toolTypes('brakeman'),
    actions: ['devmasx/brakeman-linter-action'],
    commands: ['\\bbrakeman\\b(?!-)'],
    advisoryWith: { commands: ['--no-exit-on-(?:warn|error)\\b'] },
  }),
  tool({
    id: 'njsscan',
    name: 'njsscan',
    types: toolTypes('njsscan'),
    actions: ['ajinabraham/njsscan-action'],
    commands: ['\\bnjsscan\\s+\\S'],
  }),
  tool({
    id: 'eslint-security',
    name: 'ESLint security plugins',
    types: toolTypes('eslint'),
    actions: [],
    commands: [
      '\\beslint\\b.*(?:--plugin[=\\s]+(?:security|no-unsanitized|@microsoft/sdl|scanjs-rules)\\b|eslint-plugin-security|eslint-plugin-no-unsanitized|@microsoft/eslint-plugin-sdl)',
      '\\b(?:npm|pnpm|yarn)\\s+(?:run\\s+)?lint:security\\b',
    ],
  }),

  // ------------------------------------------------------------------ SCA
  tool({
    id: 'dependency-review',
    name: 'GitHub dependency review',
    types: toolTypes('dependency-review'),
    actions: ['actions/dependency-review-action'],
    commands: [],
    advisoryWith: { inputs: { 'warn-only': '^true$' } },
  }),
  tool({
    id: 'osv-scanner',
    name: 'OSV-Scanner',
    types: toolTypes('osv-scanner'),
    actions: ['google/osv-scanner-action', 'google/osv-scanner-action/osv-scanner-action'],
    commands: ['\\bosv-scanner\\b(?!-)'],
    advisoryWith: { inputs: { 'fail-on-vuln': '^false$' } },
  }),
  tool({
    id: 'snyk-open-source',
    name: 'Snyk Open Source',
    types: toolTypes('snyk open source'),
    actions: ['snyk/actions'],
    commands: ['\\bsnyk\\s+(?:test|monitor)\\b'],
    inputTypes: [
      { input: 'command', pattern: '^code\\b', types: ['sast'] },
      { input: 'command', pattern: '^container\\b', types: ['container'] },
      { input: 'command', pattern: '^iac\\b', types: ['iac'] },
    ],
  }),
  tool({
    id: 'npm-audit',
    name: 'npm / yarn / pnpm audit',
    types: toolTypes('npm audit'),
    actions: ['oke-py/npm-audit-action'],
    commands: [
      '\\b(?:npm|pnpm)\\s+(?:-\\S+\\s+)*audit\\b(?!\\s+(?:fix|signatures)\\b)',
      '\\byarn\\s+(?:npm\\s+)?audit\\b',
      '\\bbetter-npm-audit\\b',
      '\\baudit-ci\\b',
    ],
  }),
  tool({
    id: 'pip-audit',
    name: 'pip-audit',
    types: toolTypes('pip-audit'),
    actions: ['pypa/gh-action-pip-audit'],
    commands: ['\\bpip-audit\\b', '\\bsafety\\s+(?:check|scan)\\b'],
  }),
  tool({
    id: 'trivy-fs',
    name: 'Trivy (filesystem)',
    types: ['sca'],
    actions: [],
    commands: ['\\btrivy\\s+(?:-\\S+\\s+)*(?:fs|filesystem|repo|repository|rootfs|sbom)\\b'],
    failsOnlyWith: {
      commands: ['--exit-code[=\\s]+["\']?[1-9]'],
      env: { TRIVY_EXIT_CODE: '^[1-9]' },
      reason: 'trivy exits 0 on findings unless --exit-code 1 is set',
    },
  }),
  tool({
    id: 'grype-dir',
    name: 'Grype (directory / SBOM)',
    types: ['sca'],
    actions: [],
    commands: ['\\bgrype\\b.*\\b(?:dir|file|sbom):', '\\bgrype\\s+(?:-\\S+\\s+)*\\.(?:\\s|$)'],
    failsOnlyWith: {
      commands: ['--fail-on\\b', '(?:^|\\s)-f\\s'],
      env: { GRYPE_FAIL_ON_SEVERITY: '\\S' },
      reason: 'grype exits 0 on findings unless --fail-on is set',
    },
  }),
  tool({
    id: 'dependency-check',
    name: 'OWASP Dependency-Check',
    types: toolTypes('dependency-check'),
    actions: ['dependency-check/Dependency-Check_Action'],
    commands: [
      '\\bdependency-check(?:\\.sh|\\.bat)?\\s',
      '\\bdependency-check-maven\\b',
      '\\b(?:gradle|gradlew)\\b.*\\bdependencyCheck(?:Analyze|Aggregate)\\b',
    ],
    failsOnlyWith: {
      commands: ['--failOnCVSS\\b', '-DfailBuildOnCVSS=', 'failBuildOnCVSS'],
      inputs: { args: '--failOnCVSS\\b' },
      reason: 'Dependency-Check never fails the build unless a CVSS threshold (--failOnCVSS) is set',
    },
  }),

  // ------------------------------------------------------------------ containers
  tool({
    id: 'trivy-action',
    name: 'Trivy action',
    // The action's scan-type defaults to `image`.
    types: toolTypes('trivy'),
    actions: ['aquasecurity/trivy-action'],
    commands: [],
    inputTypes: [
      { input: 'scan-type', pattern: '^(?:fs|filesystem|repo|repository|rootfs|sbom)$', types: ['sca'] },
      { input: 'scan-type', pattern: '^config$', types: ['iac'] },
      { input: 'scan-type', pattern: '^image$', types: ['container'] },
      { input: 'image-ref', pattern: '\\S', types: ['container'] },
    ],
    failsOnlyWith: {
      inputs: { 'exit-code': '^[1-9]' },
      env: { TRIVY_EXIT_CODE: '^[1-9]' },
      reason: "trivy-action's exit-code defaults to 0, so findings do not fail the job",
    },
  }),
  tool({
    id: 'trivy-image',
    name: 'Trivy (image)',
    types: ['container'],
    actions: [],
    commands: ['\\btrivy\\s+(?:-\\S+\\s+)*(?:image|i)(?:\\s|$)'],
    failsOnlyWith: {
      commands: ['--exit-code[=\\s]+["\']?[1-9]'],
      env: { TRIVY_EXIT_CODE: '^[1-9]' },
      reason: 'trivy exits 0 on findings unless --exit-code 1 is set',
    },
  }),
  tool({
    id: 'grype-image',
    name: 'Grype (image)',
    types: ['container'],
    actions: [],
    commands: [
      '\\bgrype\\b(?!.*\\b(?:dir|file|sbom):)(?!\\s+(?:-\\S+\\s+)*\\.(?:\\s|$))(?!\\s+(?:db|version|completion|config|explain)\\b)\\s+(?:-\\S+\\s+)*[\\w$]',
    ],
    failsOnlyWith: {
      commands: ['--fail-on\\b', '(?:^|\\s)-f\\s'],
      env: { GRYPE_FAIL_ON_SEVERITY: '\\S' },
      reason: 'grype exits 0 on findings unless --fail-on is set',
    },
  }),
  tool({
    id: 'anchore-scan-action',
    name: 'Anchore scan action (Grype)',
    types: toolTypes('grype'),
    actions: ['anchore/scan-action'],
    commands: [],
    inputTypes: [
      { input: 'image', pattern: '\\S', types: ['container'] },
      { input: 'path', pattern: '\\S', types: ['sca'] },
      { input: 'sbom', pattern: '\\S', types: ['sca'] },
    ],
    advisoryWith: { inputs: { 'fail-build': '^false$' } },
  }),
  tool({
    id: 'snyk-container',
    name: 'Snyk Container',
    types: toolTypes('snyk container'),
    actions: ['snyk/actions/docker'],
    commands: ['\\bsnyk\\s+container\\s+(?:test|monitor)\\b'],
  }),
  tool({
    id: 'docker-scout',
    name: 'Docker Scout',
    types: toolTypes('docker scout'),
    actions: ['docker/scout-action'],
    commands: [
      '\\bdocker\\s+scout\\s+(?:cves|quickview|qv|recommendations)\\b',
      '\\bdocker-scout\\s+cves\\b',
    ],
    failsOnlyWith: {
      commands: ['--exit-code\\b', '(?:^|\\s)-e\\b'],
      inputs: { 'exit-code': '^true$' },
      reason: 'Docker Scout exits 0 on findings unless --exit-code (exit-code: true) is set',
    },
  }),

  // ------------------------------------------------------------------ secrets
  tool({
    id: 'gitleaks',
    name: 'Gitleaks',
    types: toolTypes('gitleaks'),
    actions: ['gitleaks/gitleaks-action', 'zricethezav/gitleaks-action'],
    commands: ['\\bgitleaks\\s+(?:-\\S+\\s+)*(?:detect|protect|git|dir|directory|stdin)\\b'],
  }),
  tool({
    id: 'trufflehog',
    name: 'TruffleHog',
    types: toolTypes('trufflehog'),
    actions: ['trufflesecurity/trufflehog'],
    commands: ['\\btrufflehog\\s+(?:-\\S+\\s+)*(?:git|github|gitlab|filesystem|docker|s3)\\b'],
    // The CLI exits 0 on findings unless --fail is given; the action passes --fail itself.
    failsOnlyWith: { commands: ['--fail\\b'], reason: 'trufflehog exits 0 on findings unless --fail is set' },
  }),
  tool({
    id: 'detect-secrets',
    name: 'detect-secrets',
    types: toolTypes('detect-secrets'),
    actions: ['reviewdog/action-detect-secrets'],
    commands: ['\\bdetect-secrets(?:-hook)?\\b(?!\\s+--version)'],
    failsOnlyWith: {
      commands: ['\\bdetect-secrets-hook\\b', '--fail-on-(?:unaudited|live|audited-real)\\b'],
      inputs: { fail_on_error: '^true$', fail_level: '^(?:any|info|warning|error)$' },
      reason:
        '`detect-secrets scan` only writes a baseline; use detect-secrets-hook or audit --fail-on-unaudited',
    },
  }),
  tool({
    id: 'secretlint',
    name: 'secretlint',
    types: toolTypes('secretlint'),
    actions: [],
    commands: ['(?<![@/\\w-])secretlint\\b(?![-/])'],
  }),
  tool({
    id: 'ggshield',
    name: 'GitGuardian ggshield',
    types: toolTypes('ggshield'),
    actions: ['GitGuardian/ggshield-action', 'GitGuardian/ggshield/actions/secret'],
    commands: ['\\bggshield\\s+(?:-\\S+\\s+)*secret\\s+scan\\b', '\\bggshield\\s+scan\\b'],
    advisoryWith: { commands: ['--exit-zero\\b'] },
  }),

  // ------------------------------------------------------------------ IaC
  tool({
    id: 'checkov',
    name: 'Checkov',
    types: toolTypes('checkov'),
    actions: ['bridgecrewio/checkov-action'],
    commands: ['\\bcheckov\\s+(?:-\\S+|--\\S+)'],
    advisoryWith: {
      commands: ['--soft-fail\\b'],
      inputs: { soft_fail: '^true$' },
      env: { CKV_SOFT_FAIL: '^true$' },
    },
  }),
  tool({
    id: 'tfsec',
    name: 'tfsec',
    types: toolTypes('tfsec'),
    actions: [
      'aquasecurity/tfsec-action',
      'aquasecurity/tfsec-pr-commenter-action',
      'aquasecurity/tfsec-sarif-action',
    ],
    commands: ['\\btfsec\\b(?!-)'],
    advisoryWith: { commands: ['--soft-fail\\b'], inputs: { soft_fail: '^true$' } },
  }),
  tool({
    id: 'trivy-config',
    name: 'Trivy (config)',
    types: ['iac'],
    actions: [],
    commands: ['\\btrivy\\s+(?:-\\S+\\s+)*(?:config|conf)(?:\\s|$)'],
    failsOnlyWith: {
      commands: ['--exit-code[=\\s]+["\']?[1-9]'],
      env: { TRIVY_EXIT_CODE: '^[1-9]' },
      reason: 'trivy exits 0 on findings unless --exit-code 1 is set',
    },
  }),
  tool({
    id: 'terrascan',
    name: 'Terrascan',
    types: toolTypes('terrascan'),
    actions: ['tenable/terrascan-action', 'accurics/terrascan-action'],
    commands: ['\\bterrascan\\s+scan\\b'],
    advisoryWith: { inputs: { only_warn: '^true$' } },
  }),
  tool({
    id: 'kics',
    name: 'KICS',
    types: toolTypes('kics'),
    actions: ['checkmarx/kics-github-action'],
    commands: ['\\bkics\\s+scan\\b'],
    advisoryWith: {
      commands: ['--ignore-on-exit[=\\s]+["\']?(?:all|results)\\b'],
      inputs: { ignore_on_exit: '^(?:all|results)$' },
    },
  }),
  tool({
    id: 'cfn-lint',
    name: 'cfn-lint',
    types: toolTypes('cfn-lint'),
    actions: ['scottbrenner/cfn-lint-action'],
    commands: ['\\bcfn-lint\\b'],
  }),
  tool({
    id: 'cfn-nag',
    name: 'cfn_nag',
    types: toolTypes('cfn_nag'),
    actions: ['stelligent/cfn_nag'],
    commands: ['\\bcfn_nag(?:_scan)?\\b'],
  }),
  tool({
    id: 'snyk-iac',
    name: 'Snyk IaC',
    types: toolTypes('snyk iac'),
    actions: ['snyk/actions/iac'],
    commands: ['\\bsnyk\\s+iac\\s+test\\b'],
  }),

  // ------------------------------------------------------------------ DAST
  tool({
    id: 'zap',
    name: 'OWASP ZAP',
    types: toolTypes('zap'),
    actions: [
      'zaproxy/action-baseline',
      'zaproxy/action-full-scan',
      'zaproxy/action-api-scan',
      'zaproxy/action-af',
    ],
    commands: [
      '\\bzap-(?:baseline|full-scan|api-scan)\\.py\\b',
      '\\bzap\\.sh\\s+.*-cmd\\b',
      '\\bzap-cli\\s+\\S',
    ],
    failsOnlyWith: {
      inputs: { fail_action: '^true$' },
      reason: "the ZAP actions' fail_action defaults to false, so alerts do not fail the job",
    },
  }),
  tool({
    id: 'nuclei',
    name: 'Nuclei',
    types: toolTypes('nuclei'),
    actions: ['projectdiscovery/nuclei-action'],
    commands: ['\\bnuclei\\s+(?:-\\S+\\s+)*-(?:u|target|l|list)\\b'],
  }),
  tool({
    id: 'stackhawk',
    name: 'StackHawk',
    types: toolTypes('stackhawk'),
    actions: ['stackhawk/hawkscan-action'],
    commands: ['\\bhawk\\s+(?:-\\S+\\s+)*scan\\b'],
  }),

  // ------------------------------------------------------------------ policy as code
  tool({
    id: 'conftest',
    name: 'Conftest',
    types: toolTypes('conftest'),
    actions: ['instrumenta/conftest-action'],
    commands: ['\\bconftest\\s+(?:test|verify)\\b'],
    advisoryWith: { commands: ['--no-fail\\b'] },
  }),
  tool({
    id: 'opa',
    name: 'Open Policy Agent',
    types: toolTypes('opa'),
    actions: [],
    commands: ['\\bopa\\s+(?:eval|exec)\\b'],
    // `opa eval` prints a result and exits 0 whatever the decision, unless --fail/--fail-defined.
    failsOnlyWith: {
      commands: ['--fail(?:-defined|-non-empty)?\\b'],
      reason: '`opa eval` exits 0 whatever the decision unless --fail or --fail-defined is set',
    },
  }),
  tool({
    id: 'kyverno',
    name: 'Kyverno CLI',
    types: toolTypes('kyverno'),
    actions: [],
    commands: ['\\bkyverno\\s+(?:apply|test)\\b'],
    advisoryWith: { commands: ['--audit-warn\\b'] },
  }),
  tool({
    id: 'gatekeeper',
    name: 'Gatekeeper (gator)',
    types: toolTypes('gator'),
    actions: [],
    commands: ['\\bgator\\s+(?:test|verify)\\b'],
  }),
  tool({
    id: 'sentinel',
    name: 'HashiCorp Sentinel',
    types: toolTypes('sentinel'),
    actions: [],
    commands: ['\\bsentinel\\s+(?:apply|test)\\b'],
  }),
];
