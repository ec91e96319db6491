import { existsSync } from 'node:fs';
import { git, type GitOutput } from './run-git.js';
import { parseRemotes, type Remote } from './remotes.js';

export interface RepoInfo {
  root: string;
  shallow: boolean;
  remotes: Remote[];
}

/** What the source reads: a branch name for display and the commit at its tip (null: no commits). */
export interface Target {
  branch: string;
  detached: boolean;
  tip: string | null;
}

/** A problem the user can fix, turned into an `Unavailable` by the caller. */
export class RepoProblem extends Error {}

function firstLine(out: GitOutput): string {
  return out.stderr.trim().split('\n')[0] ?? '';
}

/** Root, shallowness and remotes; a RepoProblem when `cwd` is not inside a git checkout. */
export async function readRepo(cwd: string): Promise<RepoInfo> {
  // spawn reports a missing cwd as ENOENT, the same as a missing git: tell them apart first.
  if (!existsSync(cwd))
    throw new RepoProblem(`${cwd} does not exist: run inside a git checkout or pass a path`);
  const [top, remotes] = await Promise.all([
    git(['rev-parse', '--is-shallow-repository', '--show-toplevel'], cwd),
    git(['remote', '-v'], cwd),
  ]);
  if (top.code !== 0) {
    const msg = top.stderr;
    if (/dubious ownership/.test(msg))
      throw new RepoProblem(
        `git refuses ${cwd} (owned by another user): run \`git config --global --add safe.directory ${cwd}\``,
      );
    if (/not a git repository|cannot change to|No such file/i.test(msg) || top.stdout === '')
      throw new RepoProblem(`${cwd} is not a git repository: run inside a git checkout or pass a path`);
    throw new RepoProblem(`git could not read ${cwd}: ${firstLine(top)}`);
  }
  const [shallow, root] = top.stdout.trim().split('\n');
  return { root: root ?? cwd, shallow: shallow === 'true', remotes: parseRemotes(remotes.stdout) };
}

export interface Refs {
  /** Full ref name → commit SHA, for local branches and remote-tracking branches. */
  sha: Map<string, string>;
  /** `refs/remotes/origin/HEAD` → its target, when the clone recorded one. */
  originHead: string | undefined;
  /** `refs/heads/X` when HEAD is on a branch (born or not); undefined when detached. */
  current: string | undefined;
  headSha: string | undefined;
}

export async function readRefs(root: string): Promise<Refs> {
  const [list, sym, head] = await Promise.all([
    git(
      ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(symref)', 'refs/heads', 'refs/remotes'],
      root,
    ),
    git(['symbolic-ref', '-q', 'HEAD'], root),
    git(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], root),
  ]);
  const sha = new Map<string, string>();
  let originHead: string | undefined;
  for (const line of list.stdout.split('\n')) {
    const [name, object, symref] = line.split('\0');
    if (!name || !object) continue;
    if (name === 'refs/remotes/origin/HEAD' && symref) originHead = symref;
    else sha.set(name, object);
  }
  const current = sym.code === 0 ? sym.stdout.trim() : undefined;
  const headSha = head.code === 0 ? head.stdout.trim() : undefined;
  return { sha, originHead, current, headSha };
}

/** A branch name resolves to origin's remote-tracking branch (what reached the shared branch), else the local one. */
function byName(refs: Refs, name: string): string | undefined {
  return refs.sha.get(`refs/remotes/origin/${name}`) ?? refs.sha.get(`refs/heads/${name}`);
}

const short = (sha: string): string => sha.slice(0, 7);

/**
 * The branch to assess: `requested` if given, else the target of `origin/HEAD`, else the current
 * branch; a detached HEAD is assessed as it is; an unborn current branch falls back to main or
 * master. A branch name reads origin's remote-tracking branch when there is one.
 */
export async function resolveTarget(
  root: string,
  requested: string | undefined,
  /** The refs, when the caller started reading them already (they are read from any folder of the checkout). */
  refsRead: Promise<Refs> = readRefs(root),
): Promise<Target> {
  const refs = await refsRead;
  const detached = refs.current === undefined && refs.headSha !== undefined;
  if (requested) {
    const name = requested.replace(/^refs\/heads\//, '');
    const tip = byName(refs, name) ?? (await revParse(root, requested));
    if (tip) return { branch: name, detached, tip };
    if (refs.sha.size === 0 && !refs.headSha) return { branch: name, detached: false, tip: null };
    throw new RepoProblem(
      `branch '${requested}' was not found in ${root}: fetch it (\`git fetch origin ${requested}\`) or pass an existing branch`,
    );
  }
  if (refs.originHead) {
    const tip = refs.sha.get(refs.originHead);
    if (tip) return { branch: refs.originHead.replace(/^refs\/remotes\/origin\//, ''), detached, tip };
  }
  if (refs.current) {
    const name = refs.current.replace(/^refs\/heads\//, '');
    const tip = byName(refs, name);
    if (tip) return { branch: name, detached: false, tip };
  }
  if (detached && refs.headSha)
    return { branch: `HEAD (detached at ${short(refs.headSha)})`, detached: true, tip: refs.headSha };
  // The current branch is unborn (empty repository, or an orphan checkout): fall back to main/master.
  for (const name of ['main', 'master']) {
    const tip = byName(refs, name);
    if (tip) return { branch: name, detached: false, tip };
  }
  return { branch: refs.current?.replace(/^refs\/heads\//, '') ?? 'HEAD', detached: false, tip: null };
}

async function revParse(root: string, rev: string): Promise<string | undefined> {
  if (rev.startsWith('-')) return undefined;
  const out = await git(['rev-parse', '-q', '--verify', '--end-of-options', `${rev}^{commit}`], root);
  return out.code === 0 ? out.stdout.trim() : undefined;
}
