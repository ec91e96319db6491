/**
 * A hand-built assessment for the report tests: every outcome, a live and an expired exception,
 * results with and without locations, a very long message and text full of Markdown, HTML and
 * terminal control characters. Roll-ups come from the engine's own functions so controls,
 * criteria, maturity and gaps agree with the results the way a real run's do.
 */
import {
  computeMaturity,
  rankGaps,
  rollUpControls,
  rollUpCriteria,
  summarizeChecks,
  type Assessment,
  type CheckResult,
} from '../../engine/index.js';
import type { Outcome } from '../../checks/index.js';

export const LONG_MESSAGE =
  'commit 9f1c2e7 reached main without a pull request: ' +
  Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ') +
  ' END-OF-LONG-MESSAGE';

export const NASTY_MESSAGE =
  'step uses `actions/checkout@v4` | <script>alert("x")</script> & *bold* _it_ [link](http://x)\nsecond line';

export const ESCAPE_MESSAGE = 'scanner said \x1b[31mRED\x1b[0m and rang \x07 the bell';

const base = {
  title: '',
  severity: 'high' as const,
  controls: [] as string[],
  remediation: '',
};

export function sampleResults(): CheckResult[] {
  return [
    {
      ...base,
      checkId: 'pipeline.actions-pinned',
      title: 'Third-party actions are pinned to a full commit SHA',
      controls: ['CI-2'],
      outcome: 'fail',
      message: NASTY_MESSAGE,
      resource: '.github/workflows/ci.yml',
      location: { path: '.github/workflows/ci.yml', line: 12, column: 9 },
      remediation: 'Pin each `uses:` to a 40-character SHA; keep the tag in a comment.',
    },
    {
      ...base,
      checkId: 'pipeline.actions-pinned',
      title: 'Third-party actions are pinned to a full commit SHA',
      controls: ['CI-2'],
      outcome: 'fail',
      message: 'docker/login-action@v3 is not pinned',
      resource: '.github/workflows/release workflow (v2).yml',
      location: { path: '.github/workflows/release workflow (v2).yml', line: 30 },
      remediation: 'Pin each `uses:` to a 40-character SHA; keep the tag in a comment.',
    },
    {
      ...base,
      checkId: 'change.no-direct-push',
      title: 'Every change reached the branch through a merged pull request',
      controls: ['CM-1'],
      outcome: 'fail',
      message: LONG_MESSAGE,
      resource: '9f1c2e7a0b4d6e8f1a2b3c4d5e6f708192a3b4c5',
      remediation: 'Require pull requests on the default branch and revert or review direct pushes.',
    },
    {
      ...base,
      checkId: 'change.signed-commits',
      title: 'Commits carry valid signatures',
      severity: 'low',
      controls: ['CM-7'],
      outcome: 'fail',
      message: '12 of 40 commits (30%) are signed; the floor is 90%',
      resource: 'main',
      remediation: 'Sign commits (git config commit.gpgsign true) and require signed commits.',
      exception: {
        reason: 'signing rollout tracked in SEC-9',
        approvedBy: 'carol@acme.test',
        expires: '2026-01-31',
        expired: true,
      },
    },
    {
      ...base,
      checkId: 'scan.secrets',
      title: 'Secret detection runs in CI',
      controls: ['VM-4'],
      outcome: 'excepted',
      message: 'no secret scanner runs in CI',
      resource: 'src/legacy/config|old.ts',
      location: { path: 'src/legacy/config|old.ts', line: 3 },
      remediation: 'Add gitleaks or trufflehog to the pull-request workflow.',
      exception: {
        reason: 'legacy module is being deleted <by Q1>',
        approvedBy: 'alice@acme.test',
        owner: 'bob',
        ticket: 'SEC-42',
        expires: '2027-01-31',
        expired: false,
      },
    },
    {
      ...base,
      checkId: 'pipeline.workflow-valid',
      title: 'Workflow files are valid',
      severity: 'medium',
      controls: ['CI-2'],
      outcome: 'error',
      message: "the check failed: Cannot read properties of undefined (reading 'jobs')",
      resource: '-',
      remediation: 'Fix the YAML syntax reported for the file.',
    },
    {
      ...base,
      checkId: 'pipeline.tests-run',
      title: 'CI runs tests on pull requests',
      severity: 'medium',
      controls: ['CM-3'],
      outcome: 'pass',
      message: 'npm test runs on pull_request',
      resource: '.github/workflows/ci.yml',
      location: { path: '.github/workflows/ci.yml', line: 20 },
      remediation: 'Run the test suite on pull_request.',
    },
    {
      ...base,
      checkId: 'org.mfa-required',
      title: 'the organisation requires two-factor authentication',
      severity: 'critical',
      controls: ['AC-1'],
      outcome: 'not_available',
      message: 'needs forge settings: connect GitHub or GitLab (greenlight assess --github ORG/REPO)',
      resource: '-',
      remediation: 'needs forge settings: connect GitHub or GitLab (greenlight assess --github ORG/REPO)',
    },
    {
      ...base,
      checkId: 'evidence.continuous',
      title: 'evidence is recorded continuously',
      controls: ['EV-1'],
      outcome: 'not_available',
      message: 'needs the evidence ledger: run greenlight init and record assessments',
      resource: '-',
      remediation: 'needs the evidence ledger: run greenlight init and record assessments',
    },
    {
      ...base,
      checkId: 'deploy.environment-protected',
      title: 'The production environment is protected',
      controls: ['CM-6'],
      outcome: 'not_applicable',
      message: 'no deployment workflow',
      resource: 'acme/payments',
      remediation: 'Require reviewers on the production environment.',
    },
    {
      ...base,
      checkId: 'secrets.none-committed',
      title: 'No secrets are committed',
      severity: 'critical',
      controls: ['VM-4'],
      outcome: 'fail',
      message: ESCAPE_MESSAGE,
      resource: 'config/prod.env',
      location: { path: 'config/prod.env', line: 2 },
      remediation: 'Rotate the secret, then remove it from history.',
    },
  ];
}

export function countOutcomes(results: CheckResult[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = {
    pass: 0,
    fail: 0,
    not_applicable: 0,
    not_available: 0,
    error: 0,
    excepted: 0,
  };
  for (const r of results) counts[r.outcome]++;
  return counts;
}

/** An assessment over `results`, rolled up by the engine's functions. */
export function assessmentOf(results: CheckResult[], implemented?: Set<string>): Assessment {
  const ids = implemented ?? new Set(results.map((r) => r.checkId));
  const checks = summarizeChecks(results, ids);
  const controls = rollUpControls(checks, results);
  return {
    schemaVersion: '1.0',
    tool: { name: 'greenlight', version: '0.1.0' },
    generatedAt: '2026-11-01T12:00:00.000Z',
    subject: {
      kind: 'local',
      name: 'acme/payments',
      path: '/work/acme/payments',
      remoteUrl: 'git@github.com:acme/payments.git',
      defaultBranch: 'main',
      headSha: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
    },
    window: { since: '2026-08-03T12:00:00.000Z', until: '2026-11-01T12:00:00.000Z' },
    config: { file: '/work/acme/payments/greenlight.yml', sha256: 'a'.repeat(64) },
    maturity: computeMaturity(checks, controls, results, { 'pipelines-exist': true }),
    summary: countOutcomes(results),
    criteria: rollUpCriteria(controls),
    controls,
    checks,
    results,
    gaps: rankGaps(results),
  };
}

export function sampleAssessment(): Assessment {
  return assessmentOf(sampleResults());
}
