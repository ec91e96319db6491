import path from 'node:path';
import { renderPopulation, type Population, type PopulationFormat } from '../population/index.js';
import { loadPopulation as loadFromLedger } from '../sources/ledger/index.js';
import { checkWindow, loadConfig, parseSince, parseUntil } from '../config/index.js';
import { isUnavailable, type GithubFacts } from '../facts/index.js';
import type { SourceContext } from '../sources/index.js';
import { checkOutFile, writeAtomic } from './output.js';
import { commandNow } from '../ci-context/index.js';

export interface ChangesFlags {
  since?: string;
  until?: string;
  repo?: string;
  branch?: string;
  config?: string;
  format: PopulationFormat;
  out?: string;
  env?: string[];
  /** `owner/repo` on GitHub, when not the checkout's origin. */
  github?: string;
  /** GitHub Enterprise Server URL. */
  githubUrl?: string;
}

/** Reads git history and recorded evidence and builds the change population of the window. */
export async function loadPopulation(flags: Omit<ChangesFlags, 'format' | 'out'>): Promise<Population> {
  const root = path.resolve(flags.repo ?? '.');
  const { config } = loadConfig(root, flags.config);
  const now = commandNow();
  const until = flags.until ? parseUntil(flags.until) : now;
  const since = flags.since
    ? parseSince(flags.since, now)
    : parseSince(config.window.since, now, 'window.since');
  checkWindow(since, until);
  const ctx: SourceContext = {
    root,
    since,
    until,
    config,
    progress: () => {},
    ...(flags.branch ? { branch: flags.branch } : {}),
  };
  const { population, evidence, forgeProblem } = await loadFromLedger(ctx, {
    now,
    github: githubPullRequests(ctx, flags),
    ...(flags.github ? { forgeRepository: flags.github } : {}),
    ...(flags.env ? { protectedEnvironments: flags.env } : {}),
  });
  if (evidence.absent)
    process.stderr.write(
      `greenlight: ${evidence.absent}; the population below is built from git history alone\n`,
    );
  if (evidence.unindexed)
    process.stderr.write(
      `greenlight: ${evidence.unindexed} ledger entries were read from their signed statements because ` +
        'the read index has no summary of them (recorded by an older greenlight), or no signing key is ' +
        'here to authenticate it; with the signing key, `greenlight ledger reindex` adds them and makes this faster\n',
    );
  if (forgeProblem) process.stderr.write(`greenlight: ${forgeProblem}\n`);
  return population;
}

/**
 * GitHub facts for the pull requests of the window: with `--github`, or for a checkout whose
 * origin is on GitHub when credentials are set (GITHUB_TOKEN, or a GitHub App). Why not is said
 * on stderr only when GitHub was asked for or detected.
 */
async function githubPullRequests(
  ctx: SourceContext,
  flags: Pick<ChangesFlags, 'github' | 'githubUrl'>,
): Promise<GithubFacts | null> {
  const { collectGithub } = await import('../sources/github/connect.js');
  const facts = await collectGithub({
    ...ctx,
    github: {
      ...(flags.github ? { target: flags.github } : {}),
      ...(flags.githubUrl ? { url: flags.githubUrl } : {}),
    },
  });
  if (!isUnavailable(facts)) return facts;
  if (flags.github || !/GitHub is not connected/.test(facts.reason))
    process.stderr.write(`greenlight: no pull-request data from GitHub: ${facts.reason}\n`);
  return null;
}

export async function run(flags: ChangesFlags): Promise<number> {
  if (flags.out) checkOutFile(flags.out);
  const pop = await loadPopulation(flags);
  await explainWindow(path.resolve(flags.repo ?? '.'), pop);
  const text = renderPopulation(pop, flags.format);
  if (flags.out) writeAtomic(flags.out, text);
  else process.stdout.write(text);
  return 0;
}

/**
 * An empty window says when the branch last changed and how to widen it; a deployed commit that is
 * on the branch but before the window is marked as such (it is not "not on the branch").
 */
async function explainWindow(root: string, pop: Population): Promise<void> {
  const { branchHistory } = await import('../sources/git/index.js');
  const deployed = pop.offBranchDeployments.map((d) => d.commit);
  if (pop.rows.length > 0 && deployed.length === 0) return;
  const history = await branchHistory(root, pop.branch, deployed);
  const since = pop.since ? Date.parse(pop.since) : null;
  for (const d of pop.offBranchDeployments) {
    const at = history.onBranch.get(d.commit);
    if (at && since !== null && Date.parse(at) < since) d.olderThanWindow = true;
  }
  if (pop.rows.length > 0) return;
  const window = `${pop.since?.slice(0, 10) ?? 'the beginning'} to ${pop.until.slice(0, 10)}`;
  process.stderr.write(
    history.newest
      ? `greenlight: no changes to ${pop.branch} from ${window}; the last change was on ${history.newest.committedAt.slice(0, 10)} (commit ${history.newest.commit.slice(0, 12)}): widen the window with --since ${history.newest.committedAt.slice(0, 10)}\n`
      : `greenlight: no changes to ${pop.branch} from ${window}, and no commit on ${pop.branch}\n`,
  );
}
