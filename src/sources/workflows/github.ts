import path from 'node:path';
import type {
  Job,
  Location,
  Permissions,
  Step,
  Trigger,
  Workflow,
  WorkflowError,
} from '../../facts/index.js';
import type { RepoReader } from './files.js';
import { eventsAllowedBy, findExpressions, secretRefs } from '../../facts/workflows/index.js';
import {
  describe,
  entry,
  get,
  isMapNode,
  parseYaml,
  str,
  strList,
  strMap,
  type YEntry,
  type YNode,
} from './yaml-tree.js';

/** Shared across the workflows of one repository: local actions are read and reported once. */
export interface GithubContext {
  reader: RepoReader;
  errors: WorkflowError[];
  /** Local action directory → its resolved file and steps, or null when absent or invalid. */
  actions: Map<string, { path: string; steps: Step[] } | null>;
}

class Problems {
  readonly list: WorkflowError[] = [];
  constructor(readonly path: string) {}
  add(message: string, loc?: Location): void {
    this.list.push({
      path: this.path,
      ...(loc?.line ? { line: loc.line } : {}),
      ...(loc?.column ? { column: loc.column } : {}),
      message,
    });
  }
}

/** Parses one `.github/workflows/*.yml`; problems go to `ctx.errors` and the file is left out. */
export async function parseGithubWorkflow(
  file: string,
  text: string,
  ctx: GithubContext,
): Promise<Workflow | undefined> {
  const parsed = parseYaml(text, file);
  if (parsed.errors.length) {
    ctx.errors.push(...parsed.errors);
    return undefined;
  }
  const p = new Problems(file);
  const root = parsed.roots[0];
  const start: Location = { path: file, line: 1, column: 1 };
  if (!isMapNode(root)) {
    p.add(
      root ? `a workflow must be a mapping, found ${describe(root)}` : 'the file is empty',
      root?.loc ?? start,
    );
    ctx.errors.push(...p.list);
    return undefined;
  }

  const onEntry = entry(root, 'on');
  const triggers = onEntry ? parseTriggers(onEntry, p) : [];
  if (!onEntry) p.add('missing `on:`: a workflow must say which events trigger it', root.loc);

  const wf: Workflow = { path: file, system: 'github-actions', triggers, jobs: [] };
  const name = str(get(root, 'name'));
  if (name !== undefined) wf.name = name;
  const perms = entry(root, 'permissions');
  if (perms) {
    const v = parsePermissions(perms, p);
    if (v !== undefined) wf.permissions = v;
    wf.permissionsLocation = perms.keyLoc;
  }
  const env = entry(root, 'env');
  if (env) {
    wf.env = strMap(env.value);
    wf.envLocation = env.keyLoc;
  }

  const jobsEntry = entry(root, 'jobs');
  if (!jobsEntry) p.add('missing `jobs:`: a workflow must define at least one job', root.loc);
  else if (!isMapNode(jobsEntry.value)) {
    p.add(
      `\`jobs:\` must be a mapping of job ids to jobs, found ${describe(jobsEntry.value)}`,
      jobsEntry.value.loc,
    );
  } else if (jobsEntry.value.entries.size === 0) p.add('`jobs:` is empty', jobsEntry.keyLoc);
  else {
    const events = [...new Set(triggers.map((t) => t.event))];
    for (const e of jobsEntry.value.entries.values()) {
      const job = parseJob(e, p, events);
      if (job) wf.jobs.push(job);
    }
    const ids = new Set(wf.jobs.map((j) => j.id));
    for (const job of wf.jobs) {
      for (const need of job.needs) {
        if (!ids.has(need))
          p.add(`job \`${job.id}\` needs \`${need}\`, which is not a job of this workflow`, job.location);
      }
    }
  }

  if (p.list.length) {
    ctx.errors.push(...p.list);
    return undefined;
  }
  const local: Record<string, { path: string; steps: Step[] }> = {};
  await resolveLocalActions(
    wf.jobs.flatMap((j) => j.steps),
    ctx,
    local,
    0,
  );
  if (Object.keys(local).length) wf.localActions = local;
  return wf;
}

