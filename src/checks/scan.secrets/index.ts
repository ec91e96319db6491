import {
  ciResource,
  describeUse,
  eventsOf,
  requiredScanTypes,
  runsOnPullRequests,
  runsOnPush,
  scannerNames,
  scansInWorkflows,
  type ScanUse,
} from '../../scanners/index.js';
import {
  isUnavailable,
  subjectRepository,
  type GithubFacts,
  type GithubRepository,
} from '../../facts/index.js';
import { defineCheck, fail, notApplicable, pass } from '../define-check.js';

const FORGE_NOTE = 'GitHub push protection is read from the GitHub source once connected';

/** Whether GitHub push protection is on for the repository, or why that is not known. */
function pushProtection(repo: GithubRepository): boolean | string {
  const sa = repo.securityAndAnalysis;
  if (isUnavailable(sa)) return `GitHub push protection of ${repo.fullName} could not be read: ${sa.reason}`;
  return sa.pushProtection === true || `GitHub push protection is not enabled for ${repo.fullName}`;
}

function githubNote(
  github: GithubFacts | undefined,
  repo: GithubRepository | undefined,
  name?: string,
): string {
  if (!github) return FORGE_NOTE;
  if (!repo)
    return `the GitHub facts hold no repository matching ${name ?? 'this checkout'}, so push protection was not read`;
  const state = pushProtection(repo);
  return typeof state === 'string' ? state : FORGE_NOTE;
}

/** Secret detection must see every change: it runs on pushes or on pull requests. */
const onEveryChange = (u: ScanUse): boolean => runsOnPush(u) || runsOnPullRequests(u);

export default defineCheck({
  id: 'scan.secrets',
  title: 'Secret detection runs on every push or pull request and can fail it',
  needs: ['workflows'],
  uses: ['github'],
  remediation:
    'Run a secret scanner on push and pull_request and let it fail the build: e.g. gitleaks/gitleaks-action, `trufflehog git ... --fail`, or `ggshield secret scan ci`. Remove continue-on-error / allow_failure / `|| true`. GitHub push protection, read from the GitHub source once connected, also counts.',
  evaluate({ workflows, github }, _options, ctx) {
    const repo = github && subjectRepository(github, { names: [ctx.repository] });
    const all = scansInWorkflows(workflows).filter((u) => u.type === 'secrets');
    const onChange = all.filter(onEveryChange);
    const gating = onChange.filter((u) => u.blocking);
    const required = requiredScanTypes(ctx.config, ctx.repository).includes('secrets');
    const [first] = gating;
    if (!first && repo && pushProtection(repo) === true)
      return [
        pass(
          `GitHub push protection is enabled for ${repo.fullName}: pushes containing detected secrets are blocked`,
          repo.fullName,
          { details: { pushProtection: true } },
        ),
      ];
    if (first)
      return [
        pass(
          `Secret detection runs on ${[...new Set(gating.flatMap(eventsOf))].join(', ')} and can fail the build: ${gating.map(describeUse).join('; ')}`,
          first.workflow,
          { location: first.location, details: { scanners: scannerNames(gating) } },
        ),
      ];
    if (!required)
      return [
        notApplicable(
          all.length
            ? `Secret detection (${scannerNames(all)}) does not gate changes, and it is not required by config (scans.required)`
            : 'No secret detection runs in CI; it is not required by config (scans.required)',
          ciResource(workflows),
        ),
      ];
    const note = githubNote(github, repo, ctx.repository);
    const suffix = github ? `; ${note}` : '';
    if (onChange.length)
      return onChange.map((u) =>
        fail(
          `${describeUse(u)} scans for secrets but cannot fail the build: ${u.advisory}${suffix}`,
          u.workflow,
          {
            location: u.location,
          },
        ),
      );
    if (all.length)
      return all.map((u) =>
        fail(
          `${describeUse(u)} scans for secrets only on ${eventsOf(u).join(', ') || 'no trigger'}, not on each push or pull request${suffix}`,
          u.workflow,
          { location: u.location },
        ),
      );
    return [
      fail(
        `No secret detection runs in CI (${workflows.files.length} workflow file(s) read; gitleaks, TruffleHog, detect-secrets, secretlint and ggshield are recognised). ${note[0]?.toUpperCase()}${note.slice(1)}.`,
        ciResource(workflows),
      ),
    ];
  },
});
