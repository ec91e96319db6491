import {
  ciResource,
  coverageOf,
  describeUse,
  eventsOf,
  requiredScanTypes,
  scannerNames,
  scansInWorkflows,
} from '../../scanners/index.js';
import {
  isUnavailable,
  subjectRepository,
  type GithubFacts,
  type GithubRepository,
} from '../../facts/index.js';
import { defineCheck, fail, notApplicable, pass, type Finding } from '../define-check.js';

const FORGE_NOTE =
  'GitHub code scanning set up outside workflow files is read from the GitHub source once connected';

/** What the GitHub facts say about code scanning, for a fail message; without GitHub, how to see it. */
function githubNote(
  github: GithubFacts | undefined,
  repo: GithubRepository | undefined,
  name?: string,
): string {
  if (!github) return FORGE_NOTE;
  if (!repo)
    return `the GitHub facts hold no repository matching ${name ?? 'this checkout'}, so code scanning was not read`;
  const cs = repo.codeScanning;
  if (isUnavailable(cs)) return `GitHub code scanning of ${repo.fullName} could not be read: ${cs.reason}`;
  return `GitHub code scanning is not enabled for ${repo.fullName} (${cs.evidence})`;
}

export default defineCheck({
  id: 'scan.sast',
  title: 'A SAST tool runs on every pull request and can fail it',
  needs: ['workflows'],
  uses: ['github'],
  remediation:
    'Run static analysis on pull_request and let it fail the build: e.g. a CodeQL workflow (github/codeql-action/analyze) or a job running `semgrep ci`. Remove continue-on-error / allow_failure / `|| true` from that job, and make it a required status check.',
  evaluate({ workflows, github }, _options, ctx) {
    const cov = coverageOf(scansInWorkflows(workflows), 'sast');
    const required = requiredScanTypes(ctx.config, ctx.repository).includes('sast');
    const repo = github && subjectRepository(github, { names: [ctx.repository] });
    const [first] = cov.gating;
    if (!first && repo && !isUnavailable(repo.codeScanning) && repo.codeScanning.enabled)
      return [
        pass(
          `GitHub code scanning is enabled for ${repo.fullName} (${repo.codeScanning.evidence})`,
          repo.fullName,
          { details: { codeScanning: repo.codeScanning.evidence } },
        ),
      ];
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
    const note = githubNote(github, repo, ctx.repository);
    if (cov.onPullRequests.length)
      return cov.onPullRequests.map((u) =>
        fail(
          `${describeUse(u)} runs SAST on pull requests but cannot fail the build: ${u.advisory}${github ? `; ${note}` : ''}`,
          u.workflow,
          {
            location: u.location,
          },
        ),
      );
    if (cov.all.length)
      return cov.all.map((u): Finding =>
        fail(
          `${describeUse(u)} runs SAST only on ${eventsOf(u).join(', ') || 'no trigger'}, never on pull requests${github ? `; ${note}` : ''}`,
          u.workflow,
          { location: u.location },
        ),
      );
    return [
      fail(
        `No SAST tool runs in CI (${workflows.files.length} workflow file(s) read; CodeQL, Semgrep, SonarQube, Snyk Code, Bandit, gosec, Brakeman, njsscan and ESLint security plugins are recognised). ${note[0]?.toUpperCase()}${note.slice(1)}.`,
        ciResource(workflows),
      ),
    ];
  },
});
