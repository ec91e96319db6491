import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { cleanupRepos, createRepo, isolateGitConfig } from '../../../test/git-repo.js';
import { baseScenario, NOW, simulatorHarness, TOKEN } from '../../../test/github-fixtures.js';
import { configSchema } from '../../config/index.js';
import { assess } from '../../engine/index.js';
import changeNoDirectPush from '../change.no-direct-push/index.js';
import type { GithubFacts, WorkflowSet } from '../../facts/index.js';
import { makeJob, makeWorkflow } from '../../scanners/index.js';
import check from './index.js';

const set = (...files: ReturnType<typeof makeWorkflow>[]): WorkflowSet => ({ files, errors: [] });

describe('scan.sast', () => {
  it('passes when a SAST tool gates pull requests', () => {
    const wf = makeWorkflow(
      '.github/workflows/codeql.yml',
      ['pull_request', 'push'],
      [makeJob('analyze', [{ uses: 'actions/checkout@v4' }, { uses: 'github/codeql-action/analyze@v3' }])],
    );
    const [f, ...rest] = runCheck(check, { workflows: set(wf) });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      outcome: 'pass',
      resource: '.github/workflows/codeql.yml',
      location: { path: '.github/workflows/codeql.yml', line: 11 },
    });
    expect(f?.message).toContain('CodeQL (.github/workflows/codeql.yml, job analyze)');
  });

  it('fails when the only SAST on pull requests cannot fail the build', () => {
    const wf = makeWorkflow(
      '.github/workflows/ci.yml',
      ['pull_request'],
      [makeJob('semgrep', [{ run: 'semgrep ci', continueOnError: true }])],
    );
    const findings = runCheck(check, { workflows: set(wf) });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toBe(
      'Semgrep (.github/workflows/ci.yml, job semgrep) runs SAST on pull requests but cannot fail the build: continue-on-error: true on the step',
    );
    expect(findings[0]?.location).toEqual({ path: '.github/workflows/ci.yml', line: 10 });
  });

  it('fails when SAST runs only on a schedule', () => {
    const wf = makeWorkflow(
      '.github/workflows/nightly.yml',
      [{ event: 'schedule', cron: '0 2 * * *' }],
      [makeJob('codeql', [{ uses: 'github/codeql-action/analyze@v3' }])],
    );
    const findings = runCheck(check, { workflows: set(wf) });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/only on schedule, never on pull requests$/);
  });

  it('fails when no SAST runs, and says code scanning comes from GitHub', () => {
    const wf = makeWorkflow(
      '.github/workflows/ci.yml',
      ['pull_request'],
      [makeJob('test', [{ run: 'npm test' }])],
    );
    const findings = runCheck(check, { workflows: set(wf) });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.resource).toBe('.github/workflows');
    expect(findings[0]?.message).toMatch(/^No SAST tool runs in CI .*GitHub code scanning/);
  });

  it('is not applicable when config does not require SAST and none runs', () => {
    const config = configSchema.parse({ scans: { required: ['sca', 'secrets'] } });
    const findings = runCheck(check, { workflows: set() }, { config });
    expect(outcomes(findings)).toEqual(['not_applicable']);
    expect(findings[0]?.message).toMatch(/not required by config/);
  });

  it('applies scans.classes to the repository the engine names', () => {
    const config = configSchema.parse({
      scans: { classes: [{ name: 'docs', repositories: ['acme/docs-*'], required: ['secrets'] }] },
    });
    const none = set(
      makeWorkflow('.github/workflows/ci.yml', ['pull_request'], [makeJob('t', [{ run: 'npm test' }])]),
    );
    const docs = runCheck(check, { workflows: none }, { config, repository: 'acme/docs-site' });
    expect(outcomes(docs)).toEqual(['not_applicable']);
    expect(outcomes(runCheck(check, { workflows: none }, { config, repository: 'acme/api' }))).toEqual([
      'fail',
    ]);
    // Without a name, scans.required (sast included) applies.
    expect(outcomes(runCheck(check, { workflows: none }, { config }))).toEqual(['fail']);
  });
});

describe('scan.sast through the engine', () => {
  isolateGitConfig();
  afterAll(cleanupRepos);

  async function assessRepo(remote: string) {
    const repo = createRepo();
    mkdirSync(path.join(repo.dir, '.github', 'workflows'), { recursive: true });
    writeFileSync(
      path.join(repo.dir, '.github', 'workflows', 'ci.yml'),
      'on: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n',
    );
    writeFileSync(
      path.join(repo.dir, 'greenlight.yml'),
      "scans:\n  classes:\n    - name: docs\n      repositories: ['acme/docs-*']\n      required: [secrets]\n",
    );
    repo.commit({ subject: 'CI' });
    repo.git(['remote', 'add', 'origin', remote]);
    const run = await assess({
      root: repo.dir,
      checks: [check, changeNoDirectPush],
      only: ['scan.sast', 'change.no-direct-push'],
    });
    return run.assessment.results.filter((r) => r.checkId === 'scan.sast');
  }

  it('names the subject from the origin remote, so its class applies', async () => {
    const docs = await assessRepo('git@github.com:acme/docs-site.git');
    expect(docs.map((r) => r.outcome)).toEqual(['not_applicable']);
    const api = await assessRepo('https://github.com/acme/api.git');
    expect(api.map((r) => r.outcome)).toEqual(['fail']);
  });
});