// ---------------------------------------------------------------- triggers and permissions

function parseTriggers(e: YEntry, p: Problems): Trigger[] {
  const v = e.value;
  if (v.kind === 'scalar') {
    if (typeof v.value !== 'string' || !v.value) {
      p.add(`\`on:\` must name events, found ${describe(v)}`, v.loc);
      return [];
    }
    return [{ event: v.text, location: v.loc }];
  }
  if (v.kind === 'seq') {
    const out: Trigger[] = [];
    for (const item of v.items) {
      if (item.kind === 'scalar' && typeof item.value === 'string')
        out.push({ event: item.text, location: item.loc });
      else p.add(`\`on:\` lists event names, found ${describe(item)}`, item.loc);
    }
    if (!v.items.length) p.add('`on:` is an empty list', v.loc);
    return out;
  }
  const out: Trigger[] = [];
  for (const [event, te] of v.entries) {
    const cfg = te.value;
    if (event === 'schedule') {
      if (cfg.kind !== 'seq' || cfg.items.length === 0) {
        p.add('`on.schedule` must be a list of `- cron:` entries', cfg.loc);
        continue;
      }
      for (const item of cfg.items) {
        const cron = isMapNode(item) ? entry(item, 'cron') : undefined;
        const text = str(cron?.value);
        if (!cron || !text) p.add('each `on.schedule` entry needs a `cron:` expression', item.loc);
        else out.push({ event, cron: text, location: cron.value.loc });
      }
      continue;
    }
    const t: Trigger = { event, location: te.keyLoc };
    if (isMapNode(cfg)) {
      const branches = strList(get(cfg, 'branches'));
      if (branches.length) t.branches = branches;
      const types = strList(get(cfg, 'types'));
      if (types.length) t.types = types;
    } else if (!(cfg.kind === 'scalar' && cfg.value === null)) {
      p.add(`\`on.${event}\` must be a mapping or empty, found ${describe(cfg)}`, cfg.loc);
      continue;
    }
    out.push(t);
  }
  if (!v.entries.size) p.add('`on:` is empty', v.loc);
  return out;
}

const LEVELS = new Set(['read', 'write', 'none']);

function parsePermissions(e: YEntry, p: Problems): Permissions | undefined {
  const v = e.value;
  if (v.kind === 'scalar') {
    if (v.value === 'read-all' || v.value === 'write-all') return v.value;
    p.add(`\`permissions:\` must be read-all, write-all or a mapping of scopes, found ${describe(v)}`, v.loc);
    return undefined;
  }
  if (v.kind === 'seq') {
    p.add('`permissions:` must be read-all, write-all or a mapping of scopes, found a list', v.loc);
    return undefined;
  }
  const out: Record<string, 'read' | 'write' | 'none'> = {};
  for (const [scope, se] of v.entries) {
    const level = str(se.value);
    if (level === undefined || !LEVELS.has(level)) {
      p.add(`permission \`${scope}\` must be read, write or none, found ${describe(se.value)}`, se.value.loc);
    } else out[scope] = level as 'read' | 'write' | 'none';
  }
  return out;
}

// ---------------------------------------------------------------- jobs and steps

