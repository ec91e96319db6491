import type { Location } from '../../facts/index.js';
import { compileLinear, type LinearPattern } from '../../linear-regex.js';
import { get, isMapNode, str, strList, type YMap, type YNode } from './yaml-tree.js';

/**
 * When a GitLab job (or pipeline) runs, as the set of pipeline sources (`$CI_PIPELINE_SOURCE`)
 * its `rules:`, `only:` and `except:` allow. Conditions are evaluated three-valued per source:
 * variables other than the pipeline source and the merge-request/branch/tag markers are unknown,
 * and an unknown condition counts as "can run".
 */

export const GITLAB_SOURCES = [
  'push',
  'merge_request_event',
  'schedule',
  'web',
  'api',
  'trigger',
  'pipeline',
  'parent_pipeline',
] as const;
export type GitlabSource = (typeof GITLAB_SOURCES)[number];

/** Normalized trigger name of a pipeline source. */
export function sourceEvent(source: GitlabSource): string {
  switch (source) {
    case 'push':
      return 'push';
    case 'merge_request_event':
      return 'pull_request';
    case 'schedule':
      return 'schedule';
    default:
      return 'workflow_dispatch';
  }
}

/** Sources allowed, each with the place that allowed it (a rule or an `only:` entry). */
export type SourceSet = Map<GitlabSource, Location | undefined>;

const NON_MR: readonly GitlabSource[] = GITLAB_SOURCES.filter((s) => s !== 'merge_request_event');

/** Sources of a job with neither rules nor only/except: `only: [branches, tags]` unless workflow:rules exist. */
export function defaultSources(hasWorkflowRules: boolean, loc?: Location): SourceSet {
  return new Map((hasWorkflowRules ? GITLAB_SOURCES : NON_MR).map((s) => [s, loc]));
}

/**
 * Evaluates a `rules:` list: for each source, the first rule whose condition can be true decides;
 * `when: never` excludes (only when its condition is certainly true), `when: manual` does not
 * count as running. `jobWhen` is the job-level `when:` used by rules that set none.
 */
export function rulesSources(rules: YNode, jobWhen?: string): SourceSet {
  const out: SourceSet = new Map();
  const list = rules.kind === 'seq' ? rules.items : [];
  for (const source of GITLAB_SOURCES) {
    for (const rule of list) {
      if (!isMapNode(rule)) continue;
      const cond = str(get(rule, 'if'));
      let v: Tri = cond === undefined ? true : evalCondition(cond, source);
      // `changes:`/`exists:` make a rule match only sometimes.
      if (v === true && (get(rule, 'changes') || get(rule, 'exists'))) v = UNKNOWN;
      if (v === false) continue;
      const when = str(get(rule, 'when')) ?? jobWhen ?? 'on_success';
      if (when === 'never') {
        if (v === true) break;
        continue;
      }
      if (when !== 'manual') out.set(source, rule.loc);
      if (v === true || when !== 'manual') break;
    }
  }
  return out;
}

/** Sources allowed by `only:`/`except:` (the older syntax). */
export function onlyExceptSources(
  only: YNode | undefined,
  except: YNode | undefined,
  hasWorkflowRules: boolean,
  loc?: Location,
): SourceSet {
  // GitLab drops the default `only: [branches, tags]` when workflow:rules exist.
  const out: SourceSet =
    only === undefined && hasWorkflowRules
      ? defaultSources(true, loc)
      : new Map<GitlabSource, Location | undefined>();
  for (const ref of only === undefined ? (hasWorkflowRules ? [] : ['branches', 'tags']) : refsOf(only)) {
    for (const s of refSources(ref)) out.set(s, only?.loc ?? loc);
  }
  const onlyVars = isMapNode(only) ? strList(get(only, 'variables')) : [];
  if (onlyVars.length) {
    for (const s of [...out.keys()]) {
      if (onlyVars.every((c) => evalCondition(c, s) === false)) out.delete(s);
    }
  }
  for (const ref of except === undefined ? [] : refsOf(except)) {
    const whole = EXCEPT_WHOLE[ref];
    if (whole) for (const s of whole) out.delete(s);
  }
  const exceptVars = isMapNode(except) ? strList(get(except, 'variables')) : [];
  for (const s of [...out.keys()]) {
    if (exceptVars.some((c) => evalCondition(c, s) === true)) out.delete(s);
  }
  return out;
}

