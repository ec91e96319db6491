import { beforeAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { configSchema } from '../../config/index.js';
import { baseScenario, NOW, simulatorHarness, TOKEN } from '../../../test/github-fixtures.js';
import type { GithubFacts, WorkflowSet } from '../../facts/index.js';
import { makeJob, makeWorkflow } from '../../scanners/index.js';
import check from './index.js';

const set = (...files: ReturnType<typeof makeWorkflow>[]): WorkflowSet => ({ files, errors: [] });

describe('scan.secrets', () => {
  it('passes when gitleaks runs on push and pull requests', () => {
    const wf = makeWorkflow(
      '.github/workflows/secrets.yml',
      ['push', 'pull_request'],
      [makeJob('gitleaks', [{ uses: 'actions/checkout@v4' }, { uses: 'gitleaks/gitleaks-action@v2' }])],
    );
    const [f, ...rest] = runCheck(check, { workflows: set(wf) });
    expect(rest).toEqual([]);
    expect(f?.outcome).toBe('pass');
    expect(f?.message).toBe(
      'Secret detection runs on push, pull_request and can fail the build: Gitleaks (.github/workflows/secrets.yml, job gitleaks)',
    );
  });

  it('passes for a GitLab job on merge requests', () => {
    const wf = makeWorkflow(
      '.gitlab-ci.yml',
      ['pull_request'],
      [makeJob('secrets', [{ run: 'trufflehog git file://. --fail' }])],
    );
    expect(outcomes(runCheck(check, { workflows: set(wf) }))).toEqual(['pass']);
  });

  it('fails when the scanner swallows its own failure', () => {
    const wf = makeWorkflow(
      '.gitlab-ci.yml',
      ['push'],
      [makeJob('secrets', [{ run: 'gitleaks detect --source . || true' }])],
    );
    const findings = runCheck(check, { workflows: set(wf) });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/cannot fail the build: `\|\| true` swallows its failure$/);
  });

  it('fails when secret detection runs only weekly', () => {
    const wf = makeWorkflow(
      '.github/workflows/weekly.yml',
      [{ event: 'schedule', cron: '0 0 * * 0' }],
      [makeJob('scan', [{ run: 'ggshield secret scan repo .' }])],
    );
    const findings = runCheck(check, { workflows: set(wf) });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/only on schedule, not on each push or pull request$/);
  });

  it('fails when nothing scans for secrets', () => {
    const findings = runCheck(check, { workflows: set() });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/^No secret detection runs in CI \(0 workflow file/);
  });

  it('is not applicable when config does not require it', () => {
    const config = configSchema.parse({ scans: { required: ['sast'] } });
    const findings = runCheck(check, { workflows: set() }, { config });
    expect(outcomes(findings)).toEqual(['not_applicable']);
  });

  it('applies scans.classes to the repository the engine names', () => {
    const config = configSchema.parse({
      scans: { classes: [{ name: 'internal tools', repositories: ['acme/tool-*'], required: ['sast'] }] },
    });
    expect(outcomes(runCheck(check, { workflows: set() }, { config, repository: 'acme/tool-x' }))).toEqual([
      'not_applicable',
    ]);
    expect(outcomes(runCheck(check, { workflows: set() }, { config, repository: 'acme/api' }))).toEqual([
      'fail',
    ]);
  });
});

describe('scan.secrets with GitHub facts', () => {
  const h = simulatorHarness();
  let github: GithubFacts;
  let member: GithubFacts;
  beforeAll(async () => {
    // acme/api has push protection on; acme/legacy has it off.
    github = (await h.collect(baseScenario())).facts;
    // A non-admin token does not see security_and_analysis.
    member = (await h.collect({ ...baseScenario(), token: { value: TOKEN, admin: false } })).facts;
  });

  it('passes when push protection is enabled, without a secret scanner in CI', () => {
    const findings = runCheck(check, { workflows: set(), github }, { repository: 'acme/api', now: NOW });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]).toMatchObject({ resource: 'acme/api' });
    expect(findings[0]?.message).toMatch(/^GitHub push protection is enabled for acme\/api/);
  });

  it('fails when push protection is off too, and says so', () => {
    const findings = runCheck(check, { workflows: set(), github }, { repository: 'acme/legacy', now: NOW });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/GitHub push protection is not enabled for acme\/legacy\.$/);
  });

  it('fails, naming what the token could not see, when push protection is hidden', () => {
    const findings = runCheck(
      check,
      { workflows: set(), github: member },
      { repository: 'acme/api', now: NOW },
    );
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(
      /push protection of acme\/api could not be read: .*needs admin on acme\/api/,
    );
  });
});
