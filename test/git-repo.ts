/**
 * Real git repositories in temp folders, for tests of anything that reads git history.
 *
 *   const repo = createRepo();                        // `main`, isolated from the user's git config
 *   repo.commit({ subject: 'Add login', trailers: { 'Reviewed-by': 'Bob <bob@example.com>' } });
 *   repo.branch('feature/ENG-1');                     // create and switch
 *   repo.commit({ subject: 'Work' });
 *   repo.checkout('main');
 *   repo.prMerge('feature/ENG-1', 12);                // GitHub-style `Merge pull request #12 …`
 *   repo.squash(13, { subject: 'Fix bug' });          // `Fix bug (#13)` committed by GitHub web-flow
 *   const shallow = cloneRepo(repo, { depth: 1 });    // shallow clone (origin/HEAD set)
 *   const facts = await readHistory(repo);           // GitHistory via the real git source
 *   afterAll(cleanupRepos);
 *
 * Every git command runs with GIT_CONFIG_GLOBAL=/dev/null and no system config, and every commit
 * gets a deterministic date: one hour after the previous one unless `date` says otherwise.
 * Call `isolateGitConfig()` once per test file so code under test that spawns git itself (the git
 * source) does not read the developer's config either.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultConfig } from '../src/config/index.js';
import { isUnavailable, type GitHistory } from '../src/facts/index.js';
import { collectGit } from '../src/sources/git/index.js';

export interface Identity {
  name: string;
  email: string;
}

export const ALICE: Identity = { name: 'Alice Doe', email: 'alice@example.com' };
export const BOB: Identity = { name: 'Bob Roe', email: 'bob@example.com' };
/** The committer GitHub uses for merges, squashes and rebases made in its UI. */
export const WEB_FLOW: Identity = { name: 'GitHub', email: 'noreply@github.com' };
export const GITLAB: Identity = { name: 'GitLab', email: 'noreply@gitlab.com' };
export const DEPENDABOT: Identity = {
  name: 'dependabot[bot]',
  email: '49699333+dependabot[bot]@users.noreply.github.com',
};
export const RENOVATE: Identity = {
  name: 'renovate[bot]',
  email: '29139614+renovate[bot]@users.noreply.github.com',
};
export const GITHUB_ACTIONS: Identity = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
};

/** Default start of a repository's clock. */
export const START = new Date('2026-01-05T09:00:00Z');
const HOUR = 3_600_000;

export interface CommitSpec {
  /** First line; default `Change N`. */
  subject?: string;
  body?: string;
  /** Appended as the message's last paragraph, in order. */
  trailers?: Record<string, string> | [string, string][];
  /** Default ALICE. */
  author?: Identity;
  /** Default: the author. */
  committer?: Identity;
  /** Author and committer date; default: one hour after the previous commit. */
  date?: Date | string;
  /** Committer date when it differs from the author date. */
  committerDate?: Date | string;
  /** Files to write (path → content); default: one new file per commit. */
  files?: Record<string, string>;
  /** Sign with the key set up by `enableSshSigning`. */
  sign?: boolean;
}

export interface TestRepo {
  dir: string;
  /** Runs git in the repository (isolated env) and returns stdout without its final newline. */
  git(args: string[], opts?: { env?: Record<string, string>; input?: string }): string;
  commit(spec?: CommitSpec): string;
  /** Creates `name` at `from` (default HEAD) and switches to it. */
  branch(name: string, from?: string): void;
  checkout(ref: string): void;
  /** `git merge --no-ff` of `branch` into the current branch with the given message; returns the SHA. */
  merge(branch: string, spec?: CommitSpec): string;
  /** A GitHub pull-request merge commit: `Merge pull request #N from owner/branch`, committed by web-flow. */
  prMerge(branch: string, pr: number, spec?: CommitSpec & { owner?: string }): string;
  /** A GitHub squash merge: `<subject> (#N)` committed by web-flow on the current branch. */
  squash(pr: number, spec?: CommitSpec): string;
  head(): string;
  /**
   * Generates an ed25519 key with ssh-keygen, sets `gpg.format ssh`, `user.signingKey` and
   * `gpg.ssh.allowedSignersFile` (listing `signer`), so `%G?` reports `G` for signed commits.
   * With `allowedSigners: false` no allowed-signers file is configured (signatures cannot be checked).
   */
  enableSshSigning(opts?: { signer?: Identity; allowedSigners?: boolean }): void;
  /** Sets the clock: the next commit without a date is made at `date`. */
  setClock(date: Date | string): void;
}

