import type { Step, Workflow } from '../../facts/index.js';
import { effectiveEvents, expandedSteps, parseUses } from '../../facts/workflows/index.js';
import { defineCheck, fail, notApplicable, pass, type Finding } from '../define-check.js';

/** Triggers that run with the base repository's secrets and write token while reacting to outside input. */
const PRIVILEGED = ['pull_request_target', 'workflow_run'];

/** Expressions naming the untrusted head of a pull request or of the run that triggered us. */
const UNTRUSTED_REF =
  /github\.event\.pull_request\.head\.(?:sha|ref)|github\.head_ref|github\.event\.pull_request\.merge_commit_sha|refs\/pull\/|github\.event\.workflow_run\.head_(?:sha|branch|commit\.id)|github\.event\.workflow_run\.pull_requests|github\.event\.pull_request\.head\.repo\.full_name|github\.event\.workflow_run\.head_repository\.full_name/i;

/** Shell commands that fetch or switch to another revision. */
const GIT_FETCH = /\bgit\s+(?:fetch|checkout|switch|pull|worktree\s+add)\b/i;
const GH_PR_CHECKOUT = /\bgh\s+pr\s+checkout\b/i;

/** Actions that build or execute the code in the workspace. */
const BUILD_ACTIONS = [
  'docker/build-push-action',
  'github/codeql-action/autobuild',
  'gradle/gradle-build-action',
  'gradle/actions',
  'cypress-io/github-action',
  'actions-rs/cargo',
  'borales/actions-yarn',
  'bahmutov/npm-install',
];

function checksOutHead(step: Step): boolean {
  if (step.uses) {
    const ref = parseUses(step.uses);
    if (ref.kind === 'remote' && `${ref.owner}/${ref.repo}`.toLowerCase() === 'actions/checkout') {
      return UNTRUSTED_REF.test(step.with.ref ?? '') || UNTRUSTED_REF.test(step.with.repository ?? '');
    }
    return false;
  }
  if (step.run === undefined) return false;
  if (GH_PR_CHECKOUT.test(step.run)) return true;
  // `git fetch origin ${{ github.event.pull_request.head.sha }}`, or the same through an env variable.
  return (
    GIT_FETCH.test(step.run) &&
    (UNTRUSTED_REF.test(step.run) ||
      Object.values(step.env).some((v) => UNTRUSTED_REF.test(v)) ||
      /\$\{?GITHUB_HEAD_REF\b/.test(step.run))
  );
}

function runsCode(step: Step): boolean {
  if (step.run !== undefined) return true;
  if (!step.uses) return false;
  const ref = parseUses(step.uses);
  if (ref.kind === 'local') return true;
  if (ref.kind !== 'remote') return false;
  const name = ref.name.toLowerCase();
  return BUILD_ACTIONS.some((a) => name === a || name.startsWith(`${a}/`));
}

function evaluateWorkflow(wf: Workflow): Finding[] {
  const out: Finding[] = [];
  for (const job of wf.jobs) {
    const privileged = effectiveEvents(wf, job).filter((e) => PRIVILEGED.includes(e));
    if (!privileged.length) continue;
    const steps = expandedSteps(wf, job);
    const checkoutAt = steps.findIndex(({ step }) => checksOutHead(step));
    if (checkoutAt < 0) continue;
    const runner = steps.slice(checkoutAt + 1).find(({ step }) => runsCode(step));
    if (!runner) continue;
    const checkout = steps[checkoutAt] as (typeof steps)[number];
    const what =
      runner.step.run !== undefined ? `\`run:\` step ${runner.step.index + 1}` : `\`${runner.step.uses}\``;
    out.push(
      fail(
        `${wf.path} job \`${job.id}\` runs on ${privileged.join(', ')}, checks out the untrusted head ` +
          `(step ${checkout.step.index + 1}) and then runs it (${what}) with the base repository's secrets and token`,
        wf.path,
        {
          location: { ...checkout.step.location, path: checkout.path },
          details: {
            job: job.id,
            triggers: privileged,
            checkoutStep: checkout.step.index,
            runStep: runner.step.index,
          },
        },
      ),
    );
  }
  return out;
}

export default defineCheck({
  id: 'pipeline.no-dangerous-triggers',
  title: 'No privileged workflow checks out and runs untrusted pull request code',
  needs: ['workflows'],
  remediation:
    'Build and test pull requests with `on: pull_request` (no secrets, read-only token). If a ' +
    '`pull_request_target`/`workflow_run` job is needed (labels, comments), do not check out the PR head ' +
    'there, or split it: an unprivileged `pull_request` workflow produces an artifact and the privileged one ' +
    'only reads it as data.',
  evaluate({ workflows }) {
    const github = workflows.files.filter((w) => w.system === 'github-actions');
    if (!github.length) return [notApplicable('no GitHub Actions workflow in the repository', '.')];
    const findings = github.flatMap(evaluateWorkflow);
    if (findings.length) return findings;
    const privileged = github.filter((w) => w.triggers.some((t) => PRIVILEGED.includes(t.event)));
    if (!privileged.length) {
      return [pass('no workflow uses pull_request_target or workflow_run', '.github/workflows')];
    }
    return privileged.map((w) =>
      pass(`${w.path} uses a privileged trigger but never checks out and runs the untrusted head`, w.path),
    );
  },
});
