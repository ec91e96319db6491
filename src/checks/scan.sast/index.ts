import {
  ciResource,
  coverageOf,
  describeUse,
  eventsOf,
  requiredScanTypes,
  scannerNames,
  scansInWorkflows,
} from '../../scanners/index.js';
import { defineCheck, fail, notApplicable, pass, type Finding } from '../define-check.js';

const FORGE_NOTE =
  'GitHub code scanning set up outside workflow files is read from the GitHub source once connected';

export default defineCheck({
  id: 'scan.sast',
  title: 'A SAST tool runs on every pull request and can fail it',
  severity: 'high',
  controls: ['VM-1'],
  needs: ['workflows'],
  remediation:
    'Run static analysis on pull_request and let it fail the build: e.g. a CodeQL workflow (github/codeql-action/analyze) or a job running `semgrep ci`. Remove continue-on-error / allow_failure / `|| true` from that job, and make it a required status check.',
  evaluate({ workflows }, _options, ctx) {
    const cov = coverageOf(scansInWorkflows(workflows), 'sast');
    const required = requiredScanTypes(ctx.config, ctx.repository).includes('sast');
    const [first] = cov.gating;
    if (first)
      return [
        pass(
          `SAST runs on pull requests and can fail them: ${cov.gating.map(describeUse).join('; ')}`,
          first.workflow,
          {
            location: first.location,
            details: { scanners: scannerNames(cov.gating) },
          },
        ),
      ];
    if (!required)
      return [
        notApplicable(
          cov.all.length
            ? `SAST (${scannerNames(cov.all)}) does not gate pull requests, and SAST is not required by config (scans.required)`
            : 'No SAST runs in CI; SAST is not required by config (scans.required)',
          ciResource(workflows),
        ),
      ];
    if (cov.onPullRequests.length)
      return cov.onPullRequests.map((u) =>
        fail(
          `${describeUse(u)} runs SAST on pull requests but cannot fail the build: ${u.advisory}`,
          u.workflow,
          {
            location: u.location,
          },
        ),
      );
    if (cov.all.length)
      return cov.all.map((u): Finding =>
        fail(
          `${describeUse(u)} runs SAST only on ${eventsOf(u).join(', ') || 'no trigger'}, never on pull requests`,
          u.workflow,
          { location: u.location },
        ),
      );
    return [
      fail(
        `No SAST tool runs in CI (${workflows.files.length} workflow file(s) read; CodeQL, Semgrep, SonarQube, Snyk Code, Bandit, gosec, Brakeman, njsscan and ESLint security plugins are recognised). ${FORGE_NOTE}.`,
        ciResource(workflows),
      ),
    ];
  },
});
