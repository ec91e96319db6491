import type { Job, Location, Step, Workflow } from '../index.js';

/**
 * Pure helpers over the workflow facts, shared by the checks that read them (pipeline.*, scan.*).
 * No I/O here.
 */

/** Triggers that run for a proposed change before it merges (GitLab merge requests map to `pull_request`). */
export const PULL_REQUEST_EVENTS: readonly string[] = ['pull_request', 'pull_request_target', 'merge_group'];

/** Events a job can run on: the workflow's triggers, narrowed by the job's own restriction. */
export function effectiveEvents(wf: Workflow, job: Job): string[] {
  const triggers = [...new Set(wf.triggers.map((t) => t.event))];
  return job.events ? triggers.filter((e) => job.events?.includes(e)) : triggers;
}

export function runsOnPullRequests(wf: Workflow, job: Job): boolean {
  return effectiveEvents(wf, job).some((e) => PULL_REQUEST_EVENTS.includes(e));
}

/**
 * Steps a job runs, with local composite actions (`uses: ./path`) expanded in place once each.
 * Each item says where the step is written (`path`): the workflow or the action file.
 */
export function expandedSteps(wf: Workflow, job: Job): { step: Step; path: string; via?: string }[] {
  const out: { step: Step; path: string; via?: string }[] = [];
  const seen = new Set<string>();
  const visit = (steps: Step[], path: string, via?: string): void => {
    for (const step of steps) {
      out.push({ step, path, ...(via ? { via } : {}) });
      const local = step.uses?.startsWith('./') ? wf.localActions?.[step.uses] : undefined;
      if (local && step.uses && !seen.has(step.uses)) {
        seen.add(step.uses);
        visit(local.steps, local.path, step.uses);
      }
    }
  };
  visit(job.steps, wf.path);
  return out;
}

/**
 * The location of a character inside a GitHub step's script (or a `with:` value), from where the
 * value starts. Exact for single-line values and literal blocks (`|`); for folded or multi-line
 * plain scalars the line is counted in the value, which can differ from the file. Not for GitLab
 * steps: their script joins before_script/script/after_script written in different places.
 */
export function scriptLocation(start: Location, script: string, offset: number): Location {
  const before = script.slice(0, offset);
  const newlines = before.split('\n').length - 1;
  const lineStart = before.lastIndexOf('\n') + 1;
  const loc: Location = { path: start.path };
  if (start.line !== undefined) loc.line = start.line + newlines;
  if (start.column !== undefined) loc.column = start.column + (offset - lineStart);
  return loc;
}

/** A `uses:` reference taken apart. */
export type ActionRef =
  | { kind: 'local'; path: string }
  | { kind: 'docker'; image: string; digest?: string }
  | { kind: 'remote'; owner: string; repo: string; path?: string; ref?: string; name: string };

export function parseUses(uses: string): ActionRef {
  const u = uses.trim();
  if (u.startsWith('./') || u.startsWith('../')) return { kind: 'local', path: u };
  if (u.startsWith('docker://')) {
    const image = u.slice('docker://'.length);
    const digest = /@(sha256:[0-9a-f]{64})$/i.exec(image)?.[1];
    return digest ? { kind: 'docker', image, digest } : { kind: 'docker', image };
  }
  const at = u.lastIndexOf('@');
  const name = at >= 0 ? u.slice(0, at) : u;
  const ref = at >= 0 ? u.slice(at + 1) : undefined;
  const [owner = '', repo = '', ...rest] = name.split('/');
  const out: ActionRef = { kind: 'remote', owner, repo, name };
  if (rest.length) out.path = rest.join('/');
  if (ref !== undefined) out.ref = ref;
  return out;
}

export const FULL_SHA = /^[0-9a-f]{40}$/i;
