import { git } from './run-git.js';

/** Where commits outside a window sit relative to a branch, to explain an empty or partial window. */
export interface BranchHistory {
  /** The newest commit on the branch and its committer date (ISO), or null (no such branch). */
  newest: { commit: string; committedAt: string } | null;
  /** Of the commits asked about, those on the branch, with their committer dates (ISO). */
  onBranch: Map<string, string>;
}

/** Reads the branch's newest commit and which of `commits` are on it (ancestors of its tip). */
export async function branchHistory(
  root: string,
  branch: string,
  commits: readonly string[],
): Promise<BranchHistory> {
  const tip = await git(['log', '-1', '--format=%H %cI', branch, '--'], root);
  const [commit, committedAt] = tip.code === 0 ? tip.stdout.trim().split(' ') : [];
  const newest = commit && committedAt ? { commit, committedAt } : null;
  const onBranch = new Map<string, string>();
  if (!newest) return { newest, onBranch };
  for (const c of commits) {
    const on = await git(['merge-base', '--is-ancestor', c, newest.commit], root);
    if (on.code !== 0) continue;
    const at = await git(['log', '-1', '--format=%cI', c, '--'], root);
    if (at.code === 0) onBranch.set(c, at.stdout.trim());
  }
  return { newest, onBranch };
}