function parseJob(e: YEntry, p: Problems, events: string[]): Job | undefined {
  const id = e.key;
  const n = e.value;
  if (!isMapNode(n)) {
    p.add(`job \`${id}\` must be a mapping, found ${describe(n)}`, n.loc);
    return undefined;
  }
  const job: Job = { id, location: e.keyLoc, needs: [], continueOnError: false, steps: [], secrets: [] };
  const name = str(get(n, 'name'));
  if (name !== undefined) job.name = name;
  const uses = str(get(n, 'uses'));
  const runsOn = get(n, 'runs-on');
  if (uses === undefined && runsOn === undefined) {
    p.add(`job \`${id}\` has neither \`runs-on:\` nor \`uses:\``, e.keyLoc);
  }
  if (uses !== undefined) job.uses = uses;
  if (runsOn) {
    job.runsOn = isMapNode(runsOn)
      ? [...strList(get(runsOn, 'group')), ...strList(get(runsOn, 'labels'))]
      : strList(runsOn);
  }
  const perms = entry(n, 'permissions');
  if (perms) {
    const v = parsePermissions(perms, p);
    if (v !== undefined) job.permissions = v;
    job.permissionsLocation = perms.keyLoc;
  }
  const env = get(n, 'environment');
  const envName = isMapNode(env) ? str(get(env, 'name')) : str(env);
  if (envName !== undefined) job.environment = envName;
  job.needs = strList(get(n, 'needs'));
  const cond = str(get(n, 'if'));
  if (cond !== undefined) job.if = cond;
  job.continueOnError = mayContinue(get(n, 'continue-on-error'));
  const container = get(n, 'container');
  const image = isMapNode(container) ? str(get(container, 'image')) : str(container);
  if (image !== undefined) job.image = image;
  const services = get(n, 'services');
  if (isMapNode(services)) {
    job.services = [...services.entries.values()].flatMap((s) => {
      const img = isMapNode(s.value) ? str(get(s.value, 'image')) : str(s.value);
      return img === undefined ? [] : [img];
    });
  }
  const jobEnv = entry(n, 'env');
  if (jobEnv) {
    job.env = strMap(jobEnv.value);
    job.envLocation = jobEnv.keyLoc;
  }
  const withNode = get(n, 'with');
  if (withNode) job.with = strMap(withNode);
  const secretsNode = get(n, 'secrets');
  if (str(secretsNode) === 'inherit') job.inheritsSecrets = true;

  const stepsEntry = entry(n, 'steps');
  if (uses !== undefined && stepsEntry)
    p.add(`job \`${id}\` calls a reusable workflow and cannot have \`steps:\``, stepsEntry.keyLoc);
  else if (uses === undefined && runsOn !== undefined) {
    if (!stepsEntry) p.add(`job \`${id}\` has no \`steps:\``, e.keyLoc);
    else if (stepsEntry.value.kind !== 'seq') {
      p.add(
        `\`steps:\` of job \`${id}\` must be a list, found ${describe(stepsEntry.value)}`,
        stepsEntry.value.loc,
      );
    } else if (stepsEntry.value.items.length === 0)
      p.add(`\`steps:\` of job \`${id}\` is empty`, stepsEntry.keyLoc);
    else job.steps = parseSteps(stepsEntry.value.items, p, `job \`${id}\``);
  }

  job.secrets = [...new Set(collectSecrets(n))].sort();
  const allowed = eventsAllowedBy(job.if, events);
  if (allowed) job.events = allowed;
  return job;
}

function parseSteps(items: YNode[], p: Problems, owner: string): Step[] {
  const steps: Step[] = [];
  items.forEach((n, index) => {
    if (!isMapNode(n)) {
      p.add(`step ${index + 1} of ${owner} must be a mapping, found ${describe(n)}`, n.loc);
      return;
    }
    const uses = str(get(n, 'uses'));
    const run = entry(n, 'run');
    if (uses === undefined && !run) {
      p.add(`step ${index + 1} of ${owner} has neither \`uses:\` nor \`run:\``, n.loc);
      return;
    }
    if (uses !== undefined && run) {
      p.add(`step ${index + 1} of ${owner} has both \`uses:\` and \`run:\``, n.loc);
      return;
    }
    const step: Step = { index, with: {}, env: {}, continueOnError: false, location: n.loc };
    const id = str(get(n, 'id'));
    if (id !== undefined) step.id = id;
    const name = str(get(n, 'name'));
    if (name !== undefined) step.name = name;
    if (uses !== undefined) step.uses = uses;
    if (run) {
      if (run.value.kind !== 'scalar') {
        p.add(
          `\`run:\` of step ${index + 1} of ${owner} must be a string, found ${describe(run.value)}`,
          run.value.loc,
        );
        return;
      }
      step.run = run.value.text;
      step.runLocation = run.value.content;
    }
    const withNode = get(n, 'with');
    if (isMapNode(withNode)) {
      step.with = strMap(withNode);
      step.withLocations = Object.fromEntries(
        [...withNode.entries].map(([k, we]) => [
          k,
          we.value.kind === 'scalar' ? we.value.content : we.value.loc,
        ]),
      );
    }
    step.env = strMap(get(n, 'env'));
    const cond = get(n, 'if');
    if (cond?.kind === 'scalar' && cond.value !== null) step.if = cond.text;
    step.continueOnError = mayContinue(get(n, 'continue-on-error'));
    steps.push(step);
  });
  return steps;
}

