import { beforeAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { configSchema } from '../../config/index.js';
import { baseScenario, NOW, simulatorHarness } from '../../../test/github-fixtures.js';
import type { GithubFacts, RepoFiles, WorkflowSet } from '../../facts/index.js';
import { makeJob, makeWorkflow } from '../../scanners/index.js';
import check from './index.js';

const set = (...files: ReturnType<typeof makeWorkflow>[]): WorkflowSet => ({ files, errors: [] });

function repoFiles(fields: Partial<RepoFiles> = {}): RepoFiles {
  return {
    root: '/repo',
    codeowners: null,
    dependencyUpdates: [],
    securityPolicy: null,
    iac: [],
    policies: [],
    manifests: [
      { ecosystem: 'npm', path: 'package.json' },
      { ecosystem: 'npm', path: 'package-lock.json' },
    ],
    secrets: [],
    filesScanned: 2,
    skipped: {},
    repository: 'acme/api',
    ...fields,
  };
}

const prReview = makeWorkflow(
  '.github/workflows/deps.yml',
  ['pull_request'],
  [makeJob('review', [{ uses: 'actions/dependency-review-action@v4' }])],
);
const nightly = (cron: string) =>
  makeWorkflow(
    '.github/workflows/nightly.yml',
    [{ event: 'schedule', cron }],
    [makeJob('osv', [{ run: 'osv-scanner -r .' }])],
  );

describe('scan.sca', () => {
  it('passes with a gating scan on pull requests and a daily scan', () => {
    const findings = runCheck(check, {
      workflows: set(prReview, nightly('30 5 * * *')),
      repoFiles: repoFiles(),
    });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.message).toBe(
      'Dependencies (npm) are scanned on pull requests by GitHub dependency review (.github/workflows/deps.yml, job review) and daily by OSV-Scanner (.github/workflows/nightly.yml, job osv)',
    );
  });

  it('fails when nothing scans dependencies daily', () => {
    const findings = runCheck(check, { workflows: set(prReview), repoFiles: repoFiles() });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/^No dependency scan runs on a daily schedule/);
  });

  it('fails when the schedule is weekly, naming the cron', () => {
    const findings = runCheck(check, {
      workflows: set(prReview, nightly('0 5 * * 1')),
      repoFiles: repoFiles(),
    });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/less often than daily .*cron 0 5 \* \* 1\)$/);
  });

  it('fails twice when the pull-request scan is advisory and there is no schedule', () => {
    const wf = makeWorkflow(
      '.github/workflows/ci.yml',
      ['pull_request'],
      [makeJob('audit', [{ run: 'npm audit || true' }])],
    );
    const findings = runCheck(check, { workflows: set(wf), repoFiles: repoFiles() });
    expect(outcomes(findings)).toEqual(['fail', 'fail']);
    expect(findings[0]?.message).toMatch(/cannot fail the build: `\|\| true`/);
    expect(findings[0]?.location).toEqual({ path: '.github/workflows/ci.yml', line: 10 });
  });

  it('is not available when the only schedule is a GitLab pipeline schedule', () => {
    const gl = makeWorkflow(
      '.gitlab-ci.yml',
      ['pull_request', 'push'],
      [makeJob('deps', [{ run: 'npm audit --audit-level=high' }], { events: ['pull_request', 'schedule'] })],
    );
    const findings = runCheck(check, { workflows: set(gl), repoFiles: repoFiles() });
    expect(outcomes(findings)).toEqual(['not_available']);
    expect(findings[0]?.message).toMatch(/connect GitLab to confirm a daily schedule$/);
  });

  it('fails when no dependency scanning runs at all', () => {
    const findings = runCheck(check, { workflows: set(), repoFiles: repoFiles() });
    expect(outcomes(findings)).toEqual(['fail', 'fail']);
    expect(findings[0]?.message).toBe(
      "No dependency scanning runs in CI for this repository's npm dependencies (2 manifest(s))",
    );
  });

  it('is not applicable without dependency manifests', () => {
    const findings = runCheck(check, { workflows: set(), repoFiles: repoFiles({ manifests: [] }) });
    expect(outcomes(findings)).toEqual(['not_applicable']);
  });

  it('is not applicable when the repository class does not require SCA', () => {
    const config = configSchema.parse({
      scans: { classes: [{ name: 'docs', repositories: ['acme/docs-*'], required: ['secrets'] }] },
    });
    const docs = repoFiles({ repository: 'acme/docs-site' });
    expect(outcomes(runCheck(check, { workflows: set(), repoFiles: docs }, { config }))).toEqual([
      'not_applicable',
    ]);
    expect(outcomes(runCheck(check, { workflows: set(), repoFiles: repoFiles() }, { config }))).toEqual([
      'fail',
      'fail',
    ]);
  });
});

describe('scan.sca with GitHub facts', () => {
  const h = simulatorHarness();
  let github: GithubFacts;
  let denied: GithubFacts;
  beforeAll(async () => {
    // acme/api has Dependabot alerts on; acme/legacy has them off.
    github = (await h.collect(baseScenario())).facts;
    // GraphQL (which reads hasVulnerabilityAlertsEnabled) stays down.
    const faults = { errors: [{ path: '^/graphql$', status: 502, times: 1000 }] };
    denied = (await h.collect({ ...baseScenario(), faults })).facts;
  });

  it('counts Dependabot alerts as the daily half', () => {
    const findings = runCheck(
      check,
      { workflows: set(prReview), repoFiles: repoFiles(), github },
      { now: NOW },
    );
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.message).toMatch(/ and daily by Dependabot alerts \(acme\/api\)$/);
    expect(findings[0]?.details).toMatchObject({ dependabotAlerts: 'acme/api' });
  });

  it('still needs the pull-request half', () => {
    const findings = runCheck(check, { workflows: set(), repoFiles: repoFiles(), github }, { now: NOW });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/^No dependency scanning runs in CI/);
  });

  it('fails the daily half when Dependabot alerts are off, and says so', () => {
    const legacy = repoFiles({ repository: 'acme/legacy' });
    const findings = runCheck(check, { workflows: set(prReview), repoFiles: legacy, github }, { now: NOW });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/go unnoticed; Dependabot alerts are not enabled for acme\/legacy$/);
  });

  it('names why Dependabot alerts could not be read', () => {
    const findings = runCheck(
      check,
      { workflows: set(prReview), repoFiles: repoFiles(), github: denied },
      { now: NOW },
    );
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/Dependabot alerts of acme\/api could not be read: /);
  });
});
