import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILES, defaultConfig, parseConfig, type Config } from '../config/index.js';
import { GreenlightError, UsageError } from '../errors.js';

/**
 * The policy a pull request gate applies comes from the pull request's base, not from its head:
 * otherwise a pull request could weaken its own gate (`scans.required: []` in its greenlight.yml).
 * This is what GitHub does for `pull_request_target` workflows. The config is read at the base
 * commit (`git cat-file` of `BASE:greenlight.yml`); a base without a config means the defaults,
 * never the head's. A `--config` file outside the checkout is the pipeline owner's choice and is
 * used as given; one inside the checkout is read at the base too.
 */
export interface PullRequestPolicy {
  config: Config;
  /** The base commit, resolved to its full SHA (null when the gate has no base). */
  base: string | null;
  /** What the explanation says about where the policy came from. */
  notes: string[];
}

export interface PolicyInput {
  root: string;
  /** The base commit (SHA) or ref of the pull request, when known. */
  base?: string | undefined;
  /** Whether the gate runs in CI (where a pull request's base must be known). */
  inCi: boolean;
  /** The config of the checkout (the head's), as loaded for the command. */
  headConfig: Config;
  /** The `--config` file as given, when given. */
  explicit?: string | undefined;
}

interface CatFile {
  /** Per requested object: its id and bytes, or null when missing. */
  objects: ({ id: string; bytes: Buffer } | null)[];
}

/** One `git cat-file --batch` for several objects (`REV:PATH`, `REV^{commit}`…). */
function catFile(root: string, specs: string[]): Promise<CatFile> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], {
      cwd: root,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_NO_REPLACE_OBJECTS: '1', LC_ALL: 'C' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new UsageError(`git cat-file failed in ${root}: ${stderr.split('\n')[0] ?? ''}`));
        return;
      }
      const out = Buffer.concat(chunks);
      const objects: CatFile['objects'] = [];
      let at = 0;
      for (let i = 0; i < specs.length; i += 1) {
        const eol = out.indexOf(0x0a, at);
        if (eol < 0) break;
        const header = out.subarray(at, eol).toString('utf8');
        at = eol + 1;
        const m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(header);
        if (!m) {
          objects.push(null); // `… missing` or `… ambiguous`
          continue;
        }
        const size = Number(m[3]);
        objects.push({ id: m[1]!, bytes: out.subarray(at, at + size) });
        at += size + 1; // the object, then a newline
      }
      while (objects.length < specs.length) objects.push(null);
      resolve({ objects });
    });
    child.stdin.end(specs.map((s) => `${s}\n`).join(''));
  });
}

async function gitTopLevel(root: string): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn('git', ['rev-parse', '--show-toplevel'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code === 0 ? out.trim() : null));
  });
}

const real = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
};

const inside = (child: string, parent: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === '' || (rel.split(path.sep)[0] !== '..' && !path.isAbsolute(rel));
};

const short = (sha: string): string => (/^[0-9a-f]{40,64}$/.test(sha) ? sha.slice(0, 7) : sha);

/** What a pull request gate reads from git, in one `git cat-file` process. */
export interface PullRequestGit {
  /** Committer times (ms) of the head and the base, null when the checkout does not have them. */
  headTime: number | null;
  baseTime: number | null;
  /** The policy, or the error that stops the gate (thrown when the decision needs the policy). */
  policy: PullRequestPolicy | GreenlightError;
}

const unsafe = (rev: string): boolean => /[\s\0]/.test(rev);

/** The committer time of a raw commit object, in ms. */
function committedAt(obj: { bytes: Buffer } | null | undefined): number | null {
  const m = obj ? /^committer .* (\d+) [+-]\d{4}$/m.exec(obj.bytes.toString('utf8')) : null;
  const t = m ? Number(m[1]) * 1000 : NaN;
  return Number.isFinite(t) && t > 0 ? t : null;
}

/**
 * Reads, in one git process, when the head and the base were committed (where the gate starts
 * reading their evidence) and the policy of the pull request gate (see PullRequestPolicy).
 */