const created: string[] = [];

/** Env for every git command the helper runs: no user or system config, fixed locale. */
export function isolatedGitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
    ...extra,
  };
}

/** Makes git spawned by the code under test ignore the user's and the system's config too. */
export function isolateGitConfig(): void {
  process.env.GIT_CONFIG_GLOBAL = '/dev/null';
  process.env.GIT_CONFIG_NOSYSTEM = '1';
}

/** A fresh temp folder, removed by `cleanupRepos`. */
export function tempDir(prefix = 'greenlight-git-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes every folder this helper created (use in `afterAll`). */
export function cleanupRepos(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

function runGit(
  dir: string,
  args: string[],
  opts: { env?: Record<string, string>; input?: string } = {},
): string {
  const out = execFileSync('git', args, {
    cwd: dir,
    env: isolatedGitEnv(opts.env),
    input: opts.input ?? '',
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return out.endsWith('\n') ? out.slice(0, -1) : out;
}

const gitDate = (d: Date): string => `${Math.floor(d.getTime() / 1000)} +0000`;

function message(spec: CommitSpec, fallback: string): string {
  let msg = spec.subject ?? fallback;
  if (spec.body) msg += `\n\n${spec.body}`;
  const trailers = Array.isArray(spec.trailers) ? spec.trailers : Object.entries(spec.trailers ?? {});
  if (trailers.length > 0) msg += `\n\n${trailers.map(([k, v]) => `${k}: ${v}`).join('\n')}`;
  return `${msg}\n`;
}

/** Creates a repository on `branch` (default `main`) with no commits. */
export function createRepo(opts: { branch?: string; start?: Date } = {}): TestRepo {
  const dir = tempDir();
  runGit(dir, ['init', '-q', '-b', opts.branch ?? 'main']);
  runGit(dir, ['config', 'commit.gpgSign', 'false']);
  return wrap(dir, opts.start ?? START);
}

/** Clones `src` (through file:// so `depth` works) into a new temp folder; origin points at `src`. */
export function cloneRepo(src: TestRepo, opts: { depth?: number; branch?: string } = {}): TestRepo {
  const dir = tempDir();
  const args = ['clone', '-q'];
  if (opts.depth) args.push('--depth', String(opts.depth));
  if (opts.branch) args.push('--branch', opts.branch);
  args.push(`file://${src.dir}`, dir);
  runGit(tmpdir(), args);
  return wrap(dir, START);
}

function wrap(dir: string, start: Date): TestRepo {
  let clock = start.getTime() - HOUR;
  let count = 0;
  const nextDate = (d: Date | string | undefined): Date => {
    clock = d === undefined ? clock + HOUR : new Date(d).getTime();
    return new Date(clock);
  };
  const identityEnv = (spec: CommitSpec): Record<string, string> => {
    const author = spec.author ?? ALICE;
    const committer = spec.committer ?? author;
    const date = nextDate(spec.date);
    const committed = spec.committerDate === undefined ? date : new Date(spec.committerDate);
    return {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_AUTHOR_DATE: gitDate(date),
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
      GIT_COMMITTER_DATE: gitDate(committed),
    };
  };
  const repo: TestRepo = {
    dir,
    git: (args, opts) => runGit(dir, args, opts),
    commit(spec = {}) {
      count += 1;
      const files = spec.files ?? { [`changes/change-${count}.txt`]: `${count}\n` };
      for (const [file, content] of Object.entries(files)) {
        const full = path.join(dir, file);
        mkdirSync(path.dirname(full), { recursive: true });
        writeFileSync(full, content);
        runGit(dir, ['add', '--', file]);
      }
      const args = ['commit', '-q', '--allow-empty', '--no-verify', '-F', '-'];
      if (spec.sign) args.push('-S');
      runGit(dir, args, { env: identityEnv(spec), input: message(spec, `Change ${count}`) });
      return repo.head();
    },
    branch(name, from) {
      runGit(dir, from ? ['checkout', '-q', '-b', name, from] : ['checkout', '-q', '-b', name]);
    },
    checkout(ref) {
      runGit(dir, ['checkout', '-q', ref]);
    },
    merge(branch, spec = {}) {
      // `git merge` cannot read its message from stdin: write it beside the repository's objects.
      const msgFile = path.join(dir, '.git', 'GREENLIGHT_MERGE_MSG');
      writeFileSync(msgFile, message(spec, `Merge branch '${branch}'`));
      const args = ['merge', '-q', '--no-ff', '--no-edit', '--no-verify', '-F', msgFile];
      if (spec.sign) args.push('-S');
      args.push(branch);
      runGit(dir, args, { env: identityEnv(spec) });
      return repo.head();
    },
    prMerge(branch, pr, spec = {}) {
      return repo.merge(branch, {
        committer: WEB_FLOW,
        ...spec,
        subject: spec.subject ?? `Merge pull request #${pr} from ${spec.owner ?? 'acme'}/${branch}`,
        body: spec.body ?? `Pull request ${pr}`,
      });
    },
    squash(pr, spec = {}) {
      return repo.commit({
        committer: WEB_FLOW,
        ...spec,
        subject: `${spec.subject ?? `Change ${count + 1}`} (#${pr})`,
      });
    },
    head: () => runGit(dir, ['rev-parse', 'HEAD']),
    enableSshSigning(opts = {}) {
      const keyDir = tempDir('greenlight-key-');
      const key = path.join(keyDir, 'id_ed25519');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'greenlight-test', '-f', key]);
      runGit(dir, ['config', 'gpg.format', 'ssh']);
      runGit(dir, ['config', 'user.signingKey', key]);
      if (opts.allowedSigners !== false) {
        const signers = path.join(keyDir, 'allowed_signers');
        const pub = readFileSync(`${key}.pub`, 'utf8').trim();
        writeFileSync(signers, `${(opts.signer ?? ALICE).email} ${pub}\n`);
        runGit(dir, ['config', 'gpg.ssh.allowedSignersFile', signers]);
      }
    },
    setClock(date) {
      clock = new Date(date).getTime() - HOUR;
    },
  };
  return repo;
}

/**
 * Appends `count` commits on top of the current branch in one `git fast-import` run (fast enough
 * for thousands), one hour apart from `start`, authored and committed by `who`.
 */
export function fastImportCommits(repo: TestRepo, count: number, who: Identity = ALICE, start = START): void {
  let parent = '';
  try {
    parent = repo.head();
  } catch {
    // unborn branch: the first imported commit has no parent
  }
  const branch = repo.git(['symbolic-ref', 'HEAD']);
  const lines: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const when = `${Math.floor(start.getTime() / 1000) + i * 3600} +0000`;
    const msg = `Imported change ${i + 1}\n`;
    lines.push(`commit ${branch}`, `mark :${i + 1}`);
    lines.push(`author ${who.name} <${who.email}> ${when}`, `committer ${who.name} <${who.email}> ${when}`);
    lines.push(`data ${Buffer.byteLength(msg)}`, msg.slice(0, -1));
    if (i === 0 && parent) lines.push(`from ${parent}`);
  }
  repo.git(['fast-import', '--quiet', '--force'], { input: `${lines.join('\n')}\n` });
  repo.git(['reset', '-q', '--hard']);
}

/**
 * Reads `repo` through the real git source (whole history unless `since` is given) and fails the
 * test when the source cannot: the facts a check test feeds to `runCheck`.
 */
export async function readHistory(
  repo: TestRepo,
  opts: { since?: Date | null; until?: Date; branch?: string } = {},
): Promise<GitHistory> {
  isolateGitConfig();
  const h = await collectGit({
    root: repo.dir,
    since: opts.since ?? null,
    until: opts.until ?? new Date('2030-01-01T00:00:00Z'),
    config: defaultConfig(),
    progress: () => {},
    ...(opts.branch ? { branch: opts.branch } : {}),
  });
  if (isUnavailable(h)) throw new Error(`git source unavailable: ${h.reason}`);
  return h;
}