function refsOf(n: YNode): string[] {
  if (isMapNode(n)) {
    const refs = get(n, 'refs');
    // `only: { variables: [...] }` without refs keeps the default refs.
    return refs ? strList(refs) : ['branches', 'tags'];
  }
  return strList(n);
}

const BRANCH_SOURCES: readonly GitlabSource[] = [
  'push',
  'schedule',
  'web',
  'api',
  'trigger',
  'pipeline',
  'parent_pipeline',
];

function refSources(ref: string): readonly GitlabSource[] {
  switch (ref) {
    case 'branches':
    case 'tags':
      return BRANCH_SOURCES;
    case 'merge_requests':
      return ['merge_request_event'];
    case 'schedules':
      return ['schedule'];
    case 'pushes':
      return ['push'];
    case 'web':
      return ['web'];
    case 'api':
      return ['api'];
    case 'triggers':
      return ['trigger'];
    case 'pipelines':
      return ['pipeline', 'parent_pipeline'];
    case 'chat':
    case 'external_pull_requests':
      return [];
    default:
      // A branch name or pattern: pipelines on branch refs.
      return BRANCH_SOURCES;
  }
}

// `except:` entries that remove a whole source; branch names only remove some refs, so they are kept.
const EXCEPT_WHOLE: Record<string, readonly GitlabSource[]> = {
  merge_requests: ['merge_request_event'],
  schedules: ['schedule'],
  pushes: ['push'],
  web: ['web'],
  api: ['api'],
  triggers: ['trigger'],
  pipelines: ['pipeline', 'parent_pipeline'],
};

/** Whether a rules list or only/except mentions scheduled pipelines at all. */
export function mentionsSchedule(job: YMap): boolean {
  const texts: string[] = [];
  const rules = get(job, 'rules');
  if (rules?.kind === 'seq')
    for (const r of rules.items) if (isMapNode(r)) texts.push(str(get(r, 'if')) ?? '');
  for (const k of ['only', 'except']) {
    const n = get(job, k);
    if (n)
      texts.push(
        ...(isMapNode(n) ? [...strList(get(n, 'refs')), ...strList(get(n, 'variables'))] : strList(n)),
      );
  }
  return texts.some((t) => /\bschedules?\b/.test(t));
}

// ---------------------------------------------------------------- `if:` expressions

const UNKNOWN = 'unknown' as const;
type Tri = boolean | typeof UNKNOWN;

/** A variable's value in one pipeline source: known text, known absent, set-but-unknown, or unknown. */
type Val =
  { k: 'str'; v: string } | { k: 'null' } | { k: 'set' } | { k: 'unknown' } | { k: 're'; re: LinearPattern };

function variable(name: string, source: GitlabSource): Val {
  const mr = source === 'merge_request_event';
  if (name === 'CI_PIPELINE_SOURCE') return { k: 'str', v: source };
  if (name.startsWith('CI_MERGE_REQUEST_')) return mr ? { k: 'set' } : { k: 'null' };
  // External pull request pipelines (GitHub-hosted code) are not modelled: never set here.
  if (name.startsWith('CI_EXTERNAL_PULL_REQUEST_')) return { k: 'null' };
  if (name === 'CI_COMMIT_BRANCH')
    return mr ? { k: 'null' } : source === 'schedule' ? { k: 'set' } : { k: 'unknown' };
  if (name === 'CI_COMMIT_TAG') return mr || source === 'schedule' ? { k: 'null' } : { k: 'unknown' };
  if (name === 'CI_DEFAULT_BRANCH' || name === 'CI_COMMIT_REF_NAME' || name === 'CI_COMMIT_SHA')
    return { k: 'set' };
  return { k: 'unknown' };
}

