import { unavailable, type Commit, type GitHistory, type Unavailable } from '../../facts/index.js';
import type { SourceContext } from '../context.js';
import { createClassifier } from './classify.js';
import { logArgs, parseRecord, parseState } from './log.js';
import { webBase } from './remotes.js';
import { readRefs, readRepo, RepoProblem, resolveTarget } from './repo.js';
import { GitNotFoundError, streamGitRecords } from './run-git.js';

export { isBotIdentity } from './classify.js';
export { logArgs, LOG_FORMAT } from './log.js';
export { stripCredentials } from './remotes.js';
export { branchHistory, type BranchHistory } from './branch-history.js';

const PROGRESS_EVERY = 5000;

/**
 * Commits to read instead of a branch: from `tip` (a verified commit SHA; `ctx.branch` names it
 * in messages), leaving out everything reachable from `exclude` (a deploy gate reads exactly
 * what a deploy ships, as `git log tip ^previous`). The refs are then not read at all.
 */
export interface HistoryRange {
  /** Promises are awaited while the repository is identified (its git processes run meanwhile). */
  tip: string | Promise<string>;
  exclude?: readonly string[] | Promise<readonly string[]>;
}

/**
 * Reads the assessed branch's history in the window from one streaming `git log`, and
 * classifies each commit by how it reached the branch (see `CommitKind`).
 */
export async function collectGit(
  ctx: SourceContext,
  range?: HistoryRange,
): Promise<GitHistory | Unavailable> {
  try {
    return await readHistory(ctx, range);
  } catch (err) {
    if (err instanceof RepoProblem || err instanceof GitNotFoundError) return unavailable(err.message);
    throw err;
  }
}

async function readHistory(ctx: SourceContext, range: HistoryRange | undefined): Promise<GitHistory> {
  if (range) {
    const [repo, tip, exclude] = await Promise.all([readRepo(ctx.root), range.tip, range.exclude ?? []]);
    return readTarget(ctx, repo, { branch: ctx.branch ?? tip, detached: false, tip }, exclude);
  }
  // The refs are read while the repository is identified (one round of git processes less).
  const refs = readRefs(ctx.root);
  refs.catch(() => {}); // not a repository: readRepo says so
  const repo = await readRepo(ctx.root);
  return readTarget(ctx, repo, await resolveTarget(repo.root, ctx.branch, refs));
}

async function readTarget(
  ctx: SourceContext,
  repo: Awaited<ReturnType<typeof readRepo>>,
  target: Awaited<ReturnType<typeof resolveTarget>>,
  exclude: readonly string[] = [],
): Promise<GitHistory> {
  const history: GitHistory = {
    root: repo.root,
    branch: target.branch,
    detached: target.detached,
    headSha: target.tip,
    since: ctx.since ? ctx.since.toISOString() : null,
    until: ctx.until.toISOString(),
    shallow: repo.shallow,
    remotes: repo.remotes,
    commits: [],
  };
  if (!target.tip) return history;

  const origin = repo.remotes.find((r) => r.name === 'origin') ?? repo.remotes[0];
  const { commits, stderr } = await readLog(
    repo.root,
    target.tip,
    exclude,
    origin ? webBase(origin.url) : undefined,
    ctx,
  );
  history.commits = commits;
  const warnings = warningsFrom(stderr);
  if (warnings.length > 0) history.warnings = warnings;
  return history;
}

/**
 * Streams `git log`, parsing and classifying each commit as it arrives (so the work overlaps
 * with git's). Commits after `until` are read only to follow the first-parent line from the tip.
 */
async function readLog(
  root: string,
  tip: string,
  exclude: readonly string[],
  web: string | undefined,
  ctx: SourceContext,
): Promise<{ commits: Commit[]; stderr: string }> {
  const commits: Commit[] = [];
  const late: Commit[] = [];
  const limit = Math.floor(ctx.until.getTime() / 1000);
  const state = parseState();
  const classifier = createClassifier(tip, web);
  let read = 0;
  const onRecord = (record: string) => {
    const c = parseRecord(record, state);
    if (!c) return;
    classifier.add(c);
    (state.time <= limit ? commits : late).push(c);
    read += 1;
    if (read % PROGRESS_EVERY === 0) ctx.progress(`git: ${read} commits read`);
  };
  const { code, stderr } = await streamGitRecords(logArgs(tip, ctx.since, exclude), root, onRecord, () =>
    ctx.historyStarted?.(),
  );
  if (code !== 0) {
    throw new RepoProblem(`git log failed in ${root}: ${stderr.trim().split('\n')[0] ?? `exit ${code}`}`);
  }
  classifier.finish(late.length > 0 ? [...late, ...commits] : commits);
  return { commits, stderr };
}

function warningsFrom(stderr: string): string[] {
  const warnings: string[] = [];
  if (stderr.includes('gpg.ssh.allowedSignersFile'))
    warnings.push(
      'some commits are signed with SSH keys that git could not verify: set gpg.ssh.allowedSignersFile to a file listing the allowed signers',
    );
  return warnings;
}
