import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  collect,
  fixture,
  FIXTURES,
  lineOf,
  repoWith,
} from '../../sources/workflows/__fixtures__/fixtures.js';
import { runCheck } from '../../../test/check-tester.js';
import check from './index.js';

const read = (rel: string) => readFileSync(path.join(FIXTURES, rel), 'utf8');

describe('pipeline.tests-run', () => {
  it('passes when a pull request workflow runs a test command, pointing at its line', async () => {
    const findings = runCheck(check, { workflows: await fixture('github-good') });
    const f = '.github/workflows/ci.yml';
    expect(findings).toEqual([
      {
        outcome: 'pass',
        message: `${f} job \`test\` runs \`npm test\` on pull_request`,
        resource: f,
        location: { path: f, line: lineOf(`github-good/${f}`, 'npm test').line },
        details: { job: 'test', command: 'npm test -- --coverage', events: ['pull_request'] },
      },
    ]);
  });

  it('fails when tests run only on push, naming each workflow and its triggers', async () => {
    const findings = runCheck(check, { workflows: await fixture('github-bad') });
    expect(findings.map((f) => [f.outcome, f.resource])).toEqual([['fail', '.github/workflows']]);
    expect(findings[0]?.message).toBe(
      'no workflow runs tests on pull requests. Workflows: .github/workflows/after-ci.yml (workflow_run); ' +
        '.github/workflows/ci.yml (push, workflow_dispatch); .github/workflows/deploy.yml (push); ' +
        '.github/workflows/inject.yml (issues, pull_request); .github/workflows/pr-target.yml (pull_request_target). ' +
        'Tests run, but not on pull requests: .github/workflows/ci.yml job `test` runs `npm test` only on push, ' +
        'workflow_dispatch; .github/workflows/ci.yml job `pr-checks` runs `npm test` only on no trigger.',
    );
  });

  it('passes once the same workflow also triggers on pull_request', async () => {
    const root = repoWith({
      '.github/workflows/ci.yml': read('github-bad/.github/workflows/ci.yml').replace(
        'on: [push, workflow_dispatch]',
        'on: [push, pull_request]',
      ),
    });
    const findings = runCheck(check, { workflows: await collect(root) });
    expect(findings.map((f) => [f.outcome, f.message, f.location?.line])).toEqual([
      ['pass', '.github/workflows/ci.yml job `test` runs `npm test` on pull_request', 11],
    ]);
  });

  it('follows local actions and local reusable workflows', async () => {
    const root = repoWith({
      '.github/workflows/pr.yml':
        'on: pull_request\njobs:\n  call:\n    uses: ./.github/workflows/tests.yml\n',
      '.github/workflows/tests.yml':
        'on: workflow_call\njobs:\n  t:\n    runs-on: x\n    steps:\n      - uses: ./ci/test-action\n',
      'ci/test-action/action.yml':
        'runs:\n  using: composite\n  steps:\n    - run: pytest -q\n      shell: bash\n',
    });
    const findings = runCheck(check, { workflows: await collect(root) });
    expect(findings).toEqual([
      {
        outcome: 'pass',
        message: '.github/workflows/pr.yml job `call` runs `pytest` on pull_request',
        resource: '.github/workflows/pr.yml',
        location: { path: 'ci/test-action/action.yml', line: 4 },
        details: { job: 'call', command: 'pytest -q', events: ['pull_request'] },
      },
    ]);
  });

  it('passes for GitLab merge request pipelines and fails for branch-only ones', async () => {
    const good = runCheck(check, { workflows: await fixture('gitlab') });
    expect(good.map((f) => [f.outcome, f.message, f.location?.line])).toEqual([
      [
        'pass',
        '.gitlab-ci.yml job `unit-tests` runs `npm test` on pull_request',
        lineOf('gitlab/.gitlab-ci.yml', 'script:', 3).line,
      ],
    ]);
    const root = repoWith({ '.gitlab-ci.yml': 'test:\n  script:\n    - go test ./...\n' });
    const bad = runCheck(check, { workflows: await collect(root) });
    expect(bad.map((f) => [f.outcome, f.resource, f.message])).toEqual([
      [
        'fail',
        '.gitlab-ci.yml',
        'no workflow runs tests on pull requests. Workflows: .gitlab-ci.yml (push, workflow_dispatch). ' +
          'Tests run, but not on pull requests: .gitlab-ci.yml job `test` runs `go test` only on push, workflow_dispatch.',
      ],
    ]);
  });

  it('fails with "no CI workflow found" when there is none', async () => {
    const findings = runCheck(check, { workflows: await collect(repoWith({ 'README.md': 'x' })) });
    expect(findings.map((f) => [f.outcome, f.message])).toEqual([
      ['fail', 'no CI workflow found: nothing tests changes before they merge'],
    ]);
    const invalid = runCheck(check, { workflows: await fixture('github-invalid') });
    expect(invalid.map((f) => [f.outcome, f.message])).toEqual([
      ['pass', '.github/workflows/ok.yml job `test` runs `go test` on pull_request'],
    ]);
  });
});
