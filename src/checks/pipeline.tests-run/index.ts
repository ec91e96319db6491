import type { Job, Workflow } from '../../facts/index.js';
import {
  effectiveEvents,
  expandedSteps,
  PULL_REQUEST_EVENTS,
  scriptLocation,
  stepRunsTests,
  type TestMatch,
} from '../../facts/workflows/index.js';
import { defineCheck, fail, pass, type Finding } from '../define-check.js';

interface TestRun {
  job: Job;
  match: TestMatch;
  /** Where the test step is written (a workflow, an action or a called reusable workflow). */
  path: string;
  line?: number;
}

/** Test steps of a job, following local actions and local reusable workflows (`uses: ./…yml`). */
function testsIn(wf: Workflow, job: Job, all: Workflow[], seen = new Set<string>()): TestRun[] {
  if (job.uses?.startsWith('./')) {
    const target = all.find((w) => w.path === job.uses?.slice(2).replace(/@.*$/, ''));
    if (!target || seen.has(target.path)) return [];
    seen.add(target.path);
    return target.jobs.flatMap((j) => testsIn(target, j, all, seen)).map((t) => ({ ...t, job }));
  }
  return expandedSteps(wf, job).flatMap(({ step }) => {
    const match = stepRunsTests(step);
    if (!match) return [];
    // A GitLab script joins before_script/script/after_script from several places: point at `script:`.
    const at =
      wf.system === 'github-actions' &&
      step.runLocation &&
      step.run !== undefined &&
      match.offset !== undefined
        ? scriptLocation(step.runLocation, step.run, match.offset)
        : step.location;
    return [{ job, match, path: at.path, ...(at.line !== undefined ? { line: at.line } : {}) }];
  });
}

function label(wf: Workflow): string {
  const events = [...new Set(wf.triggers.map((t) => t.event))];
  return `${wf.path} (${events.length ? events.join(', ') : 'no trigger'})`;
}

export default defineCheck({
  id: 'pipeline.tests-run',
  title: 'CI runs tests on pull requests',
  needs: ['workflows'],
  remediation:
    'Run the test suite in a CI job triggered by pull requests (GitHub: `on: pull_request`; GitLab: a job ' +
    'with `rules: - if: $CI_PIPELINE_SOURCE == "merge_request_event"`), e.g. a step `run: npm test`, and ' +
    'make that job a required status check.',
  evaluate({ workflows }) {
    const all = workflows.files;
    if (all.length === 0) {
      const invalid = workflows.errors.length
        ? ` (${workflows.errors.length} workflow file(s) do not parse)`
        : '';
      return [fail(`no CI workflow found${invalid}: nothing tests changes before they merge`, '.')];
    }
    const onPr: Finding[] = [];
    const elsewhere: string[] = [];
    for (const wf of all) {
      for (const job of wf.jobs) {
        const events = effectiveEvents(wf, job);
        const prEvents = events.filter((e) => PULL_REQUEST_EVENTS.includes(e));
        const tests = testsIn(wf, job, all);
        if (!tests.length) continue;
        const first = tests[0] as TestRun;
        if (!prEvents.length) {
          elsewhere.push(
            `${wf.path} job \`${job.id}\` runs \`${first.match.name}\` only on ${events.join(', ') || 'no trigger'}`,
          );
          continue;
        }
        onPr.push(
          pass(
            `${wf.path} job \`${job.id}\` runs \`${first.match.name}\` on ${prEvents.join(', ')}`,
            wf.path,
            {
              location: { path: first.path, ...(first.line !== undefined ? { line: first.line } : {}) },
              details: { job: job.id, command: first.match.command, events: prEvents },
            },
          ),
        );
        break; // one passing job per workflow is enough
      }
    }
    if (onPr.length) return onPr;
    const resource = all.some((w) => w.system === 'github-actions')
      ? '.github/workflows'
      : (all[0] as Workflow).path;
    const hint = elsewhere.length
      ? ` Tests run, but not on pull requests: ${elsewhere.join('; ')}.`
      : ' No job runs a recognised test command.';
    return [
      fail(
        `no workflow runs tests on pull requests. Workflows: ${all.map(label).join('; ')}.${hint}`,
        resource,
        {
          details: {
            workflows: all.map((w) => ({
              path: w.path,
              triggers: [...new Set(w.triggers.map((t) => t.event))],
            })),
            testsElsewhere: elsewhere,
          },
        },
      ),
    ];
  },
});
