import { describe, expect, it } from 'vitest';
import { collect, fixture, lineOf, repoWith } from '../../sources/workflows/__fixtures__/fixtures.js';
import { runCheck } from '../../../test/check-tester.js';
import check from './index.js';

describe('pipeline.workflow-valid', () => {
  it('passes for each workflow when every file parses', async () => {
    const findings = runCheck(check, { workflows: await fixture('github-good') });
    expect(findings.map((f) => [f.outcome, f.resource])).toEqual([
      ['pass', '.github/workflows/ci.yml'],
      ['pass', '.github/workflows/deploy.yml'],
      ['pass', '.github/workflows/label.yml'],
    ]);
    expect(findings[0]?.message).toBe('.github/workflows/ci.yml parses as a valid github-actions workflow');
  });

  it('gives an error with path and line for each invalid file', async () => {
    const findings = runCheck(check, { workflows: await fixture('github-invalid') });
    const bad = '.github/workflows/bad-job.yml';
    const build = lineOf(`github-invalid/${bad}`, 'build:');
    expect(findings.map((f) => [f.outcome, f.resource, f.location?.line])).toEqual([
      ['error', bad, build.line],
      ['error', bad, lineOf(`github-invalid/${bad}`, 'run: make test').line],
      ['error', '.github/workflows/broken.yml', 5],
      ['error', '.github/workflows/no-jobs.yml', 1],
      ['error', '.github/workflows/no-on.yml', 1],
    ]);
    expect(findings[0]).toEqual({
      outcome: 'error',
      message: `${bad}:${build.line}: job \`build\` has neither \`runs-on:\` nor \`uses:\``,
      resource: bad,
      location: { path: bad, ...build },
    });
    expect(findings[2]?.message).toBe(
      '.github/workflows/broken.yml:5: invalid YAML: All mapping items must start at the same column',
    );
  });

  it('reports GitLab problems in the file where they are', async () => {
    const findings = runCheck(check, { workflows: await fixture('gitlab-invalid') });
    const line = (needle: string, nth = 1) => lineOf('gitlab-invalid/.gitlab-ci.yml', needle, nth).line;
    expect(findings.map((f) => [f.outcome, f.resource, f.location?.line])).toEqual([
      ['error', '.gitlab-ci.yml', line('ci/missing.yml')],
      ['error', '.gitlab-ci.yml', line('.does-not-exist')],
      ['error', '.gitlab-ci.yml', line('stage: package')],
      ['error', '.gitlab-ci.yml', line('docs:')],
    ]);
  });

  it('passes the fixed GitLab file', async () => {
    const findings = runCheck(check, { workflows: await fixture('gitlab') });
    expect(findings.map((f) => [f.outcome, f.message])).toEqual([
      ['pass', '.gitlab-ci.yml parses as a valid gitlab-ci workflow'],
    ]);
  });

  it('is not applicable without any workflow file', async () => {
    const findings = runCheck(check, { workflows: await collect(repoWith({ 'README.md': 'x' })) });
    expect(findings.map((f) => f.outcome)).toEqual(['not_applicable']);
  });
});