/** `continue-on-error: true`, or an expression that may be true. */
function mayContinue(n: YNode | undefined): boolean {
  if (n?.kind !== 'scalar') return false;
  return n.value === true || (typeof n.value === 'string' && n.value.includes('${{'));
}

/** `secrets.X` in any expression of the job; `if:` values are expressions without `${{ }}`. */
function collectSecrets(n: YNode, key?: string): string[] {
  if (n.kind === 'scalar') {
    if (typeof n.value !== 'string') return [];
    if (key === 'if') return secretRefs(n.value);
    return findExpressions(n.value).flatMap((s) => secretRefs(s.expr));
  }
  if (n.kind === 'seq') return n.items.flatMap((i) => collectSecrets(i));
  return [...n.entries.values()].flatMap((e) => collectSecrets(e.value, e.key));
}

// ---------------------------------------------------------------- local composite actions

const MAX_ACTION_DEPTH = 10;

async function resolveLocalActions(
  steps: Step[],
  ctx: GithubContext,
  out: Record<string, { path: string; steps: Step[] }>,
  depth: number,
): Promise<void> {
  if (depth > MAX_ACTION_DEPTH) return;
  for (const step of steps) {
    const uses = step.uses;
    if (!uses?.startsWith('./') || uses in out) continue;
    const action = await loadAction(uses, ctx);
    if (!action) continue;
    out[uses] = action;
    await resolveLocalActions(action.steps, ctx, out, depth + 1);
  }
}

async function loadAction(uses: string, ctx: GithubContext): Promise<{ path: string; steps: Step[] } | null> {
  const dir = path.posix.normalize(uses.replace(/\/+$/, '')).replace(/^\.\//, '');
  if (ctx.actions.has(dir)) return ctx.actions.get(dir) ?? null;
  ctx.actions.set(dir, null);
  for (const fileName of ['action.yml', 'action.yaml']) {
    const file = dir === '.' ? fileName : `${dir}/${fileName}`;
    const read = await ctx.reader.read(file);
    if (!read.ok) {
      if (!read.missing) ctx.errors.push({ path: file, message: read.message });
      if (read.missing) continue;
      return null;
    }
    const action = parseAction(file, read.text, ctx);
    ctx.actions.set(dir, action);
    return action;
  }
  // Not in the repository: the workflow may create it at run time; nothing to read.
  return null;
}

function parseAction(file: string, text: string, ctx: GithubContext): { path: string; steps: Step[] } | null {
  const parsed = parseYaml(text, file);
  if (parsed.errors.length) {
    ctx.errors.push(...parsed.errors);
    return null;
  }
  const p = new Problems(file);
  const root = parsed.roots[0];
  const runs = isMapNode(root) ? entry(root, 'runs') : undefined;
  let steps: Step[] = [];
  if (!isMapNode(root)) p.add(`an action must be a mapping, found ${describe(root)}`, root?.loc);
  else if (!runs || !isMapNode(runs.value))
    p.add('an action needs a `runs:` mapping', runs?.value.loc ?? root.loc);
  else if (str(get(runs.value, 'using')) === 'composite') {
    const s = entry(runs.value, 'steps');
    if (!s || s.value.kind !== 'seq')
      p.add('a composite action needs `runs.steps:` as a list', s?.value.loc ?? runs.keyLoc);
    else steps = parseSteps(s.value.items, p, `action ${file}`);
  }
  if (p.list.length) {
    ctx.errors.push(...p.list);
    return null;
  }
  return { path: file, steps };
}