export async function readPullRequestGit(input: PolicyInput & { head: string }): Promise<PullRequestGit> {
  const { root, head, base, explicit } = input;
  // The candidates, relative to the gate's folder (`./` in a git path is relative to the cwd).
  let names = CONFIG_FILES;
  let stop: GreenlightError | null = null;
  let pinned: PullRequestPolicy | null = null;
  if (explicit) {
    const abs = path.resolve(explicit);
    const top = await gitTopLevel(root);
    if (!top || !inside(real(abs), real(top)))
      // The pipeline owner's file, outside anything the pull request can change.
      pinned = {
        config: input.headConfig,
        base: null,
        notes: [`policy from ${abs} (--config, outside the checkout)`],
      };
    else names = [path.relative(real(root), real(abs)).split(path.sep).join('/')];
  }
  if (base && unsafe(base))
    stop = new UsageError(`the base "${base.trim()}" of this pull request is not a commit`);
  else if (!base && !pinned && input.inCi)
    stop = new UsageError(
      "the base of this pull request is not known, so the gate cannot read the base branch's policy: " +
        'run it on a pull request event (GitHub: the event payload; GitLab: a merge request pipeline), ' +
        'or pass --config with a policy file outside the checkout',
    );
  const withBase = base !== undefined && !stop;
  const readConfig = withBase && !pinned;
  const specs = [
    unsafe(head) ? '0'.repeat(40) : `${head}^{commit}`,
    ...(withBase ? [`${base}^{commit}`] : []),
    ...(readConfig ? names.map((n) => `${base}:./${n}`) : []),
  ];
  let objects: CatFile['objects'] = [];
  try {
    objects = (await catFile(root, specs)).objects;
  } catch (err) {
    if (readConfig) stop = err instanceof GreenlightError ? err : new UsageError(String(err));
  }
  const headTime = committedAt(objects[0]);
  const baseTime = withBase ? committedAt(objects[1]) : null;
  let policy: PullRequestPolicy | GreenlightError;
  if (stop) policy = stop;
  else if (pinned) policy = { ...pinned, base: objects[1]?.id ?? null };
  else if (!base)
    policy = { config: input.headConfig, base: null, notes: [] }; // a local run: the checkout's config
  else {
    try {
      policy = basePolicy(base, objects[1] ?? null, objects.slice(2), names, input.headConfig);
    } catch (err) {
      if (!(err instanceof GreenlightError)) throw err;
      policy = err;
    }
  }
  return { headTime, baseTime, policy };
}

function basePolicy(
  base: string,
  commit: CatFile['objects'][number],
  files: CatFile['objects'],
  names: readonly string[],
  headConfig: Config,
): PullRequestPolicy {
  if (!commit)
    throw new UsageError(
      `the base commit ${short(base)} of this pull request is not in this checkout, so the policy ` +
        "(greenlight.yml) of the base branch cannot be read: fetch it (actions/checkout with 'fetch-depth: 0', " +
        `GIT_DEPTH: '0' on GitLab, or \`git fetch origin ${base}\`), or pass --config with a policy file outside the checkout`,
    );
  const baseSha = commit.id;
  const found = names.findIndex((_, i) => files[i]);
  const file = found >= 0 ? files[found] : null;
  const config = file
    ? parseConfig(file.bytes.toString('utf8'), `${names[found]} at the base commit ${short(baseSha)}`)
    : defaultConfig();
  const source = file
    ? `${names[found]} at the base ${short(baseSha)}`
    : `the defaults: the base ${short(baseSha)} has no ${names.join(' or ')}`;
  const changed = differences(config, headConfig);
  const listed =
    changed.slice(0, 8).join(', ') + (changed.length > 8 ? `, … ${changed.length - 8} more` : '');
  const notes =
    changed.length > 0
      ? [`this pull request changes the gate's policy (${listed}); the base branch's applies: ${source}`]
      : [`policy: ${source}`];
  return { config, base: baseSha, notes };
}

/** The dotted keys whose values differ between two configs (arrays and scalars compared whole). */
export function differences(a: unknown, b: unknown, prefix = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differences(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix || '(the whole config)'];
}
