import { afterAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../test/check-tester.js';
import { cleanupRepos, createRepo } from '../../test/git-repo.js';
import { defaultConfig } from '../config/index.js';
import { isUnavailable } from '../facts/index.js';
import { collectRepoFiles } from '../sources/repo-files/index.js';
import { collectWorkflows } from '../sources/workflows/index.js';
import scanContainer from './scan.container/index.js';
import scanIac from './scan.iac/index.js';

afterAll(cleanupRepos);

/** Facts read from a real git repository with these files committed. */
async function facts(files: Record<string, string>) {
  const repo = createRepo();
  repo.commit({ files: { 'README.md': '# app\n', ...files } });
  const ctx = { root: repo.dir, since: null, until: new Date(), config: defaultConfig(), progress: () => {} };
  const [repoFiles, workflows] = await Promise.all([collectRepoFiles(ctx), collectWorkflows(ctx)]);
  if (isUnavailable(repoFiles)) throw new Error(repoFiles.reason);
  if (isUnavailable(workflows)) throw new Error(workflows.reason);
  return { repoFiles, workflows };
}

const FIXTURES = {
  'testdata/app/Dockerfile': 'FROM alpine:3.20\n',
  'tests/integration/Dockerfile': 'FROM node:20\n',
  'examples/aws/main.tf': 'resource "aws_s3_bucket" "b" {\n  bucket = "example"\n}\n',
  'src/main.go': 'package main\n',
};

const ci = (run: string) => `on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: ${run}
`;

describe('Dockerfiles and IaC in test fixtures and examples', () => {
  it('are set aside, with the reason, when no workflow builds or uses them', async () => {
    const f = await facts({ ...FIXTURES, '.github/workflows/ci.yml': ci('npm test') });
    const container = runCheck(scanContainer, f);
    expect(outcomes(container)).toEqual(['not_applicable']);
    expect(container[0]?.message).toBe(
      'No container image is built here (no Dockerfile/Containerfile, no image build step in CI). Set aside: testdata/app/Dockerfile (in test fixtures (testdata/), used by no workflow); tests/integration/Dockerfile (in tests (tests/), used by no workflow)',
    );
    expect(container[0]?.details?.setAside).toEqual([
      { path: 'testdata/app/Dockerfile', reason: 'in test fixtures (testdata/), used by no workflow' },
      { path: 'tests/integration/Dockerfile', reason: 'in tests (tests/), used by no workflow' },
    ]);
    const iac = runCheck(scanIac, f);
    expect(outcomes(iac)).toEqual(['not_applicable']);
    expect(iac[0]?.message).toContain('Set aside: ');
    expect(iac[0]?.message).toContain('examples/aws/main.tf (in examples (examples/), used by no workflow)');
  });

  it('stay in scope when a workflow builds the fixture image or applies the example', async () => {
    const f = await facts({
      ...FIXTURES,
      '.github/workflows/ci.yml': ci(
        'docker build -f testdata/app/Dockerfile . && terraform -chdir=examples/aws plan',
      ),
    });
    const container = runCheck(scanContainer, f);
    expect(outcomes(container)).toContain('fail');
    expect(container.find((r) => r.outcome === 'fail')?.message).toMatch(
      /docker build -f testdata\/app\/Dockerfile/,
    );
    // The other fixture, which nothing builds, is still named as set aside.
    expect(container[0]?.message).toContain('Set aside: tests/integration/Dockerfile (in tests (tests/)');
    const iac = runCheck(scanIac, f);
    expect(outcomes(iac)).toEqual(['fail']);
    expect(iac[0]?.details?.files).toEqual(
      expect.arrayContaining(['examples/aws/main.tf', 'testdata/app/Dockerfile']),
    );
  });

  it('keep a Dockerfile outside fixtures in scope', async () => {
    const f = await facts({ ...FIXTURES, Dockerfile: 'FROM alpine:3.20\n' });
    const container = runCheck(scanContainer, f);
    expect(outcomes(container)).toContain('fail');
    expect(container[0]?.message).toMatch(/^Dockerfile defines an image, but no image scanner runs/);
  });
});
