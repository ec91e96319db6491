import {
  ciResource,
  coverageOf,
  describeUse,
  eventsOf,
  requiredScanTypes,
  scannerNames,
  scansInWorkflows,
  scheduleOf,
  type ScanUse,
} from '../../scanners/index.js';
import { isUnavailable, subjectRepository, type GithubRepository } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass, type Finding } from '../define-check.js';

export default defineCheck({
  id: 'scan.sca',
  title: 'Dependencies are scanned on every pull request and daily',
  needs: ['workflows', 'repoFiles'],
  uses: ['github'],
  remediation:
    'Scan dependencies on pull_request (e.g. actions/dependency-review-action, osv-scanner, `npm audit`, pip-audit) and let it fail the build; also run a dependency scan on a daily schedule (`on: schedule: - cron: "0 6 * * *"`) so new advisories against unchanged dependencies are found. Enabling Dependabot alerts (read from the GitHub source once connected) also covers the daily part.',
  evaluate({ workflows, repoFiles, github }, _options, ctx) {
    const manifests = repoFiles.manifests;
    if (!manifests.length)
      return [
        notApplicable(
          'No dependency manifest (package.json, go.mod, requirements.txt…) in the tree',
          repoFiles.repository ?? repoFiles.root,
        ),
      ];
    const ecosystems = [...new Set(manifests.map((m) => m.ecosystem))].join(', ');
    const cov = coverageOf(scansInWorkflows(workflows), 'sca');
    const resource = ciResource(workflows);
    if (
      !requiredScanTypes(ctx.config, repoFiles.repository ?? ctx.repository).includes('sca') &&
      !cov.gating.length
    )
      return [
        notApplicable(
          `Dependency scanning ${cov.all.length ? `(${scannerNames(cov.all)}) does not gate pull requests` : 'does not run in CI'}; it is not required by config (scans.required)`,
          resource,
        ),
      ];

    const findings: Finding[] = [];
    const daily = cov.all.filter((u) => scheduleOf(u) === 'daily');
    const names = [repoFiles.repository, ctx.repository];
    const name = names.find((n) => n?.includes('/')) ?? repoFiles.repository;
    const repo = github && subjectRepository(github, { names });
    const dependabot = repo && repo.dependabotAlertsEnabled === true ? repo : undefined;
    // Pull-request half.
    if (!cov.gating.length) {
      if (cov.onPullRequests.length)
        for (const u of cov.onPullRequests)
          findings.push(
            fail(
              `${describeUse(u)} scans dependencies on pull requests but cannot fail the build: ${u.advisory}`,
              u.workflow,
              {
                location: u.location,
              },
            ),
          );
      else if (cov.all.length)
        findings.push(
          fail(
            `Dependency scanning (${cov.all.map((u) => `${describeUse(u)} on ${eventsOf(u).join(', ')}`).join('; ')}) never runs on pull requests`,
            cov.all[0]?.workflow ?? resource,
            { location: cov.all[0]?.location },
          ),
        );
      else
        findings.push(
          fail(
            `No dependency scanning runs in CI for this repository's ${ecosystems} dependencies (${manifests.length} manifest(s))`,
            resource,
          ),
        );
    }
    // Daily half: a daily scheduled scan, or Dependabot alerts (GitHub re-checks dependencies on each new advisory).
    if (!daily.length && !dependabot)
      findings.push(dailyFinding(cov.all, resource, github ? dependabotNote(repo, name) : undefined));
    if (findings.length) return findings;

    const [first] = cov.gating;
    return [
      pass(
        `Dependencies (${ecosystems}) are scanned on pull requests by ${cov.gating.map(describeUse).join('; ')} and daily by ${[...daily.map(describeUse), ...(dependabot ? [`Dependabot alerts (${dependabot.fullName})`] : [])].join('; ')}`,
        first?.workflow ?? resource,
        {
          location: first?.location,
          details: {
            scanners: scannerNames(cov.all),
            ecosystems,
            ...(dependabot ? { dependabotAlerts: dependabot.fullName } : {}),
          },
        },
      ),
    ];
  },
});

/** Why Dependabot alerts do not cover the daily half, when GitHub facts were read. */
function dependabotNote(repo: GithubRepository | undefined, name: string | undefined): string {
  if (!repo) return `the GitHub facts hold no repository matching ${name ?? 'this checkout'}`;
  const on = repo.dependabotAlertsEnabled;
  if (isUnavailable(on)) return `Dependabot alerts of ${repo.fullName} could not be read: ${on.reason}`;
  return `Dependabot alerts are not enabled for ${repo.fullName}`;
}

function dailyFinding(uses: ScanUse[], resource: string, github?: string): Finding {
  const also = github ? `; ${github}` : '';
  const unknown = uses.filter((u) => scheduleOf(u) === 'unknown');
  const [u] = unknown;
  if (u)
    return notAvailable(
      `${describeUse(u)} scans dependencies on pipeline schedules whose timing is set in the CI server, not in the files: connect GitLab to confirm a daily schedule${also}`,
      u.workflow,
      { location: u.location },
    );
  const weekly = uses.filter((x) => scheduleOf(x) === 'less-often');
  const [w] = weekly;
  if (w)
    return fail(
      `Dependency scanning is scheduled less often than daily (${describeUse(w)}, cron ${w.triggers.find((t) => t.event === 'schedule')?.cron})${also}`,
      w.workflow,
      { location: w.location },
    );
  return fail(
    github
      ? `No dependency scan runs on a daily schedule, so new advisories against unchanged dependencies go unnoticed${also}`
      : 'No dependency scan runs on a daily schedule, so new advisories against unchanged dependencies go unnoticed (Dependabot alerts, read from the GitHub source once connected, also count)',
    resource,
  );
}
