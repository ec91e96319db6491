import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { cleanupRepos, createRepo, isolateGitConfig } from '../../../test/git-repo.js';
import { baseScenario, NOW, simulatorHarness, TOKEN } from '../../../test/github-fixtures.js';
import { assess } from '../../engine/index.js';
import type { GithubFacts, WorkflowSet } from '../../facts/index.js';
import { makeJob, makeWorkflow } from '../../scanners/index.js';
import type { ScenarioInput } from '../../sim/github/index.js';
import check from './index.js';

const set = (...files: ReturnType<typeof makeWorkflow>[]): WorkflowSet => ({ files, errors: [] });

/** A CI workflow with a Semgrep job (id only), a named dependency review, and a CodeQL matrix job. */
const ci = makeWorkflow(
  '.github/workflows/ci.yml',
  ['pull_request', 'push'],
  [
    makeJob('test', [{ run: 'npm test' }]),
    makeJob('semgrep', [{ run: 'semgrep ci' }], { location: { path: '.github/workflows/ci.yml', line: 12 } }),
    makeJob('deps', [{ uses: 'actions/dependency-review-action@v4' }], { name: 'Dependency review' }),
  ],
  { name: 'CI' },
);
const codeql = makeWorkflow(
  '.github/workflows/codeql.yml',
  ['pull_request'],
  [makeJob('analyze', [{ uses: 'github/codeql-action/analyze@v3' }], { name: 'Analyze' })],
);
/** gitleaks in a reusable workflow, called by job `security` of pr.yml. */
const reusable = makeWorkflow(
  '.github/workflows/scan.yml',
  ['workflow_call'],
  [makeJob('gitleaks', [{ uses: 'gitleaks/gitleaks-action@v2' }])],
);
const caller = makeWorkflow(
  '.github/workflows/pr.yml',
  ['pull_request'],
  [makeJob('security', [], { uses: './.github/workflows/scan.yml' })],
);

/** acme/api's default branch requires these status checks. */
function requiring(contexts: string[]): ScenarioInput {
  const base = baseScenario();
  const [api, ...rest] = base.repositories ?? [];
  const protection = { ...api?.protection, required_status_checks: { contexts, strict: true } };
  return { ...base, repositories: [{ ...api!, protection }, ...rest] };
}

const ALL = ['ci/test', 'semgrep', 'Dependency review', 'Analyze (javascript)', 'security / gitleaks'];

