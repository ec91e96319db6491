import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { configSchema } from '../../config/index.js';
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
    iac: [],
    policies: [],
    manifests: [],
    secrets: [],
    filesScanned: 0,
    skipped: {},
    ...fields,
  };
}

const policies = repoFiles({
  iac: [{ kind: 'kubernetes', path: 'k8s/deploy.yaml' }],
  policies: [
    { engine: 'conftest', path: 'policy/deny.rego' },
    { engine: 'kyverno', path: 'kyverno/require-labels.yaml' },
  ],
});

describe('policy.as-code', () => {
  it('passes when conftest runs and can fail the pipeline', () => {
    const wf = makeWorkflow(
      '.github/workflows/policy.yml',
      ['pull_request'],
      [makeJob('conftest', [{ run: 'conftest test --policy policy k8s/*.yaml' }])],
    );
    const findings = runCheck(check, { workflows: set(wf), repoFiles: policies });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.message).toBe(
      'A policy engine is enforced in the pipeline: Conftest (.github/workflows/policy.yml, job conftest)',
    );
  });

  it('fails when the policy command cannot fail the pipeline', () => {
    const wf = makeWorkflow(
      '.github/workflows/policy.yml',
      ['pull_request'],
      [makeJob('opa', [{ run: 'opa eval -d policy -i plan.json "data.main.deny"' }])],
    );
    const findings = runCheck(check, { workflows: set(wf), repoFiles: policies });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(
      /cannot fail the pipeline: `opa eval` exits 0 whatever the decision/,
    );
  });

  it('fails naming policy files that never run', () => {
    const findings = runCheck(check, { workflows: set(), repoFiles: policies });
    expect(findings).toEqual([
      {
        outcome: 'fail',
        message:
          'Policy files (conftest, kyverno: policy/deny.rego, kyverno/require-labels.yaml) exist but no policy engine runs them in CI',
        resource: 'policy/deny.rego',
        location: { path: 'policy/deny.rego' },
        details: { policies: ['policy/deny.rego', 'kyverno/require-labels.yaml'] },
      },
    ]);
  });

  it('fails when infrastructure code exists without any policy', () => {
    const iac = repoFiles({ iac: [{ kind: 'terraform', path: 'main.tf' }] });
    const findings = runCheck(check, { workflows: set(), repoFiles: iac });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/infrastructure code \(terraform\) is not governed by policy$/);
  });

  it('is not applicable without IaC or policies, unless config requires it', () => {
    expect(outcomes(runCheck(check, { workflows: set(), repoFiles: repoFiles() }))).toEqual([
      'not_applicable',
    ]);
    const config = configSchema.parse({ scans: { required: ['policy'] } });
    expect(outcomes(runCheck(check, { workflows: set(), repoFiles: repoFiles() }, { config }))).toEqual([
      'fail',
    ]);
  });
});
