import picomatch from 'picomatch';
import type {
  Job,
  Location,
  Step,
  Trigger,
  Workflow,
  WorkflowError,
  WorkflowInclude,
} from '../../facts/index.js';
import type { RepoReader } from './files.js';
import {
  defaultSources,
  GITLAB_SOURCES,
  mentionsSchedule,
  onlyExceptSources,
  rulesSources,
  sourceEvent,
  type SourceSet,
} from './gitlab-rules.js';
import {
  describe,
  entry,
  get,
  isMapNode,
  parseYaml,
  str,
  strList,
  type YEntry,
  type YMap,
  type YNode,
  type YScalar,
} from './yaml-tree.js';

/** Top-level keywords of `.gitlab-ci.yml` that are not jobs. */
export const GITLAB_KEYWORDS = new Set([
  'stages',
  'variables',
  'default',
  'include',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'types',
  'spec',
]);

/** Keys a job takes from `default:` (and the legacy top-level equivalents) when it has none. */
const DEFAULT_KEYS = [
  'after_script',
  'artifacts',
  'before_script',
  'cache',
  'hooks',
  'id_tokens',
  'image',
  'interruptible',
  'retry',
  'services',
  'tags',
  'timeout',
];
const LEGACY_GLOBALS = ['image', 'services', 'cache', 'before_script', 'after_script'];
const DEFAULT_STAGES = ['build', 'test', 'deploy'];
const MAX_INCLUDES = 150;
const MAX_EXTENDS_DEPTH = 11;
const MAX_REFERENCE_DEPTH = 10;

interface Ctx {
  reader: RepoReader;
  errors: WorkflowError[];
  includes: WorkflowInclude[];
  loaded: number;
}

/** Parses `.gitlab-ci.yml` with its local includes; problems go to `errors` and the file is left out. */
export async function parseGitlabCi(
  file: string,
  text: string,
  reader: RepoReader,
  errors: WorkflowError[],
): Promise<Workflow | undefined> {
  const ctx: Ctx = { reader, errors: [], includes: [], loaded: 0 };
  const main = loadDocument(file, text, ctx);
  const config = main ? await withIncludes(main, [file], ctx) : undefined;
  const wf = config ? buildWorkflow(file, config, ctx) : undefined;
  if (ctx.errors.length) {
    errors.push(...ctx.errors);
    return undefined;
  }
  if (wf && ctx.includes.length) wf.includes = ctx.includes;
  return wf;
}

function problem(ctx: Ctx, message: string, loc: Location | undefined, path: string): void {
  ctx.errors.push({
    path: loc?.path ?? path,
    ...(loc?.line ? { line: loc.line } : {}),
    ...(loc?.column ? { column: loc.column } : {}),
    message,
  });
}

/** One CI file as a mapping; a leading `spec:` header document is skipped. */
function loadDocument(file: string, text: string, ctx: Ctx): YMap | undefined {
  const parsed = parseYaml(text, file, { multiDocument: true });
  if (parsed.errors.length) {
    ctx.errors.push(...parsed.errors);
    return undefined;
  }
  let roots = parsed.roots;
  if (roots.length > 1 && isMapNode(roots[0]) && roots[0].entries.has('spec')) roots = roots.slice(1);
  if (roots.length > 1) {
    problem(ctx, 'a CI file holds one YAML document (after an optional `spec:` header)', roots[1]?.loc, file);
    return undefined;
  }
  const root = roots[0];
  if (root === undefined) return emptyMap({ path: file, line: 1, column: 1 });
  if (!isMapNode(root)) {
    problem(
      ctx,
      `a CI configuration must be a mapping of jobs and keywords, found ${describe(root)}`,
      root.loc,
      file,
    );
    return undefined;
  }
  return root;
}

function emptyMap(loc: Location): YMap {
  return { kind: 'map', entries: new Map(), loc };
}

// ---------------------------------------------------------------- include:

interface IncludeSpec {
  kind: WorkflowInclude['kind'];
  ref: string;
  loc: Location;
}

