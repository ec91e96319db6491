import {
  defaultProtection,
  enforcedBy,
  gapReason,
  isUnavailable,
  subjectRepository,
  type Job,
  type Workflow,
  type WorkflowSet,
} from '../../facts/index.js';
import {
  ciResource,
  runsOnPullRequests,
  scannerNames,
  scansInWorkflows,
  type ScanUse,
} from '../../scanners/index.js';
import { defineCheck, fail, notAvailable, pass, type Finding } from '../define-check.js';

/**
 * How GitHub may name a job's check run: `text` exactly, or followed by a matrix suffix
 * (`test (ubuntu-latest, 20)`); with `prefix`, any context starting with `text` (a name built
 * from an expression, or a reusable workflow whose inner jobs are not in the checkout).
 */
interface CheckName {
  text: string;
  prefix: boolean;
}

/** A job's own check-run name: `name:` if set (up to its first expression), else the job id. */
function ownName(job: Job): CheckName | null {
  const name = job.name ?? job.id;
  const expr = name.indexOf('${{');
  if (expr < 0) return { text: name, prefix: false };
  const text = name.slice(0, expr).trimEnd();
  return text ? { text, prefix: true } : null;
}

const join = (outer: CheckName, inner: CheckName | null): CheckName =>
  outer.prefix || !inner
    ? { text: outer.prefix ? outer.text : `${outer.text} / `, prefix: true }
    : { text: `${outer.text} / ${inner.text}`, prefix: inner.prefix };

const localPath = (uses: string): string => uses.replace(/@.*$/, '').replace(/^\.\//, '');

/**
 * The names GitHub gives the check runs of a job: its own name; `caller / job` when its workflow
 * is called by another (`workflow_call`); `job / …` when the job itself calls a reusable workflow;
 * and each of those qualified by the workflow's name (`CI / job`).
 */
function checkNames(wf: Workflow, job: Job, all: readonly Workflow[]): CheckName[] {
  const own = ownName(job);
  const names: CheckName[] = [];
  if (wf.triggers.some((t) => t.event === 'workflow_call'))
    for (const caller of all)
      for (const cj of caller.jobs) {
        const outer = cj.uses && localPath(cj.uses) === wf.path ? ownName(cj) : null;
        if (outer) {
          const composed = join(outer, own);
          names.push(composed);
          if (caller.name) names.push({ ...composed, text: `${caller.name} / ${composed.text}` });
        }
      }
  // Run by its own triggers too (a workflow only called by others has no check of its own).
  if (own && wf.triggers.some((t) => t.event !== 'workflow_call')) {
    const mine = job.uses && job.steps.length === 0 ? join(own, null) : own;
    names.push(mine);
    if (wf.name) names.push({ ...mine, text: `${wf.name} / ${mine.text}` });
  }
  return names;
}

function matches(context: string, n: CheckName): boolean {
  if (n.prefix) return context.startsWith(n.text);
  return context === n.text || context.startsWith(`${n.text} (`);
}

interface ScanJob {
  wf: Workflow;
  job: Job;
  uses: ScanUse[];
}

/** Jobs of GitHub Actions workflows that run a scan on pull requests, in file order. */
function scanJobs(workflows: WorkflowSet): { github: ScanJob[]; elsewhere: ScanUse[] } {
  const onPr = scansInWorkflows(workflows).filter(runsOnPullRequests);
  const byJob = new Map<string, ScanJob>();
  const elsewhere: ScanUse[] = [];
  for (const u of onPr) {
    const wf = workflows.files.find((w) => w.path === u.workflow);
    const job = wf?.jobs.find((j) => j.id === u.job);
    if (!wf || !job || wf.system !== 'github-actions') {
      elsewhere.push(u);
      continue;
    }
    const key = `${wf.path}#${job.id}`;
    const entry = byJob.get(key) ?? { wf, job, uses: [] };
    entry.uses.push(u);
    byJob.set(key, entry);
  }
  return { github: [...byJob.values()], elsewhere };
}

const describeJob = (s: ScanJob): string => `${scannerNames(s.uses)} (${s.wf.path}, job ${s.job.id})`;

export default defineCheck({
  id: 'scan.required',
  title: 'Scan jobs are required status checks on the protected branch',
  needs: ['workflows'],
  uses: ['github'],
  remediation:
    'Make each scan job a required status check of the default branch: in the ruleset (or classic branch protection) add the check named as the job shows on a pull request (its `name:`, else its id; matrix jobs per combination), so a failing scan blocks the merge instead of advising.',
  evaluate({ workflows, github }, _options, ctx) {
    const { github: jobs, elsewhere } = scanJobs(workflows);
    const resource = ciResource(workflows);
    if (!jobs.length && !elsewhere.length)
      return [
        fail(
          'no scan runs on pull requests, so there is no scan to require: see scan.sast, scan.sca and scan.secrets',
          resource,
        ),
      ];
    if (!jobs.length)
      return [
        notAvailable(
          `scans run on merge requests in GitLab CI (${scannerNames(elsewhere)}); whether their pipeline must succeed is a GitLab project setting greenlight does not read yet`,
          resource,
        ),
      ];
    if (!github)
      return [
        notAvailable(
          `${jobs.length} scan job(s) run on pull requests; connect GitHub to see required status checks (greenlight assess --github OWNER/REPO)`,
          resource,
        ),
      ];
    const repo = subjectRepository(github, { names: [ctx.repository] });
    if (!repo)
      return [
        notAvailable(
          `the GitHub facts hold no repository matching ${ctx.repository ?? 'this checkout'}: assess it with --github OWNER/REPO to see its required status checks`,
          resource,
        ),
      ];
    const branch = `${repo.fullName}@${repo.defaultBranch}`;
    const protection = defaultProtection(repo);
    if (!protection) return [notAvailable(`the protection of ${branch} was not read`, branch)];
    if (isUnavailable(protection)) return [notAvailable(protection.reason, branch)];
    const contexts = protection.effective.statusChecks;
    const findings: Finding[] = [];
    const required: string[] = [];
    for (const s of jobs) {
      const names = checkNames(s.wf, s.job, workflows.files);
      const hit = contexts.filter((c) => names.some((n) => matches(c, n)));
      const location = s.job.location;
      if (hit.length) {
        required.push(`${hit.join(', ')} (${scannerNames(s.uses)})`);
        continue;
      }
      const shown = names[0] ? `"${names[0].text}${names[0].prefix ? '…' : ''}"` : 'set by an expression';
      const what = `${describeJob(s)} runs on pull requests, but its check ${shown} is not a required status check on ${branch}`;
      if (!names.length)
        findings.push(
          notAvailable(
            `${describeJob(s)} runs on pull requests; its check name is set by an expression, so it cannot be matched against the required checks (${contexts.join(', ') || 'none'})`,
            s.wf.path,
            { location },
          ),
        );
      else if (protection.gaps.length)
        findings.push(
          notAvailable(`${what} as far as can be seen; ${gapReason(protection)}`, s.wf.path, { location }),
        );
      else
        findings.push(
          fail(`${what} (required: ${contexts.join(', ') || 'none'})`, s.wf.path, {
            location,
            details: { job: s.job.id, names: names.map((n) => n.text), required: contexts },
          }),
        );
    }
    if (findings.length) return findings;
    return [
      pass(
        `every scan job on pull requests is a required status check on ${branch} (by ${enforcedBy(protection, (r) => r.statusChecks.length > 0).join(', ')}): ${required.join('; ')}`,
        branch,
        { details: { required: contexts } },
      ),
    ];
  },
});
