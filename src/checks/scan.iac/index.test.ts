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
    iac: [
      { kind: 'terraform', path: 'infra/main.tf' },
      { kind: 'kubernetes', path: 'k8s/deploy.yaml' },
    ],
    policies: [],
    manifests: [],
    secrets: [],
    filesScanned: 2,
    skipped: {},
    ...fields,
  };
}

describe('scan.iac', () => {
  it('passes when Checkov gates pull requests', () => {
    const wf = makeWorkflow(
      '.github/workflows/iac.yml',
      ['pull_request'],
      [makeJob('checkov', [{ uses: 'bridgecrewio/checkov-action@v12', with: { directory: 'infra' } }])],
    );
    const findings = runCheck(check, { workflows: set(wf), repoFiles: repoFiles() });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.message).toBe(
      'Infrastructure code — terraform, kubernetes (2 files, e.g. infra/main.tf) — is scanned on pull requests by Checkov (.github/workflows/iac.yml, job checkov)',
    );
  });

  it('fails when Checkov runs with soft_fail', () => {
    const wf = makeWorkflow(
      '.github/workflows/iac.yml',
      ['pull_request'],
      [makeJob('checkov', [{ uses: 'bridgecrewio/checkov-action@v12', with: { soft_fail: 'true' } }])],
    );
    const findings = runCheck(check, { workflows: set(wf), repoFiles: repoFiles() });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(
      /cannot fail the build: `soft_fail: true` makes it report without failing$/,
    );
  });

  it('fails when the IaC scan runs only after merge', () => {
    const wf = makeWorkflow(
      '.gitlab-ci.yml',
      [{ event: 'push', branches: ['main'] }],
      [makeJob('tfsec', [{ run: 'tfsec infra' }])],
    );
    const findings = runCheck(check, { workflows: set(wf), repoFiles: repoFiles() });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/only on push, never on pull requests$/);
  });

  it('fails when IaC exists and nothing scans it', () => {
    const wf = makeWorkflow(
      '.github/workflows/ci.yml',
      ['pull_request'],
      [makeJob('plan', [{ run: 'terraform plan' }])],
    );
    const findings = runCheck(check, { workflows: set(wf), repoFiles: repoFiles() });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.resource).toBe('.github/workflows');
    expect(findings[0]?.message).toMatch(/is never scanned in CI/);
  });

  it('is not applicable without infrastructure code', () => {
    expect(outcomes(runCheck(check, { workflows: set(), repoFiles: repoFiles({ iac: [] }) }))).toEqual([
      'not_applicable',
    ]);
  });
});
