import { createHash } from 'node:crypto';
import path from 'node:path';
import { CHECK_REGISTRY, type AnyCheck } from '../checks/index.js';
import { didYouMean, loadConfig, parseSince, type LoadedConfig } from '../config/index.js';

export { parseSince };
import { GreenlightError, SourceError, UsageError } from '../errors.js';
import {
  isUnavailable,
  remoteRepositoryName,
  type CollectedFacts,
  type FactKey,
  type Subject,
} from '../facts/index.js';
import { checkoutRemotes, FACT_LOADERS, gitCheckoutProblem, type SourceContext } from '../sources/index.js';
import { toolVersion } from '../version.js';
import { evaluateChecks, unimplementedResults } from './evaluate.js';
import {
  computeMaturity,
  countOutcomes,
  rankGaps,
  rollUpControls,
  rollUpCriteria,
  summarizeChecks,
  type MaturitySignals,
} from './rollup.js';
import type { Assessment } from './types.js';

export type * from './types.js';
export {
  fold,
  computeMaturity,
  rollUpControls,
  rollUpCriteria,
  summarizeChecks,
  rankGaps,
} from './rollup.js';
export { evaluateChecks, applyExceptions } from './evaluate.js';

export interface AssessOptions {
  /** Repository working tree; default: the current folder. */
  root?: string;
  configFile?: string;
  /** Window start; undefined means the config's window, null means the whole history. */
  since?: Date | null;
  until?: Date;
  branch?: string;
  /** Only checks whose id equals or starts with one of these (e.g. `change.`). */
  only?: string[];
  /** Refuse (UsageError) a root outside a git checkout; `assess --no-git` turns it off. */
  requireGit?: boolean;
  now?: Date;
  progress?: (message: string) => void;
  /** The check registry; tests pass their own. */
  checks?: readonly AnyCheck[];
  /** GitHub connection (`--github`, `--github-url`, `--concurrency`). */
  github?: SourceContext['github'];
}

export interface AssessRun {
  assessment: Assessment;
  facts: CollectedFacts;
  config: LoadedConfig;
}

/** collect → evaluate → roll up. Recording into the ledger is the caller's next step. */
export async function assess(opts: AssessOptions = {}): Promise<AssessRun> {
  const root = path.resolve(opts.root ?? '.');
  const loaded = loadConfig(root, opts.configFile);
  const { config } = loaded;
  if (opts.requireGit) {
    // Without git, every file below the folder would be read (someone's home or /tmp).
    const problem = await gitCheckoutProblem(root);
    if (problem)
      throw new UsageError(
        `${problem.replace(/: run inside a git checkout or pass a path$/, '')}: greenlight assesses a git checkout; pass --no-git to read every file below ${root} without history`,
      );
  }
  const now = opts.now ?? new Date();
  const until = opts.until ?? now;
  const since = opts.since === undefined ? parseSince(config.window.since, now, 'window.since') : opts.since;
  const progress = opts.progress ?? (() => {});

  const registry = opts.checks ?? CHECK_REGISTRY;
  if (opts.only)
    checkSelectors(
      opts.only,
      registry.map((c) => c.id),
    );
  const selected = registry.filter((c) => !config.disabled.includes(c.id) && selectedBy(c.id, opts.only));
  const needed = new Set<FactKey>(selected.flatMap((c) => [...c.needs, ...(c.uses ?? [])] as FactKey[]));
  // The subject's name comes from git remotes, so git is read whenever it is available cheaply.
  const facts = await collect(needed, {
    root,
    since,
    until,
    config,
    progress,
    ...(opts.branch ? { branch: opts.branch } : {}),
    ...(opts.github ? { github: opts.github } : {}),
  });

  const implemented = new Set(registry.map((c) => c.id));
  const target = opts.github?.target;
  // In organisation mode the checkout's repository is named by its remote, read even without git facts.
  const remotes =
    target && !target.includes('/') && (!facts.git || isUnavailable(facts.git))
      ? await checkoutRemotes(root)
      : undefined;
  const subject = subjectOf(root, facts, target, remotes);
  const results = [
    ...evaluateChecks(selected, facts, { config, now, repository: checkoutRepository(subject) }),
    ...(opts.only ? [] : unimplementedResults(implemented, config)),
  ];
  const checks = summarizeChecks(results, implemented);
  const controls = rollUpControls(checks, results);
  const signals: MaturitySignals = {};
  if (facts.workflows && !isUnavailable(facts.workflows))
    signals['pipelines-exist'] = facts.workflows.files.length > 0;

  const assessment: Assessment = {
    schemaVersion: '1.0',
    tool: { name: 'greenlight', version: toolVersion() },
    generatedAt: now.toISOString(),
    subject,
    window: { since: since ? since.toISOString() : null, until: until.toISOString() },
    config: { file: loaded.file, sha256: createHash('sha256').update(loaded.text).digest('hex') },
    maturity: computeMaturity(checks, controls, results, signals),
    summary: countOutcomes(results),
    criteria: rollUpCriteria(controls),
    controls,
    checks,
    results,
    gaps: rankGaps(results),
  };
  return { assessment, facts, config: loaded };
}

