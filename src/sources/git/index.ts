import { unavailable, type Commit, type GitHistory, type Unavailable } from '../../facts/index.js';
import type { SourceContext } from '../context.js';
import { classify, markFirstParent } from './classify.js';
import { logArgs, parseRecord } from './log.js';
import { webBase } from './remotes.js';
import { readRepo, RepoProblem, resolveTarget } from './repo.js';
import { GitNotFoundError, streamGitRecords } from './run-git.js';

export { isBotIdentity } from './classify.js';
export { logArgs, LOG_FORMAT } from './log.js';
export { stripCredentials } from './remotes.js';

const PROGRESS_EVERY = 5000;

/**
 * Reads the assessed branch's history in the window from one streaming `git log`, and
 * classifies each commit by how it reached the branch (see `CommitKind`).
 */
export async function collectGit(ctx: SourceContext): Promise<GitHistory | Unavailable> {
  try {
    return await readHistory(ctx);
  } catch (err) {
    if (err instanceof RepoProblem || err instanceof GitNotFoundError) return unavailable(err.message);
    throw err;
  }
}

async function readHistory(ctx: SourceContext): Promise<GitHistory> {
  const repo = await readRepo(ctx.root);
  const target = await resolveTarget(repo.root, ctx.branch);
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

  const { commits, times, stderr } = await readLog(repo.root, target.tip, ctx);
  const origin = repo.remotes.find((r) => r.name === 'origin') ?? repo.remotes[0];
  const web = origin ? webBase(origin.url) : undefined;
  const bySha = new Map<string, Commit>();
  for (const c of commits) bySha.set(c.sha, c);
  markFirstParent(bySha, target.tip);
  for (const c of commits) classify(c, bySha, web);

  history.commits = untilFilter(commits, times, ctx.until);
  const warnings = warningsFrom(stderr);
  if (warnings.length > 0) history.warnings = warnings;
  return history;
}

interface LogRead {
  commits: Commit[];
  /** Committer times (seconds), parallel to `commits`: facts hold ISO dates only. */
  times: number[];
  stderr: string;
}

async function readLog(root: string, tip: string, ctx: SourceContext): Promise<LogRead> {
  const commits: Commit[] = [];
  const times: number[] = [];
  const { code, stderr } = await streamGitRecords(logArgs(tip, ctx.since), root, (record) => {
    const raw = parseRecord(record);
    if (!raw) return;
    commits.push(raw.commit);
    times.push(raw.time);
    if (commits.length % PROGRESS_EVERY === 0) ctx.progress(`git: ${commits.length} commits read`);
  });
  if (code !== 0) {
    throw new RepoProblem(`git log failed in ${root}: ${stderr.trim().split('\n')[0] ?? `exit ${code}`}`);
  }
  return { commits, times, stderr };
}

/** Drops commits committed after `until`; they were read only to follow the first-parent line from the tip. */
function untilFilter(commits: Commit[], times: number[], until: Date): Commit[] {
  const limit = Math.floor(until.getTime() / 1000);
  if (times.every((t) => t <= limit)) return commits;
  return commits.filter((_, i) => (times[i] as number) <= limit);
}

function warningsFrom(stderr: string): string[] {
  const warnings: string[] = [];
  if (stderr.includes('gpg.ssh.allowedSignersFile'))
    warnings.push(
      'some commits are signed with SSH keys that git could not verify: set gpg.ssh.allowedSignersFile to a file listing the allowed signers',
    );
  return warnings;
}