describe('scan.sast in organisation mode through the engine', () => {
  isolateGitConfig();
  afterAll(cleanupRepos);
  const h = simulatorHarness();

  it('finds the checkout’s repository (origin acme/api) among the organisation’s GitHub facts', async () => {
    const sim = await h.start(baseScenario());
    const repo = createRepo();
    mkdirSync(path.join(repo.dir, '.github', 'workflows'), { recursive: true });
    writeFileSync(
      path.join(repo.dir, '.github', 'workflows', 'ci.yml'),
      'on: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n',
    );
    repo.commit({ subject: 'CI' });
    repo.git(['remote', 'add', 'origin', 'git@github.com:acme/api.git']);
    const run = await assess({
      root: repo.dir,
      checks: [check],
      only: ['scan.sast'],
      now: NOW,
      github: { target: 'acme', apiUrl: sim.url, token: TOKEN, cacheFile: null, retryBaseMs: 1 },
    });
    expect(run.assessment.subject).toMatchObject({ kind: 'github', name: 'acme' });
    const results = run.assessment.results.filter((r) => r.checkId === 'scan.sast');
    expect(results).toMatchObject([{ outcome: 'pass', resource: 'acme/api' }]);
    expect(results[0]!.message).toContain('GitHub code scanning is enabled for acme/api');
  });
});

describe('scan.sast with GitHub facts', () => {
  const h = simulatorHarness();
  let github: GithubFacts;
  let hidden: GithubFacts;
  beforeAll(async () => {
    // acme/api has code scanning (alerts exist); acme/legacy has none.
    github = (await h.collect(baseScenario())).facts;
    const deny = ['GET /repos/{owner}/{repo}/code-scanning/default-setup'];
    hidden = (await h.collect({ ...baseScenario(), token: { value: TOKEN, deny } })).facts;
  });
  const testsOnly = set(
    makeWorkflow('.github/workflows/ci.yml', ['pull_request'], [makeJob('test', [{ run: 'npm test' }])]),
  );

  it('passes when GitHub code scanning is enabled for the repository, without a SAST workflow', () => {
    const findings = runCheck(check, { workflows: testsOnly, github }, { repository: 'acme/api', now: NOW });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]).toMatchObject({
      resource: 'acme/api',
      message: 'GitHub code scanning is enabled for acme/api (code scanning alerts exist)',
    });
  });

  it('fails when code scanning is off too, and says so', () => {
    const findings = runCheck(
      check,
      { workflows: testsOnly, github },
      { repository: 'acme/legacy', now: NOW },
    );
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(
      /GitHub code scanning is not enabled for acme\/legacy \(no code scanning/,
    );
  });

  it('still fails an advisory SAST job, naming the GitHub state', () => {
    const advisory = set(
      makeWorkflow(
        '.github/workflows/ci.yml',
        ['pull_request'],
        [makeJob('sg', [{ run: 'semgrep ci || true' }])],
      ),
    );
    const findings = runCheck(
      check,
      { workflows: advisory, github },
      { repository: 'acme/legacy', now: NOW },
    );
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(
      /cannot fail the build: .*; GitHub code scanning is not enabled for acme\/legacy/,
    );
  });

  it('says what the token could not read, and which repository it looked for', () => {
    const unread = runCheck(
      check,
      { workflows: testsOnly, github: hidden },
      { repository: 'acme/legacy', now: NOW },
    );
    expect(outcomes(unread)).toEqual(['fail']);
    expect(unread[0]?.message).toMatch(
      /code scanning of acme\/legacy could not be read: GET .*default-setup answered 403/,
    );
    const other = runCheck(check, { workflows: testsOnly, github }, { repository: 'acme/other', now: NOW });
    expect(other[0]?.message).toMatch(/GitHub facts hold no repository matching acme\/other/);
  });

  it('a SAST workflow still passes on its own', () => {
    const wf = makeWorkflow(
      '.github/workflows/ci.yml',
      ['pull_request'],
      [makeJob('sg', [{ run: 'semgrep ci' }])],
    );
    const findings = runCheck(check, { workflows: set(wf), github }, { repository: 'acme/legacy', now: NOW });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.resource).toBe('.github/workflows/ci.yml');
  });
});
