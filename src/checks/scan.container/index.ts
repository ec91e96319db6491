import type { Location, RepoFiles, WorkflowSet } from '../../facts/index.js';
import {
  describeUse,
  runsOnPullRequests,
  runsOnPush,
  scheduleOf,
  scansInWorkflows,
  scriptLines,
  type ScanUse,
} from '../../scanners/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass, type Finding } from '../define-check.js';
import { setAsideFixtures, withSetAside } from '../fixture-files.js';

const BUILD_ACTIONS = [
  'docker/build-push-action',
  'redhat-actions/buildah-build',
  'mr-smithers-excellent/docker-build-push',
  'int128/kaniko-action',
  'aevea/action-kaniko',
];
const BUILD_COMMANDS = [
  /\bdocker\s+(?:image\s+)?build\b/i,
  /\bdocker\s+buildx\s+(?:build|bake)\b/i,
  /\bdocker[\s-]compose\s+(?:-\S+\s+)*build\b/i,
  /\bpodman\s+build\b/i,
  /\bbuildah\s+(?:bud|build)\b/i,
  /\/kaniko\/executor\b/i,
];

interface Build {
  workflow: string;
  job: string;
  what: string;
  location: Location;
}

/** Steps (or GitLab kaniko jobs) that build container images. */
function imageBuilds(workflows: WorkflowSet): Build[] {
  const out: Build[] = [];
  for (const wf of workflows.files) {
    for (const job of wf.jobs) {
      if (job.image && /kaniko-project\/executor/.test(job.image))
        out.push({ workflow: wf.path, job: job.id, what: `kaniko (${job.image})`, location: job.location });
      for (const step of job.steps) {
        const ref = step.uses?.split('@')[0]?.toLowerCase();
        if (ref && BUILD_ACTIONS.includes(ref))
          out.push({ workflow: wf.path, job: job.id, what: ref, location: step.location });
        const line = scriptLines(step.run ?? '').find((l) => BUILD_COMMANDS.some((re) => re.test(l.text)));
        if (line)
          out.push({
            workflow: wf.path,
            job: job.id,
            what: `\`${line.text.slice(0, 80)}\``,
            location: step.location,
          });
      }
    }
  }
  return out;
}

const where = (b: Build) => `${b.workflow} (job ${b.job}: ${b.what})`;

export default defineCheck({
  id: 'scan.container',
  title: 'Container images are scanned when built and daily',
  needs: ['workflows', 'repoFiles'],
  remediation:
    'In the workflow that builds the image, scan it before pushing and fail on high/critical findings (e.g. aquasecurity/trivy-action with image-ref and exit-code: 1, anchore/scan-action, `grype IMAGE --fail-on high`); and rescan the published image on a daily schedule so new CVEs are found.',
  evaluate({ workflows, repoFiles }) {
    const builds = imageBuilds(workflows);
    const { kept, setAside } = setAsideFixtures(
      repoFiles.iac.filter((i) => i.kind === 'dockerfile'),
      workflows,
    );
    return withSetAside(
      evaluateImages(
        workflows,
        repoFiles,
        builds,
        kept.map((i) => i.path),
      ),
      setAside,
    );
  },
});

function evaluateImages(
  workflows: WorkflowSet,
  repoFiles: RepoFiles,
  builds: Build[],
  dockerfiles: string[],
): Finding[] {
  if (!builds.length && !dockerfiles.length)
    return [
      notApplicable(
        'No container image is built here (no Dockerfile/Containerfile, no image build step in CI)',
        repoFiles.repository ?? repoFiles.root,
      ),
    ];

  const scans = scansInWorkflows(workflows).filter((u) => u.type === 'container');
  const findings: Finding[] = [];
  const onBuild = buildScans(scans, builds);
  if (!onBuild.gating.length)
    findings.push(
      ...buildFindings(onBuild.candidates, builds, dockerfiles, repoFiles.repository ?? repoFiles.root),
    );
  const daily = scans.filter((u) => scheduleOf(u) === 'daily');
  if (!daily.length)
    findings.push(
      dailyFinding(scans, builds[0]?.workflow ?? dockerfiles[0] ?? repoFiles.repository ?? repoFiles.root),
    );
  if (findings.length) return findings;
  const [first] = onBuild.gating;
  return [
    pass(
      `Images are scanned on build by ${onBuild.gating.map(describeUse).join('; ')} and daily by ${daily.map(describeUse).join('; ')}`,
      first?.workflow ?? repoFiles.repository ?? repoFiles.root,
      { location: first?.location },
    ),
  ];
}

/**
 * "On build": in a workflow that builds images, a scan in that same workflow; when images are
 * built outside CI (a Dockerfile but no build step), a scan on every push or pull request.
 */
function buildScans(scans: ScanUse[], builds: Build[]): { candidates: ScanUse[]; gating: ScanUse[] } {
  const buildFiles = new Set(builds.map((b) => b.workflow));
  const candidates = buildFiles.size
    ? scans.filter((u) => buildFiles.has(u.workflow) && !onlyScheduled(u))
    : scans.filter((u) => runsOnPush(u) || runsOnPullRequests(u));
  return { candidates, gating: candidates.filter((u) => u.blocking) };
}

const onlyScheduled = (u: ScanUse): boolean =>
  u.triggers.length > 0 && u.triggers.every((t) => t.event === 'schedule');

function buildFindings(
  candidates: ScanUse[],
  builds: Build[],
  dockerfiles: string[],
  root: string,
): Finding[] {
  if (candidates.length)
    return candidates.map((u) =>
      fail(`${describeUse(u)} scans the image but cannot fail the build: ${u.advisory}`, u.workflow, {
        location: u.location,
      }),
    );
  const [b] = builds;
  if (b)
    return builds.map((x) =>
      fail(`An image is built in ${where(x)} but no image scanner runs in that workflow`, x.workflow, {
        location: x.location,
      }),
    );
  return [
    fail(
      `${dockerfiles.join(', ')} define${dockerfiles.length === 1 ? 's' : ''} an image, but no image scanner runs on push or pull requests`,
      dockerfiles[0] ?? root,
      { location: { path: dockerfiles[0] ?? root } },
    ),
  ];
}

function dailyFinding(scans: ScanUse[], resource: string): Finding {
  const unknown = scans.find((u) => scheduleOf(u) === 'unknown');
  if (unknown)
    return notAvailable(
      `${describeUse(unknown)} scans images on pipeline schedules whose timing is set in the CI server, not in the files: connect GitLab to confirm a daily schedule`,
      unknown.workflow,
      { location: unknown.location },
    );
  const weekly = scans.find((u) => scheduleOf(u) === 'less-often');
  if (weekly)
    return fail(
      `Image scanning is scheduled less often than daily (${describeUse(weekly)}, cron ${weekly.triggers.find((t) => t.event === 'schedule')?.cron})`,
      weekly.workflow,
      { location: weekly.location },
    );
  return fail(
    'No image scan runs on a daily schedule, so CVEs published after the build go unnoticed',
    resource,
  );
}
