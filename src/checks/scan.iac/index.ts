import type { RepoFiles, WorkflowSet } from '../../facts/index.js';
import {
  ciResource,
  coverageOf,
  describeUse,
  eventsOf,
  scannerNames,
  scansInWorkflows,
} from '../../scanners/index.js';
import { defineCheck, fail, notApplicable, pass, type Finding } from '../define-check.js';
import { setAsideFixtures, withSetAside } from '../fixture-files.js';

export default defineCheck({
  id: 'scan.iac',
  title: 'Infrastructure as code is scanned on every pull request',
  needs: ['workflows', 'repoFiles'],
  remediation:
    'Scan infrastructure code on pull_request and let it fail the build: e.g. bridgecrewio/checkov-action (without soft_fail), `trivy config --exit-code 1 .`, tfsec, KICS or cfn-lint/cfn_nag for CloudFormation.',
  evaluate({ workflows, repoFiles }) {
    const { kept: iac, setAside } = setAsideFixtures(repoFiles.iac, workflows);
    return withSetAside(evaluateIac(workflows, repoFiles, iac), setAside);
  },
});

function evaluateIac(workflows: WorkflowSet, repoFiles: RepoFiles, iac: RepoFiles['iac']): Finding[] {
  if (!iac.length)
    return [
      notApplicable(
        'No infrastructure code in the tree (Terraform, CloudFormation, Bicep, Kubernetes, Helm, Dockerfile)',
        repoFiles.repository ?? repoFiles.root,
      ),
    ];
  const kinds = [...new Set(iac.map((i) => i.kind))];
  const summary = `${kinds.join(', ')} (${iac.length} file${iac.length === 1 ? '' : 's'}, e.g. ${iac[0]?.path})`;
  const cov = coverageOf(scansInWorkflows(workflows), 'iac');
  const [first] = cov.gating;
  if (first)
    return [
      pass(
        `Infrastructure code — ${summary} — is scanned on pull requests by ${cov.gating.map(describeUse).join('; ')}`,
        first.workflow,
        {
          location: first.location,
          details: { kinds, scanners: scannerNames(cov.gating) },
        },
      ),
    ];
  if (cov.onPullRequests.length)
    return cov.onPullRequests.map((u) =>
      fail(
        `${describeUse(u)} scans infrastructure code on pull requests but cannot fail the build: ${u.advisory}`,
        u.workflow,
        {
          location: u.location,
        },
      ),
    );
  if (cov.all.length)
    return cov.all.map((u) =>
      fail(
        `${describeUse(u)} scans infrastructure code only on ${eventsOf(u).join(', ') || 'no trigger'}, never on pull requests`,
        u.workflow,
        {
          location: u.location,
        },
      ),
    );
  return [
    fail(
      `Infrastructure code — ${summary} — is never scanned in CI (Checkov, tfsec, Trivy config, Terrascan, KICS, cfn-lint, cfn_nag and Snyk IaC are recognised)`,
      ciResource(workflows),
      { details: { kinds, files: iac.slice(0, 20).map((i) => i.path) } },
    ),
  ];
}
