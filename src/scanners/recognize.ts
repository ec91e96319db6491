import type {
  CiSystem,
  Job,
  Location,
  ScanType,
  Step,
  Trigger,
  Workflow,
  WorkflowSet,
} from '../facts/index.js';
import { SCANNERS, type ScannerEntry, type StepCondition } from './catalog.js';
import { cronFrequency } from './cron.js';

/** One scan that runs somewhere in CI. */
export interface ScanUse {
  type: ScanType;
  /** Catalog entry id and display name. */
  scanner: string;
  scannerName: string;
  workflow: string;
  system: CiSystem;
  job: string;
  /** Index of the step within its job (absent for a job that calls a reusable workflow). */
  step?: number;
  stepName?: string;
  /** How it was recognised: an action (or reusable workflow) reference, or a command line. */
  via: 'action' | 'command';
  /** The action reference without its version, or the command line (trimmed to 200 characters). */
  match: string;
  location: Location;
  /** The triggers the scan actually runs on (job/step restrictions and reusable-workflow callers applied). */
  triggers: Trigger[];
  /** True when a failing scan fails the pipeline. */
  blocking: boolean;
  /** Why the scan cannot fail the pipeline, when it cannot. */
  advisory?: string;
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);

/** Every scan that runs in the workflows, one entry per (step, scanner, scan type). */
export function scansInWorkflows(workflows: WorkflowSet): ScanUse[] {
  const compiled = compileCatalog();
  const out: ScanUse[] = [];
  for (const wf of workflows.files) {
    for (const job of wf.jobs) {
      const triggers = jobTriggers(wf, job, workflows.files, new Set());
      const base = { workflow: wf.path, system: wf.system, job: job.id };
      if (job.uses && job.steps.length === 0) {
        const entry = matchAction(job.uses, compiled);
        if (entry) {
          const advisory = jobAdvisory(wf, job);
          for (const type of entry.entry.types)
            out.push(
              use(
                base,
                entry.entry,
                type,
                'action',
                stripVersion(job.uses),
                job.location,
                triggers,
                advisory,
              ),
            );
        }
        continue;
      }
      for (const step of job.steps) {
        const stepTriggers = restrictByIf(triggers, step.if);
        const stepBase = { ...base, step: step.index, ...(step.name ? { stepName: step.name } : {}) };
        const outer =
          jobAdvisory(wf, job) ?? (step.continueOnError ? 'continue-on-error: true on the step' : undefined);
        const inner = step.uses?.startsWith('./') ? wf.localActions?.[step.uses]?.steps : undefined;
        for (const s of inner ? [step, ...inner] : [step]) {
          for (const r of recogniseStep(s, compiled)) {
            const advisory =
              outer ??
              (s !== step && s.continueOnError ? 'continue-on-error: true' : undefined) ??
              r.advisory;
            const at = matchLocation(wf, s, r);
            out.push(use(stepBase, r.entry, r.type, r.via, r.match, at, stepTriggers, advisory));
          }
        }
      }
    }
  }
  return out;
}

function use(
  base: Pick<ScanUse, 'workflow' | 'system' | 'job'> & { step?: number; stepName?: string },
  entry: ScannerEntry,
  type: ScanType,
  via: ScanUse['via'],
  match: string,
  location: Location,
  triggers: Trigger[],
  advisory: string | undefined,
): ScanUse {
  const u: ScanUse = {
    type,
    scanner: entry.id,
    scannerName: entry.name,
    ...base,
    via,
    match: match.length > 200 ? `${match.slice(0, 197)}...` : match,
    location,
    triggers,
    blocking: advisory === undefined,
  };
  if (advisory !== undefined) u.advisory = advisory;
  return u;
}

// ------------------------------------------------------------------ triggers

/** Triggers of a job: its workflow's, narrowed by the job's own event restrictions. */
function jobTriggers(wf: Workflow, job: Job, all: Workflow[], seen: Set<string>): Trigger[] {
  const base = workflowTriggers(wf, all, seen);
  if (!job.events) return base;
  return job.events.flatMap((event) => {
    const matching = base.filter((t) => t.event === event);
    if (matching.length) return matching;
    // GitLab jobs may run on pipeline sources the file does not list; GitHub jobs cannot.
    return wf.system === 'gitlab-ci' ? [{ event }] : [];
  });
}