function includeSpecs(n: YNode, ctx: Ctx, file: string): IncludeSpec[] {
  const items = n.kind === 'seq' ? n.items : [n];
  const out: IncludeSpec[] = [];
  for (const item of items) {
    if (item.kind === 'scalar' && typeof item.value === 'string') {
      out.push({ kind: /^https?:\/\//i.test(item.text) ? 'remote' : 'local', ref: item.text, loc: item.loc });
      continue;
    }
    if (isMapNode(item)) {
      const local = str(get(item, 'local'));
      const remote = str(get(item, 'remote'));
      const template = str(get(item, 'template'));
      const component = str(get(item, 'component'));
      const project = str(get(item, 'project'));
      const artifact = str(get(item, 'artifact'));
      if (local !== undefined) out.push({ kind: 'local', ref: local, loc: item.loc });
      else if (remote !== undefined) out.push({ kind: 'remote', ref: remote, loc: item.loc });
      else if (template !== undefined) out.push({ kind: 'template', ref: template, loc: item.loc });
      else if (component !== undefined) out.push({ kind: 'component', ref: component, loc: item.loc });
      else if (project !== undefined) {
        const files = strList(get(item, 'file'));
        const ref = str(get(item, 'ref'));
        for (const f of files.length ? files : ['']) {
          out.push({ kind: 'project', ref: `${project}:${f}${ref ? `@${ref}` : ''}`, loc: item.loc });
        }
      } else if (artifact !== undefined) out.push({ kind: 'artifact', ref: artifact, loc: item.loc });
      else
        problem(
          ctx,
          'an `include:` entry needs local, remote, project, template or component',
          item.loc,
          file,
        );
      continue;
    }
    problem(
      ctx,
      `an \`include:\` entry must be a path or a mapping, found ${describe(item)}`,
      item.loc,
      file,
    );
  }
  return out;
}

/** The file's content with its includes merged underneath it (the including file wins). */
async function withIncludes(doc: YMap, stack: string[], ctx: Ctx): Promise<YMap> {
  const inc = entry(doc, 'include');
  const own = without(doc, 'include');
  if (!inc) return own;
  const file = stack.at(-1) as string;
  let base = emptyMap(doc.loc);
  for (const spec of includeSpecs(inc.value, ctx, file)) {
    if (spec.kind !== 'local') {
      ctx.includes.push({ kind: spec.kind, ref: spec.ref, resolved: false, location: spec.loc });
      continue;
    }
    const paths = await localPaths(spec, ctx, file);
    ctx.includes.push({ kind: 'local', ref: spec.ref, resolved: paths.length > 0, location: spec.loc });
    for (const p of paths) {
      if (stack.includes(p)) continue; // an include cycle adds nothing new
      if (++ctx.loaded > MAX_INCLUDES) {
        problem(ctx, `more than ${MAX_INCLUDES} included files`, spec.loc, file);
        return own;
      }
      const read = await ctx.reader.read(p);
      if (!read.ok) {
        problem(ctx, `included file \`${p}\`: ${read.message}`, spec.loc, file);
        continue;
      }
      const included = loadDocument(p, read.text, ctx);
      if (included) base = deepMerge(base, await withIncludes(included, [...stack, p], ctx));
    }
  }
  return deepMerge(base, own);
}

async function localPaths(spec: IncludeSpec, ctx: Ctx, file: string): Promise<string[]> {
  const rel = spec.ref.replace(/^\/+/, '');
  if (!/[*?[{]/.test(rel)) {
    if (await ctx.reader.exists(rel)) return [rel];
    problem(ctx, `included file \`${spec.ref}\` does not exist`, spec.loc, file);
    return [];
  }
  // A glob: walk from its static prefix and match.
  const staticDir = rel
    .split('/')
    .filter((_, i, parts) => !parts.slice(0, i + 1).some((s) => /[*?[{]/.test(s)));
  const isMatch = picomatch(rel, { dot: true });
  const found = (await ctx.reader.walk(staticDir.join('/'))).filter((p) => isMatch(p) && /\.ya?ml$/.test(p));
  if (!found.length) problem(ctx, `included pattern \`${spec.ref}\` matches no file`, spec.loc, file);
  return found;
}

function without(map: YMap, ...keys: string[]): YMap {
  const entries = new Map([...map.entries].filter(([k]) => !keys.includes(k)));
  return { ...map, entries };
}

/** GitLab's merge: mappings merge key by key, anything else in `b` replaces `a`. */
function deepMerge(a: YMap, b: YMap): YMap {
  const entries = new Map(a.entries);
  for (const [k, eb] of b.entries) {
    const ea = entries.get(k);
    if (ea && isMapNode(ea.value) && isMapNode(eb.value) && !eb.value.tag && !ea.value.tag) {
      entries.set(k, { ...eb, value: deepMerge(ea.value, eb.value) });
    } else entries.set(k, eb);
  }
  return { ...b, entries };
}

// ---------------------------------------------------------------- extends: and !reference

function resolveExtends(config: YMap, ctx: Ctx, file: string): Map<string, YMap> {
  const done = new Map<string, YMap>();
  // A job whose chain is broken is reported once, not again from every job extending it.
  const failed = new Set<string>();
  const visit = (name: string, stack: string[]): YMap | undefined => {
    const cached = done.get(name);
    if (cached) return cached;
    if (failed.has(name)) return undefined;
    const result = expand(name, stack);
    if (result) done.set(name, result);
    else failed.add(name);
    return result;
  };
  const expand = (name: string, stack: string[]): YMap | undefined => {
    const e = config.entries.get(name);
    if (!e || !isMapNode(e.value)) return undefined;
    const node = e.value;
    const parents = strList(get(node, 'extends'));
    if (!parents.length) return node;
    let base = emptyMap(node.loc);
    for (const parent of parents) {
      const loc = entry(node, 'extends')?.value.loc;
      if (stack.includes(parent)) {
        problem(
          ctx,
          `\`${name}\` extends \`${parent}\` in a cycle (${[...stack, parent].join(' → ')})`,
          loc,
          file,
        );
        return undefined;
      }
      if (stack.length > MAX_EXTENDS_DEPTH) {
        problem(ctx, `\`${name}\`: extends nests deeper than ${MAX_EXTENDS_DEPTH} levels`, loc, file);
        return undefined;
      }
      const pe = config.entries.get(parent);
      if (!pe || !isMapNode(pe.value)) {
        problem(ctx, `\`${name}\` extends \`${parent}\`, which is not defined`, loc, file);
        return undefined;
      }
      const resolved = visit(parent, [...stack, parent]);
      if (!resolved) return undefined;
      base = deepMerge(base, resolved);
    }
    const merged = deepMerge(base, without(node, 'extends'));
    merged.loc = node.loc;
    return merged;
  };
  for (const [name, e] of config.entries) {
    if (!GITLAB_KEYWORDS.has(name) && isMapNode(e.value)) visit(name, [name]);
  }
  return done;
}

/** Replaces `!reference [job, key, …]` nodes by what they point at. */
function resolveReferences(
  n: YNode,
  lookup: (path: string[]) => YNode | undefined,
  ctx: Ctx,
  file: string,
  depth = 0,
): YNode {
  if (n.tag === '!reference') {
    const path = n.kind === 'seq' ? n.items.map((i) => (i.kind === 'scalar' ? i.text : '')) : [];
    const target = depth < MAX_REFERENCE_DEPTH ? lookup(path) : undefined;
    if (!target) {
      problem(ctx, `!reference [${path.join(', ')}] does not point at anything`, n.loc, file);
      return { kind: 'seq', items: [], loc: n.loc };
    }
    return resolveReferences(target, lookup, ctx, file, depth + 1);
  }
  if (n.kind === 'seq')
    return { ...n, items: n.items.map((i) => resolveReferences(i, lookup, ctx, file, depth)) };
  if (n.kind === 'map') {
    const entries = new Map<string, YEntry>();
    for (const [k, e] of n.entries)
      entries.set(k, { ...e, value: resolveReferences(e.value, lookup, ctx, file, depth) });
    return { ...n, entries };
  }
  return n;
}

// ---------------------------------------------------------------- the workflow

function buildWorkflow(file: string, config: YMap, ctx: Ctx): Workflow | undefined {
  const resolved = resolveExtends(config, ctx, file);
  const lookup = (path: string[]): YNode | undefined => {
    const [first, ...rest] = path;
    let node: YNode | undefined =
      first === undefined ? undefined : (resolved.get(first) ?? get(config, first));
    for (const key of rest) node = isMapNode(node) ? get(node, key) : undefined;
    return node;
  };
  const resolve = (n: YNode): YNode => resolveReferences(n, lookup, ctx, file);

  const wf: Workflow = { path: file, system: 'gitlab-ci', triggers: [], jobs: [] };
  const workflowNode = get(config, 'workflow');
  const wfName = isMapNode(workflowNode) ? str(get(workflowNode, 'name')) : undefined;
  if (wfName !== undefined) wf.name = wfName;
  const stagesNode = get(config, 'stages') ?? get(config, 'types');
  const stages = stagesNode ? strList(resolve(stagesNode)) : DEFAULT_STAGES;
  if (stagesNode) wf.stages = stages;
  const globalVars = variables(get(config, 'variables'));
  const varsEntry = entry(config, 'variables');
  if (varsEntry) {
    wf.env = globalVars;
    wf.envLocation = varsEntry.keyLoc;
  }

  const defaults = defaultsOf(config);
  const workflowRules = isMapNode(workflowNode) ? get(workflowNode, 'rules') : undefined;
  const hasWorkflowRules = workflowRules?.kind === 'seq';
  // Without workflow:rules GitLab creates a pipeline for every source in which some job runs.
  const allowed: SourceSet = hasWorkflowRules ? rulesSources(workflowRules) : defaultSources(true);

  const jobSources = new Map<string, SourceSet>();
  let schedule = false;
  for (const [name, e] of config.entries) {
    if (GITLAB_KEYWORDS.has(name) || name.startsWith('.')) continue;
    if (!isMapNode(e.value)) {
      problem(ctx, `job \`${name}\` must be a mapping, found ${describe(e.value)}`, e.value.loc, file);
      continue;
    }
    const merged = resolved.get(name);
    if (!merged) continue; // its extends error is already recorded
    const node = resolve(withDefaults(merged, defaults)) as YMap;
    const job = buildJob(name, e, node, stages, globalVars, ctx, file);
    if (!job) continue;
    const sources = jobRunSources(node, hasWorkflowRules, e.keyLoc);
    jobSources.set(name, sources);
    schedule ||= mentionsSchedule(node);
    wf.jobs.push(job);
  }
  if (isMapNode(workflowNode) && hasWorkflowRules) schedule ||= mentionsSchedule(workflowNode);
  if (!wf.jobs.length && !ctx.errors.length) {
    problem(ctx, 'the configuration defines no job (hidden `.jobs` do not run)', config.loc, file);
  }
  if (ctx.errors.length) return undefined;

  // A pipeline exists for a source when the workflow allows it and at least one job runs in it.
  const triggers = new Map<string, Trigger>();
  for (const source of GITLAB_SOURCES) {
    if (!allowed.has(source)) continue;
    const event = sourceEvent(source);
    if (event === 'schedule' && !schedule) continue; // schedules live in project settings, not the file
    const runner = wf.jobs.find((j) => jobSources.get(j.id)?.has(source));
    if (!runner || triggers.has(event)) continue;
    const location = allowed.get(source) ?? jobSources.get(runner.id)?.get(source) ?? runner.location;
    triggers.set(event, { event, location });
  }
  wf.triggers = [...triggers.values()];
  const triggerEvents = [...triggers.keys()];
  for (const job of wf.jobs) {
    const events = eventsOf(intersect(jobSources.get(job.id) ?? new Map(), allowed)).filter((ev) =>
      triggers.has(ev),
    );
    if (!sameSet(events, triggerEvents)) job.events = events;
  }
  return wf;
}

function eventsOf(sources: SourceSet): string[] {
  return [...new Set([...sources.keys()].map(sourceEvent))];
}

function intersect(a: SourceSet, b: SourceSet): SourceSet {
  return new Map([...a].filter(([s]) => b.has(s)));
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function jobRunSources(node: YMap, hasWorkflowRules: boolean, loc: Location): SourceSet {
  const rules = get(node, 'rules');
  const when = str(get(node, 'when'));
  if (rules) return rulesSources(rules, when);
  const only = get(node, 'only');
  const except = get(node, 'except');
  let sources: SourceSet =
    only || except
      ? onlyExceptSources(only, except, hasWorkflowRules, loc)
      : defaultSources(hasWorkflowRules, loc);
  if (when === 'manual' || when === 'never') sources = new Map();
  return sources;
}

function defaultsOf(config: YMap): Map<string, YEntry> {
  const out = new Map<string, YEntry>();
  for (const k of LEGACY_GLOBALS) {
    const e = entry(config, k);
    if (e) out.set(k, e);
  }
  const def = get(config, 'default');
  if (isMapNode(def))
    for (const k of DEFAULT_KEYS) {
      const e = entry(def, k);
      if (e) out.set(k, e);
    }
  return out;
}

/** A job with the `default:` keys it does not set itself (as `inherit:` allows). */
function withDefaults(job: YMap, defaults: Map<string, YEntry>): YMap {
  const inherit = get(job, 'inherit');
  const setting = isMapNode(inherit) ? get(inherit, 'default') : undefined;
  const allowedKeys =
    setting === undefined
      ? undefined
      : setting.kind === 'scalar'
        ? setting.value === false
          ? []
          : undefined
        : strList(setting);
  const entries = new Map(job.entries);
  for (const [k, e] of defaults) {
    if (entries.has(k) || (allowedKeys && !allowedKeys.includes(k))) continue;
    entries.set(k, e);
  }
  return { ...job, entries };
}

function inheritsVariables(job: YMap): (name: string) => boolean {
  const inherit = get(job, 'inherit');
  const setting = isMapNode(inherit) ? get(inherit, 'variables') : undefined;
  if (setting === undefined) return () => true;
  if (setting.kind === 'scalar') return () => setting.value !== false;
  const names = strList(setting);
  return (n) => names.includes(n);
}

function variables(n: YNode | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMapNode(n)) return out;
  for (const [k, e] of n.entries) {
    const v = isMapNode(e.value) ? str(get(e.value, 'value')) : str(e.value);
    out[k] = v ?? '';
  }
  return out;
}

/** Script lines of a `script:`-like key: a string, or a list whose nested lists are flattened. */
function scriptLines(n: YNode | undefined): YScalar[] {
  if (!n) return [];
  if (n.kind === 'scalar') return n.value === null ? [] : [n];
  if (n.kind === 'seq') return n.items.flatMap(scriptLines);
  return [];
}

function buildJob(
  name: string,
  e: YEntry,
  node: YMap,
  stages: string[],
  globalVars: Record<string, string>,
  ctx: Ctx,
  file: string,
): Job | undefined {
  const at = e.keyLoc;
  const errorsBefore = ctx.errors.length;
  const scriptEntry = entry(node, 'script');
  if (!scriptEntry && !get(node, 'trigger') && !get(node, 'run')) {
    problem(ctx, `job \`${name}\` needs a \`script:\` (or \`trigger:\`/\`run:\`)`, at, file);
  }
  if (get(node, 'rules') && (get(node, 'only') || get(node, 'except'))) {
    problem(
      ctx,
      `job \`${name}\` uses \`rules:\` together with \`only:\`/\`except:\`; GitLab rejects that`,
      at,
      file,
    );
  }
  const stageEntry = entry(node, 'stage');
  const stage = str(stageEntry?.value) ?? 'test';
  if (!stages.includes(stage) && stage !== '.pre' && stage !== '.post') {
    problem(
      ctx,
      `job \`${name}\` is in stage \`${stage}\`, which is not listed in \`stages:\``,
      stageEntry?.value.loc ?? at,
      file,
    );
  }
  if (ctx.errors.length > errorsBefore) return undefined;

  const job: Job = {
    id: name,
    name,
    location: at,
    needs: [],
    continueOnError: false,
    steps: [],
    secrets: [],
    stage,
  };
  const tags = strList(get(node, 'tags'));
  if (tags.length) job.runsOn = tags;
  const image = get(node, 'image');
  const img = isMapNode(image) ? str(get(image, 'name')) : str(image);
  if (img !== undefined) job.image = img;
  const services = get(node, 'services');
  if (services?.kind === 'seq') {
    job.services = services.items.flatMap((s) => {
      const v = isMapNode(s) ? str(get(s, 'name')) : str(s);
      return v === undefined ? [] : [v];
    });
  }
  const env = get(node, 'environment');
  const envName = isMapNode(env) ? str(get(env, 'name')) : str(env);
  if (envName !== undefined) job.environment = envName;
  const needs = get(node, 'needs');
  if (needs?.kind === 'seq') {
    job.needs = needs.items.flatMap((n) => {
      const v = isMapNode(n) ? str(get(n, 'job')) : str(n);
      return v === undefined ? [] : [v];
    });
  }
  job.continueOnError = allowsFailure(node);
  const idTokens = get(node, 'id_tokens');
  if (isMapNode(idTokens)) job.idTokens = [...idTokens.entries.keys()];

  const inherits = inheritsVariables(node);
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(globalVars)) if (inherits(k)) vars[k] = v;
  Object.assign(vars, variables(get(node, 'variables')));
  const varsEntry = entry(node, 'variables');
  if (Object.keys(vars).length) {
    job.env = vars;
    if (varsEntry) job.envLocation = varsEntry.keyLoc;
  }

  const lines = [
    ...scriptLines(get(node, 'before_script')),
    ...scriptLines(scriptEntry?.value),
    ...scriptLines(get(node, 'after_script')),
  ];
  if (lines.length) {
    const step: Step = {
      index: 0,
      name: 'script',
      run: lines.map((l) => l.text).join('\n'),
      with: {},
      env: {},
      continueOnError: job.continueOnError,
      location: scriptEntry?.keyLoc ?? at,
      runLocation: (lines[0] as YScalar).content,
    };
    job.steps = [step];
  }
  // id_tokens are minted by GitLab, not stored secrets.
  const provided = Object.fromEntries((job.idTokens ?? []).map((n) => [n, '']));
  job.secrets = usedVariables(node, { ...vars, ...provided });
  return job;
}

function allowsFailure(node: YMap): boolean {
  const v = get(node, 'allow_failure');
  if (v?.kind === 'scalar' ? v.value === true : isMapNode(v)) return true;
  const rules = get(node, 'rules');
  return (
    rules?.kind === 'seq' &&
    rules.items.some((r) => isMapNode(r) && (get(r, 'allow_failure') as YScalar | undefined)?.value === true)
  );
}

// Variables GitLab or the shell provide; anything else a script uses comes from CI/CD settings.
const PREDEFINED =
  /^(?:CI|GITLAB|RUNNER|FF|CHAT|TRIGGER|DOCKER_DRIVER|DOCKER_HOST|DOCKER_TLS)_?|^(?:HOME|PATH|PWD|OLDPWD|USER|SHELL|HOSTNAME|RANDOM|IFS|LANG|TERM|UID|TMPDIR|SECONDS|LINENO|BASH_\w+|PIPESTATUS|OSTYPE)$/;

/** Names of CI/CD variables the job uses that the file itself does not define. */
function usedVariables(node: YMap, defined: Record<string, string>): string[] {
  const texts: string[] = [];
  const walk = (n: YNode): void => {
    if (n.kind === 'scalar') {
      if (typeof n.value === 'string') texts.push(n.value);
    } else if (n.kind === 'seq') n.items.forEach(walk);
    else for (const [k, e] of n.entries) if (k !== 'rules' && k !== 'only' && k !== 'except') walk(e.value);
  };
  walk(node);
  const all = texts.join('\n');
  const assigned = new Set<string>();
  for (const m of all.matchAll(/(?:^|[\s;(]|export\s+|for\s+)([A-Za-z_]\w*)(?:=|\s+in\s)/g))
    assigned.add(m[1] as string);
  for (const m of all.matchAll(/\bread\s+(?:-\w+\s+)*([A-Za-z_]\w*)/g)) assigned.add(m[1] as string);
  const used = new Set<string>();
  for (const m of all.matchAll(/\$(?:\{([A-Za-z_]\w*)[^}]*\}|([A-Za-z_]\w*))/g)) {
    const name = (m[1] ?? m[2]) as string;
    if (!PREDEFINED.test(name) && !(name in defined) && !assigned.has(name)) used.add(name);
  }
  return [...used].sort();
}