type Tok =
  | { t: 'var'; v: string }
  | { t: 'str'; v: string }
  | { t: 're'; v: LinearPattern }
  | { t: 'null' }
  | { t: 'op'; v: string };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const rest = s.slice(i);
    const ws = /^\s+/.exec(rest);
    if (ws) {
      i += ws[0].length;
      continue;
    }
    const v = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/.exec(rest);
    if (v) {
      out.push({ t: 'var', v: (v[1] ?? v[2]) as string });
      i += v[0].length;
      continue;
    }
    const q = /^"((?:[^"\\]|\\.)*)"|^'([^']*)'/.exec(rest);
    if (q) {
      out.push({ t: 'str', v: q[1] ?? q[2] ?? '' });
      i += q[0].length;
      continue;
    }
    const prev = out.at(-1);
    if (rest[0] === '/' && prev?.t === 'op' && (prev.v === '=~' || prev.v === '!~')) {
      const m = /^\/((?:[^/\\]|\\.)*)\/([a-z]*)/.exec(rest);
      if (!m) throw new Error('bad regex');
      // Repository content: run on the linear-time engine, so no pattern can hang the tool.
      const flags = (m[2] ?? '').replace(/[^ims]/g, '');
      out.push({ t: 're', v: compileLinear(`${flags ? `(?${flags})` : ''}${m[1] as string}`) });
      i += m[0].length;
      continue;
    }
    if (/^null\b/.test(rest)) {
      out.push({ t: 'null' });
      i += 4;
      continue;
    }
    const op = ['==', '!=', '=~', '!~', '&&', '||', '(', ')'].find((o) => rest.startsWith(o));
    if (!op) throw new Error(`unexpected ${rest[0]}`);
    out.push({ t: 'op', v: op });
    i += op.length;
  }
  return out;
}

/** Three-valued value of a GitLab `if:` for one pipeline source; unparseable means unknown. */
export function evalCondition(cond: string, source: GitlabSource): Tri {
  let toks: Tok[];
  try {
    toks = tokenize(cond);
  } catch {
    return UNKNOWN;
  }
  let i = 0;
  const peekOp = (v: string) => toks[i]?.t === 'op' && (toks[i] as { v: string }).v === v;
  const operand = (): Val => {
    const t = toks[i++];
    if (!t) throw new Error('end');
    if (t.t === 'var') return variable(t.v, source);
    if (t.t === 'str') return { k: 'str', v: t.v };
    if (t.t === 're') return { k: 're', re: t.v };
    if (t.t === 'null') return { k: 'null' };
    throw new Error('operand expected');
  };
  const atom = (): Tri => {
    if (peekOp('(')) {
      i++;
      const v = or();
      if (!peekOp(')')) throw new Error(') expected');
      i++;
      return v;
    }
    const l = operand();
    const t = toks[i];
    if (t?.t === 'op' && ['==', '!=', '=~', '!~'].includes(t.v)) {
      i++;
      const r = operand();
      const res = t.v === '==' || t.v === '!=' ? equals(l, r) : matches(l, r);
      return res === UNKNOWN ? UNKNOWN : t.v.startsWith('!') ? !res : res;
    }
    return present(l);
  };
  const and = (): Tri => {
    let v = atom();
    while (peekOp('&&')) {
      i++;
      const r = atom();
      v = v === false || r === false ? false : v === UNKNOWN || r === UNKNOWN ? UNKNOWN : true;
    }
    return v;
  };
  const or = (): Tri => {
    let v = and();
    while (peekOp('||')) {
      i++;
      const r = and();
      v = v === true || r === true ? true : v === UNKNOWN || r === UNKNOWN ? UNKNOWN : false;
    }
    return v;
  };
  try {
    const v = or();
    return i === toks.length ? v : UNKNOWN;
  } catch {
    return UNKNOWN;
  }
}

function present(v: Val): Tri {
  if (v.k === 'str') return v.v !== '';
  if (v.k === 'null') return false;
  if (v.k === 'set') return true;
  return UNKNOWN;
}

function equals(a: Val, b: Val): Tri {
  if (a.k === 'unknown' || b.k === 'unknown' || a.k === 're' || b.k === 're') return UNKNOWN;
  if (a.k === 'null' || b.k === 'null')
    return a.k === 'null' && b.k === 'null'
      ? true
      : a.k === 'set' || b.k === 'set' || a.k === 'str' || b.k === 'str'
        ? false
        : UNKNOWN;
  if (a.k === 'str' && b.k === 'str') return a.v === b.v;
  return UNKNOWN;
}

function matches(a: Val, b: Val): Tri {
  const re = b.k === 're' ? b.re : a.k === 're' ? a.re : undefined;
  const subject = b.k === 're' ? a : b;
  if (!re) return UNKNOWN;
  if (subject.k === 'str') return re.test(subject.v);
  if (subject.k === 'null') return false;
  return UNKNOWN;
}
