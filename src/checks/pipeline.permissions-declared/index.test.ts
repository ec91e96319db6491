import { describe, expect, it } from 'vitest';
import { collect, fixture, lineOf, repoWith } from '../../sources/workflows/__fixtures__/fixtures.js';
import { runCheck } from '../../../test/check-tester.js';
import check from './index.js';

const wf = (head: string, jobs: string) => `on: push\n${head}jobs:\n${jobs}`;
const job = (id: string, perms = '') => `  ${id}:\n    runs-on: x\n${perms}    steps:\n      - run: make\n`;

describe('pipeline.permissions-declared', () => {
  it('passes workflows with read-only top-level permissions and writes only on jobs', async () => {
    const findings = runCheck(check, { workflows: await fixture('github-good') });
    expect(findings.map((f) => [f.outcome, f.resource, f.location?.line])).toEqual([
      [
        'pass',
        '.github/workflows/ci.yml',
        lineOf('github-good/.github/workflows/ci.yml', 'permissions:').line,
      ],
      [
        'pass',
        '.github/workflows/deploy.yml',
        lineOf('github-good/.github/workflows/deploy.yml', 'permissions:').line,
      ],
      [
        'pass',
        '.github/workflows/label.yml',
        lineOf('github-good/.github/workflows/label.yml', 'permissions:').line,
      ],
    ]);
    expect(findings[0]?.message).toBe(
      '.github/workflows/ci.yml declares least-privilege `permissions:` at the top level',
    );
  });

  it('fails missing permissions, write-all and top-level write scopes, with their lines', async () => {
    const findings = runCheck(check, { workflows: await fixture('github-bad') });
    const line = (file: string, needle: string) =>
      lineOf(`github-bad/.github/workflows/${file}`, needle).line;
    expect(findings.map((f) => [f.outcome, f.resource, f.location?.line, f.message])).toEqual([
      [
        'pass',
        '.github/workflows/after-ci.yml',
        line('after-ci.yml', 'permissions:'),
        '.github/workflows/after-ci.yml declares least-privilege `permissions:` at the top level',
      ],
      [
        'fail',
        '.github/workflows/ci.yml',
        line('ci.yml', 'test:'),
        '.github/workflows/ci.yml sets no top-level `permissions:` and no job sets them either: they run with the repository default token permissions',
      ],
      [
        'fail',
        '.github/workflows/deploy.yml',
        line('deploy.yml', 'permissions: write-all'),
        '.github/workflows/deploy.yml grants `permissions: write-all` to every job',
      ],
      [
        'fail',
        '.github/workflows/inject.yml',
        line('inject.yml', 'permissions:'),
        '.github/workflows/inject.yml grants write scopes at the top level (issues: write); every job gets them: move them to the jobs that need them',
      ],
      [
        'pass',
        '.github/workflows/pr-target.yml',
        line('pr-target.yml', 'permissions:'),
        '.github/workflows/pr-target.yml declares least-privilege `permissions:` at the top level',
      ],
    ]);
  });

  it('accepts permissions on every job, and flags the jobs that lack them or use write-all', async () => {
    const root = repoWith({
      '.github/workflows/every-job.yml': wf(
        '',
        job('a', '    permissions: {}\n') + job('b', '    permissions:\n      contents: write\n'),
      ),
      '.github/workflows/some-jobs.yml': wf(
        '',
        job('a', '    permissions: read-all\n') + job('b') + job('c'),
      ),
      '.github/workflows/job-write-all.yml': wf(
        'permissions: {}\n',
        job('a', '    permissions: write-all\n'),
      ),
    });
    const findings = runCheck(check, { workflows: await collect(root) });
    expect(findings.map((f) => [f.outcome, f.resource, f.location?.line, f.message])).toEqual([
      [
        'pass',
        '.github/workflows/every-job.yml',
        undefined,
        '.github/workflows/every-job.yml declares least-privilege `permissions:` on every job',
      ],
      [
        'fail',
        '.github/workflows/job-write-all.yml',
        6,
        '.github/workflows/job-write-all.yml job `a` grants `permissions: write-all`',
      ],
      [
        'fail',
        '.github/workflows/some-jobs.yml',
        8,
        '.github/workflows/some-jobs.yml sets no top-level `permissions:` and job(s) `b`, `c` do not: they run with the repository default token permissions',
      ],
    ]);
    expect(findings[2]?.details).toEqual({ jobs: ['b', 'c'] });
  });

  it('is not applicable to GitLab CI or without workflows', async () => {
    expect(
      runCheck(check, { workflows: await fixture('gitlab') }).map((f) => [f.outcome, f.resource]),
    ).toEqual([['not_applicable', '.gitlab-ci.yml']]);
    expect(
      runCheck(check, { workflows: await collect(repoWith({ 'a.txt': '' })) }).map((f) => f.outcome),
    ).toEqual(['not_applicable']);
  });
});