describe('scan.required', () => {
  const h = simulatorHarness();
  const facts: Record<string, GithubFacts> = {};
  beforeAll(async () => {
    facts.all = (await h.collect(requiring(ALL))).facts;
    facts.base = (await h.collect(baseScenario())).facts;
    facts.qualified = (
      await h.collect(requiring(['CI / semgrep', 'CI / Dependency review', 'semgrep on ubuntu-latest']))
    ).facts;
    facts.member = (await h.collect({ ...requiring(ALL), token: { value: TOKEN, admin: false } })).facts;
  });
  const run = (workflows: WorkflowSet, github?: GithubFacts, repository = 'acme/api') =>
    runCheck(check, { workflows, ...(github ? { github } : {}) }, { now: NOW, repository });

  it('passes when every scan job is required: by job id, job name, matrix suffix and reusable-workflow name', () => {
    const findings = run(set(ci, codeql, reusable, caller), facts.all);
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.resource).toBe('acme/api@main');
    expect(findings[0]?.message).toBe(
      'every scan job on pull requests is a required status check on acme/api@main (by classic branch protection): ' +
        'semgrep (Semgrep); Dependency review (GitHub dependency review); Analyze (javascript) (CodeQL); security / gitleaks (Gitleaks)',
    );
  });

  it('accepts the workflow-qualified name', () => {
    const findings = run(set(ci), facts.qualified);
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.message).toMatch(/: CI \/ semgrep \(Semgrep\); CI \/ Dependency review /);
  });

  it('fails for each scan job whose check is not required, at the job', () => {
    const findings = run(set(ci, codeql, reusable, caller), facts.base);
    expect(outcomes(findings)).toEqual(['fail', 'fail', 'fail', 'fail']);
    expect(findings[0]).toMatchObject({
      resource: '.github/workflows/ci.yml',
      location: { path: '.github/workflows/ci.yml', line: 12 },
      message:
        'Semgrep (.github/workflows/ci.yml, job semgrep) runs on pull requests, but its check "semgrep" is not a required status check on acme/api@main (required: ci/test)',
    });
    expect(findings[3]?.message).toMatch(
      /job gitleaks\) runs on pull requests, but its check "security \/ gitleaks"/,
    );
  });

  it('fails against an unprotected default branch', () => {
    const findings = run(set(ci), facts.base, 'acme/legacy');
    expect(outcomes(findings)).toEqual(['fail', 'fail']);
    expect(findings[0]?.message).toMatch(
      /not a required status check on acme\/legacy@main \(required: none\)$/,
    );
  });

  it('fails when no scan runs on pull requests, pointing to the scan checks', () => {
    const nightly = makeWorkflow(
      '.github/workflows/nightly.yml',
      [{ event: 'schedule', cron: '0 3 * * *' }],
      [makeJob('sg', [{ run: 'semgrep ci' }])],
    );
    const findings = run(set(nightly), facts.all);
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/see scan\.sast, scan\.sca and scan\.secrets$/);
  });

  it('is not available without GitHub, or when the token cannot see all of the protection', () => {
    const none = run(set(ci));
    expect(outcomes(none)).toEqual(['not_available']);
    expect(none[0]?.message).toMatch(/connect GitHub to see required status checks/);
    const hidden = run(set(ci), facts.member);
    expect(outcomes(hidden)).toEqual(['not_available', 'not_available']);
    expect(hidden[0]?.message).toMatch(/as far as can be seen; /);
    const other = run(set(ci), facts.all, 'acme/web');
    expect(outcomes(other)).toEqual(['not_available']);
    expect(other[0]?.message).toMatch(/no repository matching acme\/web/);
  });

  it('matches a name built from an expression by its literal prefix', () => {
    const matrix = makeWorkflow(
      '.github/workflows/sec.yml',
      ['pull_request'],
      [makeJob('tl', [{ run: 'trufflehog git file://. --fail' }], { name: 'semgrep on ${{ matrix.os }}' })],
    );
    // "semgrep on" is the literal prefix; the context "semgrep" (another job's) must not match it.
    expect(outcomes(run(set(matrix), facts.all))).toEqual(['fail']);
    expect(outcomes(run(set(matrix), facts.qualified))).toEqual(['pass']);
  });
});

describe('scan.required through assess, with GitHub on the simulator', () => {
  isolateGitConfig();
  afterAll(cleanupRepos);
  const h = simulatorHarness();

  it('reads the workflow files and the protection of the origin repository', async () => {
    const sim = await h.start(requiring(['semgrep']));
    const repo = createRepo();
    mkdirSync(path.join(repo.dir, '.github', 'workflows'), { recursive: true });
    writeFileSync(
      path.join(repo.dir, '.github', 'workflows', 'ci.yml'),
      'name: CI\non: pull_request\njobs:\n  semgrep:\n    runs-on: ubuntu-latest\n    steps:\n      - run: semgrep ci\n' +
        '  gitleaks:\n    name: Secrets\n    runs-on: ubuntu-latest\n    steps:\n      - uses: gitleaks/gitleaks-action@v2\n',
    );
    repo.commit({ subject: 'CI' });
    repo.git(['remote', 'add', 'origin', 'https://github.com/acme/api.git']);
    const run = await assess({
      root: repo.dir,
      now: NOW,
      checks: [check],
      only: ['scan.required'],
      github: { target: 'acme/api', apiUrl: sim.url, token: TOKEN, cacheFile: null, retryBaseMs: 1 },
    });
    const results = run.assessment.results.map((r) => [r.outcome, r.location?.line, r.message]);
    expect(results).toEqual([
      [
        'fail',
        8,
        'Gitleaks (.github/workflows/ci.yml, job gitleaks) runs on pull requests, but its check "Secrets" is not a required status check on acme/api@main (required: semgrep)',
      ],
    ]);
  });
});
