import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import type { RepoFiles, WorkflowSet } from '../../facts/index.js';
import { makeJob, makeWorkflow } from '../../scanners/index.js';
import check from './index.js';

const set = (...files: ReturnType<typeof makeWorkflow>[]): WorkflowSet => ({ files, errors: [] });

function repoFiles(fields: Partial<RepoFiles> = {}): RepoFiles {
  return {
    root: '/repo',
    codeowners: null,
    dependencyUpdates: [],
    securityPolicy: null,
    iac: [{ kind: 'dockerfile', path: 'Dockerfile' }],
    policies: [],
    manifests: [],
    secrets: [],
    filesScanned: 1,
    skipped: {},
    ...fields,
  };
}

const release = (scan: Record<string, unknown>[] = []) =>
  makeWorkflow(
    '.github/workflows/release.yml',
    ['push', 'pull_request'],
    [
      makeJob('image', [
        { uses: 'docker/build-push-action@v6', with: { push: 'false', tags: 'app:ci' } },
        ...scan,
      ]),
    ],
  );
const nightly = (cron: string) =>
  makeWorkflow(
    '.github/workflows/rescan.yml',
    [{ event: 'schedule', cron }],
    [makeJob('rescan', [{ run: 'trivy image --exit-code 1 ghcr.io/acme/app:latest' }])],
  );

describe('scan.container', () => {
  it('passes when the build scans the image and a daily rescan runs', () => {
    const wf = release([
      { uses: 'aquasecurity/trivy-action@0.28.0', with: { 'image-ref': 'app:ci', 'exit-code': '1' } },
    ]);
    const findings = runCheck(check, { workflows: set(wf, nightly('0 6 * * *')), repoFiles: repoFiles() });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.message).toBe(
      'Images are scanned on build by Trivy action (.github/workflows/release.yml, job image) and daily by Trivy (image) (.github/workflows/rescan.yml, job rescan)',
    );
  });

  it('fails when an image is built without a scan in that workflow', () => {
    const findings = runCheck(check, {
      workflows: set(release(), nightly('0 6 * * *')),
      repoFiles: repoFiles(),
    });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]).toMatchObject({
      message:
        'An image is built in .github/workflows/release.yml (job image: docker/build-push-action) but no image scanner runs in that workflow',
      location: { path: '.github/workflows/release.yml', line: 10 },
    });
  });

  it('fails when the build-time scan uses trivy-action with its default exit code', () => {
    const wf = release([{ uses: 'aquasecurity/trivy-action@0.28.0', with: { 'image-ref': 'app:ci' } }]);
    const findings = runCheck(check, { workflows: set(wf, nightly('0 6 * * *')), repoFiles: repoFiles() });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/cannot fail the build: trivy-action's exit-code defaults to 0/);
  });

  it('fails without a daily rescan', () => {
    const wf = release([{ run: 'grype app:ci --fail-on high' }]);
    const findings = runCheck(check, { workflows: set(wf, nightly('0 6 * * 0')), repoFiles: repoFiles() });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/less often than daily/);
  });

  it('accepts a scan beside a GitLab build, and names the Dockerfile when CI neither builds nor scans', () => {
    const ci = makeWorkflow(
      '.gitlab-ci.yml',
      ['push'],
      [makeJob('scan', [{ run: 'docker build -t app . && trivy image --exit-code 1 app' }])],
    );
    const findings = runCheck(check, { workflows: set(ci, nightly('0 1 * * *')), repoFiles: repoFiles() });
    expect(outcomes(findings)).toEqual(['pass']);
    const none = runCheck(check, { workflows: set(nightly('0 1 * * *')), repoFiles: repoFiles() });
    expect(none[0]?.message).toBe(
      'Dockerfile defines an image, but no image scanner runs on push or pull requests',
    );
  });

  it('is not applicable when no image is built', () => {
    const findings = runCheck(check, {
      workflows: set(),
      repoFiles: repoFiles({ iac: [{ kind: 'terraform', path: 'main.tf' }] }),
    });
    expect(outcomes(findings)).toEqual(['not_applicable']);
  });
});
