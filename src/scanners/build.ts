import type { Job, Step, Trigger, Workflow } from '../facts/index.js';

/**
 * Small builders for workflow facts with sensible defaults: for tests, and for any code that
 * synthesizes facts. Only the fields given are set beyond the required ones.
 */
export function makeStep(fields: Partial<Step> = {}): Step {
  return {
    index: 0,
    with: {},
    env: {},
    continueOnError: false,
    location: { path: '.github/workflows/ci.yml', line: 1 },
    ...fields,
  };
}

export function makeJob(id: string, steps: Partial<Step>[] = [], fields: Partial<Job> = {}): Job {
  const path = fields.location?.path ?? '.github/workflows/ci.yml';
  return {
    id,
    location: { path, line: 1 },
    needs: [],
    continueOnError: false,
    secrets: [],
    ...fields,
    steps:
      fields.steps ??
      steps.map((s, index) => makeStep({ index, location: { path, line: 10 + index }, ...s })),
  };
}

export function makeWorkflow(
  path: string,
  triggers: (string | Trigger)[],
  jobs: Job[],
  fields: Partial<Workflow> = {},
): Workflow {
  return {
    path,
    system: path.includes('.gitlab-ci') ? 'gitlab-ci' : 'github-actions',
    triggers: triggers.map((t) => (typeof t === 'string' ? { event: t } : t)),
    jobs: jobs.map((j) => relocate(j, path)),
    ...fields,
  };
}

// Jobs built without a path take their workflow's path.
function relocate(job: Job, path: string): Job {
  if (job.location.path === path) return job;
  if (job.location.path !== '.github/workflows/ci.yml') return job;
  return {
    ...job,
    location: { ...job.location, path },
    steps: job.steps.map((s) => ({ ...s, location: { ...s.location, path } })),
  };
}