async function collect(
  needed: Set<FactKey>,
  ctx: Parameters<(typeof FACT_LOADERS)['git']>[0],
): Promise<CollectedFacts> {
  const facts: CollectedFacts = {};
  await Promise.all(
    [...needed].map(async (key) => {
      try {
        (facts as Record<string, unknown>)[key] = await FACT_LOADERS[key](ctx);
      } catch (err) {
        // A source asked for explicitly that can read nothing at all stops the run (exit 4).
        // So does bad input (a malformed --github target or URL: exit 2).
        if (err instanceof SourceError || (err instanceof GreenlightError && err.exitCode === 2)) throw err;
        (facts as Record<string, unknown>)[key] = {
          unavailable: true,
          reason: `${key}: ${(err as Error).message}`,
        };
      }
    }),
  );
  return facts;
}

function selectedBy(id: string, only: string[] | undefined): boolean {
  return !only || only.some((o) => selects(o, id));
}

function selects(selector: string, id: string): boolean {
  return (
    id === selector || (selector.endsWith('.') ? id.startsWith(selector) : id.startsWith(`${selector}.`))
  );
}

/** `--only` selectors that select no check are a usage error naming them, with the closest ids. */
export function checkSelectors(only: string[], ids: string[]): void {
  const unknown = only.filter((o) => !ids.some((id) => selects(o, id)));
  if (unknown.length === 0) return;
  const prefixes = [...new Set(ids.map((id) => `${id.split('.')[0]}.`))];
  const lines = unknown.map((o) => {
    const guess = didYouMean(o, o.includes('.') && !o.endsWith('.') ? ids : [...prefixes, ...ids]);
    return `unknown check id or prefix: ${o}${guess ? ` (did you mean ${guess}?)` : ''}`;
  });
  throw new UsageError(
    `${lines.join('\n')}\nknown prefixes: ${prefixes.join(' ')} (\`greenlight controls\` lists every check id)`,
  );
}

/**
 * The repository the checks judge as this checkout: in organisation mode (`--github acme`) the
 * subject is named after the organisation, but the checkout is the repository its remote names
 * (`acme/web`), so its GitHub facts are looked up under that name.
 */
function checkoutRepository(subject: Subject): string {
  if (subject.kind === 'github' && !subject.name.includes('/') && subject.remoteUrl)
    return remoteRepositoryName(subject.remoteUrl) ?? subject.name;
  return subject.name;
}

function subjectOf(
  root: string,
  facts: CollectedFacts,
  githubTarget?: string,
  remotes?: { name: string; url: string }[],
): Subject {
  const subject: Subject = { kind: 'local', name: path.basename(root), path: root };
  const git = facts.git;
  if (git && !isUnavailable(git)) {
    subject.defaultBranch = git.branch;
    if (git.headSha) subject.headSha = git.headSha;
    const remote = git.remotes.find((r) => r.name === 'origin') ?? git.remotes[0];
    if (remote) {
      subject.remoteUrl = remote.url;
      const m = /[:/]([^/:]+\/[^/]+?)(?:\.git)?\/?$/.exec(remote.url);
      if (m?.[1]) subject.name = m[1];
    }
  }
  const remote = remotes?.find((r) => r.name === 'origin') ?? remotes?.[0];
  if (remote && !subject.remoteUrl) subject.remoteUrl = remote.url;
  if (githubTarget) {
    subject.kind = 'github';
    subject.name = githubTarget;
  }
  return subject;
}
