import { SourceError } from '../../errors.js';
import {
  isUnavailable,
  type GitHistory,
  type GithubFacts,
  type RecordedEvidence,
  type Unavailable,
} from '../../facts/index.js';
import {
  buildPopulation,
  forgePullRequests,
  repositoryName,
  type Population,
} from '../../population/index.js';
import type { SourceContext } from '../context.js';
import { collectEvidence } from './collect.js';

export interface LoadPopulationOptions {
  /** Evaluation instant (review due dates are judged against it). */
  now: Date;
  /** Git history already read (the deploy gate reads only what ships); default: read the window. */
  git?: GitHistory;
  /** Evidence already read (the deploy gate reads only what is about the shipped commits). */
  evidence?: RecordedEvidence;
  /** GitHub facts read alongside, for the forge view of the merged pull requests. */
  github?: Promise<GithubFacts | null>;
  /** `owner/repo` of the pull requests on the forge, when not the checkout's origin. */
  forgeRepository?: string;
  /** `owner/repo`; evidence recorded for another repository is ignored. */
  repository?: string;
  /** Environments whose deployments count as production (default: production, prod). */
  protectedEnvironments?: readonly string[];
}

export interface LoadedPopulation {
  population: Population;
  git: GitHistory;
  evidence: RecordedEvidence;
  /** Why the forge's pull requests could not be joined, when GitHub facts were read. */
  forgeProblem?: string;
}

/**
 * Git history + recorded evidence (+ the forge's pull requests) → the change population, the one
 * way the `changes`, `gate` and `anomalies` commands build it. The ledger is read once `git log`
 * runs: its reads are synchronous and would otherwise delay the git processes (see
 * `historyStarted`). Unreadable git history or an unreadable ledger is an error, not an empty
 * population.
 */
export async function loadPopulation(
  ctx: SourceContext,
  opts: LoadPopulationOptions,
): Promise<LoadedPopulation> {
  let logRunning!: () => void;
  const gitRunning = new Promise<void>((resolve) => (logRunning = resolve));
  const gitRead = opts.git ? Promise.resolve(opts.git) : readGit(ctx, logRunning);
  if (opts.git) logRunning();
  const [git, evidence, github] = await Promise.all([
    gitRead,
    // The population needs each scan's summary, not its findings.
    opts.evidence ?? gitRunning.then(() => collectEvidence(ctx, { findings: false, strict: true })),
    opts.github ?? null,
  ]);
  if (isUnavailable(git)) throw new SourceError(`git history of ${ctx.root} cannot be read: ${git.reason}`);
  if (isUnavailable(evidence)) throw new SourceError(evidence.reason);
  const forge = github
    ? forgePullRequests(github, opts.forgeRepository ?? repositoryName(git.remotes))
    : null;
  const joined = forge && 'pullRequests' in forge ? forge : null;
  const population = buildPopulation({
    git,
    evidence,
    config: ctx.config,
    now: opts.now,
    since: ctx.since,
    until: ctx.until,
    ...(joined
      ? { pullRequests: joined.pullRequests, repository: joined.repository }
      : opts.repository
        ? { repository: opts.repository }
        : {}),
    ...(opts.protectedEnvironments && opts.protectedEnvironments.length > 0
      ? { protectedEnvironments: opts.protectedEnvironments }
      : {}),
  });
  return { population, git, evidence, ...(forge && 'reason' in forge ? { forgeProblem: forge.reason } : {}) };
}

/** The window's history; the git source is loaded only here (the pull-request gate never needs it). */
async function readGit(ctx: SourceContext, started: () => void): Promise<GitHistory | Unavailable> {
  try {
    const { collectGit } = await import('../git/index.js');
    return await collectGit({ ...ctx, historyStarted: started });
  } finally {
    started();
  }
}