/** A reusable workflow (`workflow_call`) runs on the triggers of the jobs that call it. */
function workflowTriggers(wf: Workflow, all: Workflow[], seen: Set<string>): Trigger[] {
  const own = wf.triggers.filter((t) => t.event !== 'workflow_call');
  if (!wf.triggers.some((t) => t.event === 'workflow_call') || seen.has(wf.path)) return own;
  const next = new Set(seen).add(wf.path);
  const inherited: Trigger[] = [];
  for (const caller of all) {
    for (const job of caller.jobs) {
      if (job.uses && normalizeLocal(job.uses) === wf.path)
        inherited.push(...jobTriggers(caller, job, all, next));
    }
  }
  return [...own, ...inherited];
}

function normalizeLocal(uses: string): string {
  return stripVersion(uses).replace(/^\.\//, '');
}

/** Narrows triggers by a step's `if:` when it compares `github.event_name` plainly. */
function restrictByIf(triggers: Trigger[], cond: string | undefined): Trigger[] {
  if (!cond || !cond.includes('event_name')) return triggers;
  const eq = [...cond.matchAll(/github\.event_name\s*==\s*['"]([\w-]+)['"]/g)].map((m) => m[1] as string);
  const ne = [...cond.matchAll(/github\.event_name\s*!=\s*['"]([\w-]+)['"]/g)].map((m) => m[1] as string);
  const alternatives = cond.split('||');
  if (eq.length && alternatives.every((part) => /github\.event_name\s*==/.test(part)))
    return triggers.filter((t) => eq.includes(t.event));
  if (ne.length && alternatives.length === 1) return triggers.filter((t) => !ne.includes(t.event));
  return triggers;
}

// ------------------------------------------------------------------ helpers on uses

/** Runs for pull requests: a pull-request trigger, or a push trigger on every branch. */
export function runsOnPullRequests(u: Pick<ScanUse, 'triggers'>): boolean {
  return u.triggers.some((t) => PR_EVENTS.has(t.event) || (t.event === 'push' && allBranches(t)));
}

export function runsOnPush(u: Pick<ScanUse, 'triggers'>): boolean {
  return u.triggers.some((t) => t.event === 'push');
}

function allBranches(t: Trigger): boolean {
  return !t.branches || t.branches.length === 0 || t.branches.includes('**');
}

/**
 * How often a use runs on a schedule: `daily` (a cron firing every day), `unknown` (a schedule
 * whose timing is not in the files, e.g. GitLab pipeline schedules), `less-often`, or `none`.
 */
export function scheduleOf(u: Pick<ScanUse, 'triggers'>): 'daily' | 'unknown' | 'less-often' | 'none' {
  const schedules = u.triggers.filter((t) => t.event === 'schedule');
  if (!schedules.length) return 'none';
  if (schedules.some((t) => t.cron !== undefined && cronFrequency(t.cron) === 'daily')) return 'daily';
  if (schedules.some((t) => t.cron === undefined)) return 'unknown';
  return 'less-often';
}

/** Distinct trigger event names of a use, for messages. */
export function eventsOf(u: Pick<ScanUse, 'triggers'>): string[] {
  return [...new Set(u.triggers.map((t) => t.event))];
}

/** "Semgrep (.github/workflows/ci.yml, job sast)". */
export function describeUse(u: ScanUse): string {
  return `${u.scannerName} (${u.workflow}, job ${u.job})`;
}

// ------------------------------------------------------------------ step recognition

interface Compiled {
  entry: ScannerEntry;
  actions: string[];
  commands: RegExp[];
}

interface Recognised {
  entry: ScannerEntry;
  type: ScanType;
  via: ScanUse['via'];
  match: string;
  /** For commands: 0-based line of the match within the script. */
  lineOffset?: number;
  advisory?: string;
}

/**
 * The step, or for a command in a multi-line GitHub `run:` the script line itself (a GitHub
 * script is one block scalar whose lines map onto the file; a GitLab script is joined from lists).
 */
function matchLocation(wf: Workflow, step: Step, r: Recognised): Location {
  const start = step.runLocation;
  if (r.lineOffset === undefined || wf.system !== 'github-actions' || start?.line === undefined)
    return step.location;
  if (!step.run?.includes('\n')) return step.location;
  return { path: start.path, line: start.line + r.lineOffset };
}

let compiledCache: Compiled[] | undefined;

function compileCatalog(): Compiled[] {
  compiledCache ??= SCANNERS.map((entry) => ({
    entry,
    actions: entry.actions.map((a) => a.toLowerCase()),
    commands: entry.commands.map((c) => new RegExp(c, 'i')),
  }));
  return compiledCache;
}

function stripVersion(ref: string): string {
  const at = ref.indexOf('@');
  return at > 0 ? ref.slice(0, at) : ref;
}

/** The entry whose action reference is the longest prefix of `uses`. */
function matchAction(uses: string, compiled: Compiled[]): Compiled | undefined {
  const ref = stripVersion(uses).toLowerCase();
  let best: Compiled | undefined;
  let bestLen = 0;
  for (const c of compiled) {
    for (const a of c.actions) {
      if ((ref === a || ref.startsWith(`${a}/`)) && a.length > bestLen) {
        best = c;
        bestLen = a.length;
      }
    }
  }
  return best;
}

/** Recognises the scans one step runs, by its action or by its command lines. */
function recogniseStep(step: Step, compiled: Compiled[] = compileCatalog()): Recognised[] {
  const out: Recognised[] = [];
  if (step.uses && !step.uses.startsWith('./') && !step.uses.startsWith('docker://')) {
    const hit = matchAction(step.uses, compiled);
    if (hit) {
      const types = actionTypes(hit.entry, step);
      const advisory = actionAdvisory(hit.entry, step);
      for (const type of types) {
        const r: Recognised = { entry: hit.entry, type, via: 'action', match: stripVersion(step.uses) };
        if (advisory) r.advisory = advisory;
        out.push(r);
      }
    }
  }
  if (step.run) out.push(...recogniseScript(step, compiled));
  return out;
}

function actionTypes(entry: ScannerEntry, step: Step): ScanType[] {
  for (const rule of entry.inputTypes ?? []) {
    const value = step.with[rule.input];
    if (value !== undefined && new RegExp(rule.pattern, 'i').test(value.trim())) return rule.types;
  }
  return entry.types;
}

function conditionHolds(cond: StepCondition, step: Step, mode: 'action' | 'command', text: string): boolean {
  if (mode === 'command' && cond.commands?.some((c) => new RegExp(c, 'i').test(text))) return true;
  if (mode === 'action') {
    for (const [input, pattern] of Object.entries(cond.inputs ?? {})) {
      const v = step.with[input];
      if (v !== undefined && new RegExp(pattern, 'i').test(v.trim())) return true;
    }
  }
  for (const [name, pattern] of Object.entries(cond.env ?? {})) {
    const v = step.env[name];
    if (v !== undefined && new RegExp(pattern, 'i').test(v.trim())) return true;
  }
  return false;
}

function actionAdvisory(entry: ScannerEntry, step: Step): string | undefined {
  if (entry.advisoryWith && conditionHolds(entry.advisoryWith, step, 'action', '')) {
    const input = Object.keys(entry.advisoryWith.inputs ?? {}).find((k) => step.with[k] !== undefined);
    return input
      ? `\`${input}: ${step.with[input]}\` makes it report without failing`
      : 'configured to warn only';
  }
  const fo = entry.failsOnlyWith;
  if (fo?.inputs && !conditionHolds(fo, step, 'action', '')) return fo.reason;
  const args = Object.values(step.with).join(' ');
  const generic = genericAdvisoryFlag(args);
  return generic;
}

// Flags common to many scanners that turn findings into warnings.
const GENERIC_ADVISORY: [RegExp, string][] = [
  [/--exit-code[=\s]+["']?0\b/i, '`--exit-code 0`'],
  [/(?:^|\s)--?no-fail\b/i, '`--no-fail`'],
  [/--soft-fail\b/i, '`--soft-fail`'],
  [/--exit-zero\b/i, '`--exit-zero`'],
];

function genericAdvisoryFlag(text: string): string | undefined {
  for (const [re, label] of GENERIC_ADVISORY)
    if (re.test(text)) return `${label} makes it report without failing`;
  return undefined;
}

// A line segment that only installs a tool (pip install bandit) is not a scan.
const INSTALL =
  /^\s*(?:sudo\s+)?(?:(?:pip3?|python3?\s+-m\s+pip|pipx|uv\s+(?:pip|tool)|poetry|npm|pnpm|yarn|go|gem|brew|apt-get|apt|apk|dnf|yum|choco|cargo|dotnet\s+tool)\s+(?:-\S+\s+)*(?:install|add|i|get|global\s+add)\b|curl\b|wget\b)/i;

interface ScriptLine {
  text: string;
  /** 0-based index of the line within the script. */
  offset: number;
}

/** Command lines of a script: continuation lines joined, comments and blank lines dropped. */
export function scriptLines(script: string): ScriptLine[] {
  const raw = script.split(/\r?\n/);
  const out: ScriptLine[] = [];
  for (let i = 0; i < raw.length; i++) {
    const start = i;
    let text = raw[i] as string;
    while (/\\\s*$/.test(text) && i + 1 < raw.length) text = text.replace(/\\\s*$/, ' ') + raw[++i];
    const trimmed = text.trim();
    if (trimmed && !trimmed.startsWith('#')) out.push({ text: trimmed, offset: start });
  }
  return out;
}

function recogniseScript(step: Step, compiled: Compiled[]): Recognised[] {
  const lines = scriptLines(step.run ?? '');
  const pipefail = /pipefail/.test(step.run ?? '');
  const out: Recognised[] = [];
  const seen = new Set<string>();
  let errexitOff = false;
  for (const line of lines) {
    if (/^set\s+\+e\b/.test(line.text)) errexitOff = true;
    if (/^set\s+-[a-z]*e/.test(line.text)) errexitOff = false;
    const segments = line.text.split(/&&|;(?!;)/).filter((s) => !INSTALL.test(s));
    for (const c of compiled) {
      if (seen.has(c.entry.id)) continue;
      const segment = segments.find((s) => c.commands.some((re) => re.test(s)));
      if (segment === undefined) continue;
      seen.add(c.entry.id);
      const advisory = commandAdvisory(c, step, line.text, segment, errexitOff, pipefail);
      for (const type of c.entry.types) {
        const r: Recognised = {
          entry: c.entry,
          type,
          via: 'command',
          match: line.text,
          lineOffset: line.offset,
        };
        if (advisory) r.advisory = advisory;
        out.push(r);
      }
    }
  }
  return out;
}

function commandAdvisory(
  c: Compiled,
  step: Step,
  line: string,
  segment: string,
  errexitOff: boolean,
  pipefail: boolean,
): string | undefined {
  const swallowed = /\|\|\s*(true|:|exit\s+0|echo\b)/.exec(line);
  if (swallowed) return `\`|| ${swallowed[1]}\` swallows its failure`;
  if (errexitOff) return '`set +e` lets the script go on after it fails';
  const entry = c.entry;
  if (entry.advisoryWith && conditionHolds(entry.advisoryWith, step, 'command', segment))
    return 'it is configured to warn only';
  const generic = genericAdvisoryFlag(segment);
  if (generic) return generic;
  if (entry.failsOnlyWith?.commands && !conditionHolds(entry.failsOnlyWith, step, 'command', segment))
    return entry.failsOnlyWith.reason;
  // Without pipefail, `scanner | tee report` takes tee's exit status.
  const scanAt = c.commands.map((re) => re.exec(segment)?.index ?? -1).find((i) => i >= 0) ?? 0;
  if (!pipefail && /(?<!\|)\|(?!\|)/.test(segment.slice(scanAt)))
    return 'its exit status is lost in a pipe (no `set -o pipefail`)';
  return undefined;
}

function jobAdvisory(wf: Workflow, job: Job): string | undefined {
  if (!job.continueOnError) return undefined;
  return wf.system === 'gitlab-ci'
    ? '`allow_failure: true` on the job'
    : 'continue-on-error: true on the job';
}

/** The uses of one scan type, split the way the scan checks judge them. */
export interface Coverage {
  all: ScanUse[];
  onPullRequests: ScanUse[];
  /** Runs on pull requests and can fail them. */
  gating: ScanUse[];
}

export function coverageOf(uses: ScanUse[], type: ScanType): Coverage {
  const all = uses.filter((u) => u.type === type);
  const onPullRequests = all.filter(runsOnPullRequests);
  return { all, onPullRequests, gating: onPullRequests.filter((u) => u.blocking) };
}

/** What a finding about "the CI configuration as a whole" names as its resource. */
export function ciResource(workflows: WorkflowSet): string {
  const systems = new Set(workflows.files.map((w) => w.system));
  if (systems.has('github-actions')) return '.github/workflows';
  if (systems.has('gitlab-ci')) return '.gitlab-ci.yml';
  return 'CI configuration';
}

/** Distinct scanner names of some uses, for messages. */
export function scannerNames(uses: ScanUse[]): string {
  return [...new Set(uses.map((u) => u.scannerName))].join(', ');
}
