import { execFile } from 'node:child_process';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { LedgerIntegrityError, SourceError } from '../errors.js';
import {
  sha256Hex,
  type AppendItem,
  type EvidenceStore,
  type EvidenceWriter,
  type Statement,
} from './evidence.js';
import { recordIdempotent } from './record.js';

/**
 * The `--fail-open` spool: when the ledger cannot be reached, statements are appended here (one
 * line each, blobs content-addressed beside them) for the next command that reaches the ledger to
 * replay (idempotently) and delete. Nothing in it is signed, so three things keep it from being a
 * way to forge evidence:
 *
 * - it lives outside the working tree: the runner's temporary folder in GitHub Actions
 *   (`$RUNNER_TEMP`), else the user's cache folder (`$XDG_CACHE_HOME/greenlight` or
 *   `~/.cache/greenlight`), one folder per repository and ledger, mode 0700, files 0600; a spool
 *   inside the repository's working tree or tracked by git is refused;
 * - every line carries an HMAC-SHA256 of its statement and blob digests, keyed by a secret derived
 *   from the ledger signing key and bound to the folder: replay refuses a line it cannot verify
 *   (written without the key, on another machine's key, for another repository or ledger, or
 *   edited), and replays nothing at all then;
 * - blobs are checked against the digests the authenticated lines name.
 */

interface SpoolLine {
  index: number;
  recordedAt: string;
  statement: Statement;
  blobs: { name: string; mediaType: string; sha256: string }[];
}

/** What is written per line: the line's JSON text and its HMAC. */
interface SealedLine {
  v: 1;
  body: string;
  mac: string;
}

const FILE = 'statements.jsonl';
const BLOBS = 'blobs';
const MAC_LABEL = 'greenlight fail-open spool v1';

export interface SpoolPlace {
  /** The spool folder of this repository and ledger. */
  dir: string;
  /** Names the repository and ledger; bound into every line's HMAC. */
  id: string;
}

/** A spool folder checked and made ready for writing, with the secret its lines are sealed with. */
export interface SpoolTarget extends SpoolPlace {
  secret: Buffer;
}

export interface SpoolWriter extends EvidenceWriter {
  describe(): string;
}

/** The ledger a database URL names, without its password (the spool folder is per ledger). */
function ledgerIdentity(root: string, url: string | undefined): string {
  if (!url) return `sqlite:${path.resolve(root, '.greenlight', 'greenlight.db')}`;
  if (/^postgres(ql)?:\/\//i.test(url)) {
    try {
      const u = new URL(url);
      u.password = '';
      return u.toString();
    } catch {
      return url; // hashed, never shown
    }
  }
  const m = /^(?:sqlite|file):(?:\/\/)?(.+)$/i.exec(url);
  return m?.[1] ? `sqlite:${path.resolve(root, m[1])}` : url;
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Where this repository's spool for its configured ledger lives (see the module comment). */
export function spoolPlace(root: string, env: NodeJS.ProcessEnv = process.env): SpoolPlace {
  const id = sha256Hex(`${realpathOr(root)}\n${ledgerIdentity(root, env.GREENLIGHT_DATABASE_URL)}`).slice(
    0,
    32,
  );
  let base: string;
  if (env.GITHUB_ACTIONS === 'true' && env.RUNNER_TEMP && path.isAbsolute(env.RUNNER_TEMP)) {
    base = path.join(env.RUNNER_TEMP, 'greenlight-spool');
  } else {
    const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : '';
    const home = os.homedir();
    const cache = xdg || (home ? path.join(home, '.cache') : '');
    base = cache
      ? path.join(cache, 'greenlight', 'spool')
      : path.join(os.tmpdir(), `greenlight-spool-${process.getuid?.() ?? 'user'}`);
  }
  return { dir: path.join(base, id), id };
}

/** The real path `p` would have: its nearest existing ancestor resolved, the rest appended. */
function realTarget(p: string): string {
  const rest: string[] = [];
  let at = path.resolve(p);
  while (!existsSync(at)) {
    const up = path.dirname(at);
    if (up === at) break;
    rest.unshift(path.basename(at));
    at = up;
  }
  return path.join(realpathOr(at), ...rest);
}

const inside = (child: string, parent: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === '' || (rel.split(path.sep)[0] !== '..' && !path.isAbsolute(rel));
};

const execFileP = promisify(execFile);

async function gitLine(cwd: string, args: string[]): Promise<string | null> {
  try {
    return (await execFileP('git', args, { cwd, maxBuffer: 1024 * 1024 })).stdout.trim();
  } catch {
    return null; // not a git repository (or no git): nothing is tracked there
  }
}

/** Why a spool folder must not be used, or null: inside the working tree, or tracked by git. */
async function placeProblem(dir: string, root: string): Promise<string | null> {
  const real = realTarget(dir);
  const top = await gitLine(root, ['rev-parse', '--show-toplevel']);
  for (const tree of [realpathOr(root), ...(top ? [realpathOr(top)] : [])])
    if (inside(real, tree)) return `it is inside the working tree ${tree}`;
  if (existsSync(dir)) {
    // Whatever repository holds the folder, its config runs nothing (no fsmonitor hook).
    const tracked = await gitLine(dir, ['-c', 'core.fsmonitor=false', 'ls-files', '-z', '--', '.']);
    if (tracked) return 'files in it are tracked by git';
  }
  return null;
}

/**
 * The HMAC secret of the spool: SHA-256 of the signing key's Ed25519 signature of a fixed message
 * (deterministic, RFC 8032), as the read index derives its key; only the key's holder can compute
 * it. The message is neither a DSSE PAE nor a checkpoint note, and its signature is never stored.
 * Null when no signing key is at hand.
 */
async function spoolSecret(root: string, env: NodeJS.ProcessEnv): Promise<Buffer | null> {
  const { loadSigner } = await import('../ledger/index.js');
  const signer = loadSigner(root, env);
  if (!signer) return null;
  const sig = await signer.sign(Buffer.from(`${MAC_LABEL} authentication key`, 'utf8'));
  return createHash('sha256').update(sig).digest();
}

function seal(secret: Buffer, id: string, body: string): string {
  return createHmac('sha256', secret).update(`${MAC_LABEL}\0${id}\0`).update(body).digest('hex');
}

/**
 * Makes the spool folder ready for `--fail-open` (created 0700), or throws a SourceError (exit 4:
 * failing closed) when it cannot be used: no signing key to seal lines with, a folder inside the
 * working tree or tracked by git, a folder that cannot be made private.
 */
export async function prepareSpool(root: string, env: NodeJS.ProcessEnv = process.env): Promise<SpoolTarget> {
  const place = spoolPlace(root, env);
  const secret = await spoolSecret(root, env);
  if (!secret)
    throw new SourceError(
      '--fail-open cannot spool: no ledger signing key is at hand to authenticate the spool ' +
        '(.greenlight/keys/ledger.key, or the secret GREENLIGHT_LEDGER_KEY in CI); failing closed',
    );
  const problem = await placeProblem(place.dir, root);
  if (problem) throw new SourceError(`--fail-open cannot spool to ${place.dir}: ${problem}; failing closed`);
  try {
    mkdirSync(path.join(place.dir, BLOBS), { recursive: true, mode: 0o700 });
    chmodSync(place.dir, 0o700);
    chmodSync(path.join(place.dir, BLOBS), 0o700);
  } catch (err) {
    throw new SourceError(
      `--fail-open cannot spool to ${place.dir}: ${(err as Error).message}; failing closed`,
    );
  }
  return { ...place, secret };
}

/** The spool's writer (see prepareSpool); `src/evidence/index.ts` hands it out wrapped in redaction. */
export function spoolStore(target: SpoolTarget, clock: () => Date = () => new Date()): SpoolWriter {
  const file = path.join(target.dir, FILE);
  const blobDir = path.join(target.dir, BLOBS);
  const count = (): number =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '').length
      : 0;
  return {
    describe: () => `spool ${file}`,
    async append(items: readonly AppendItem[]) {
      mkdirSync(blobDir, { recursive: true, mode: 0o700 });
      const start = count();
      const at = clock().toISOString();
      const lines: SpoolLine[] = items.map((it, i) => ({
        index: start + i,
        recordedAt: at,
        statement: it.statement,
        blobs: (it.blobs ?? []).map((b) => {
          const sha = sha256Hex(b.bytes);
          const p = path.join(blobDir, sha);
          // Written again even when present: a replay running meanwhile may be deleting it.
          const tmp = `${p}.${process.pid}.tmp`;
          writeFileSync(tmp, b.bytes, { mode: 0o600 });
          renameSync(tmp, p);
          return { name: b.name, mediaType: b.mediaType, sha256: sha };
        }),
      }));
      const text = lines
        .map((l) => {
          const body = JSON.stringify(l);
          const sealed: SealedLine = { v: 1, body, mac: seal(target.secret, target.id, body) };
          return JSON.stringify(sealed) + '\n';
        })
        .join('');
      // One write for the batch: a crash leaves either all lines or none.
      if (lines.length > 0) appendFileSync(file, text, { mode: 0o600 });
      return {
        stored: lines.map((l) => ({
          index: l.index,
          recordedAt: l.recordedAt,
          statement: l.statement,
          duplicate: false,
        })),
        checkpoint: null,
      };
    },
  };
}

/** Only this user may have written it: owned by us, nothing for group or others, no symlink. */
function privateProblem(p: string, kind: 'folder' | 'file'): string | null {
  const st = lstatSync(p);
  if (st.isSymbolicLink()) return `${p} is a symbolic link`;
  if (kind === 'folder' ? !st.isDirectory() : !st.isFile()) return `${p} is not a ${kind}`;
  if (process.platform === 'win32') return null;
  if (process.getuid && st.uid !== process.getuid()) return `${p} belongs to another user (uid ${st.uid})`;
  if ((st.mode & 0o077) !== 0) return `${p} is open to other users (mode ${(st.mode & 0o777).toString(8)})`;
  return null;
}

function macMatches(secret: Buffer, id: string, line: SealedLine): boolean {
  if (typeof line.mac !== 'string' || !/^[0-9a-f]{64}$/.test(line.mac)) return false;
  const want = Buffer.from(seal(secret, id, line.body), 'hex');
  return timingSafeEqual(want, Buffer.from(line.mac, 'hex'));
}

/**
 * Replays the spool of this repository and ledger into `store`, oldest first, then deletes its
 * lines and blobs. Every line is authenticated (and every blob checked) before anything is
 * appended: a spool this installation did not write is refused whole (LedgerIntegrityError,
 * exit 3) and left where it is for someone to look at. Returns null when there is nothing to replay.
 */
export async function replaySpool(
  root: string,
  store: EvidenceStore,
  now: Date,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ total: number; appended: number } | null> {
  const place = spoolPlace(root, env);
  const file = path.join(place.dir, FILE);
  if (!existsSync(file)) return null;
  const refuse = (why: string): LedgerIntegrityError =>
    new LedgerIntegrityError(
      `refusing to replay the --fail-open spool ${file}: ${why}; nothing was replayed ` +
        `(move ${place.dir} aside once you have looked at it)`,
    );
  const problem =
    (await placeProblem(place.dir, root)) ??
    privateProblem(place.dir, 'folder') ??
    privateProblem(file, 'file');
  if (problem) throw refuse(problem);
  const secret = await spoolSecret(root, env);
  if (!secret) throw refuse('no ledger signing key is at hand to authenticate it');

  const texts = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const items: AppendItem[] = [];
  const blobFiles = new Set<string>();
  for (const [n, text] of texts.entries()) {
    const where = `line ${n + 1}`;
    let sealed: SealedLine;
    try {
      sealed = JSON.parse(text) as SealedLine;
    } catch {
      throw refuse(`${where} is not a spooled statement (edited or truncated)`);
    }
    if (!sealed || sealed.v !== 1 || typeof sealed.body !== 'string' || !macMatches(secret, place.id, sealed))
      throw refuse(
        `${where} does not carry this installation's authentication (written without its signing key, ` +
          'for another repository or ledger, or edited)',
      );
    const line = JSON.parse(sealed.body) as SpoolLine;
    const blobs = line.blobs.map((b) => {
      const p = path.join(place.dir, BLOBS, b.sha256);
      if (!/^[0-9a-f]{64}$/.test(b.sha256) || !existsSync(p) || privateProblem(p, 'file'))
        throw refuse(`${where}: spooled blob ${b.sha256} is missing or not private`);
      const bytes = readFileSync(p);
      if (sha256Hex(bytes) !== b.sha256) throw refuse(`${where}: spooled blob ${b.sha256} was altered`);
      blobFiles.add(p);
      return { name: b.name, mediaType: b.mediaType, bytes };
    });
    items.push({ statement: line.statement, blobs });
  }
  let appended = 0;
  for (const item of items) {
    const outcome = await recordIdempotent(store, item, now);
    if (outcome.appended) appended += 1;
  }
  // In the signed ledger now: nothing of the spool is kept.
  rmSync(file, { force: true });
  for (const p of blobFiles) rmSync(p, { force: true });
  for (const d of [path.join(place.dir, BLOBS), place.dir]) {
    try {
      rmdirSync(d);
    } catch {
      // not empty (a spool written meanwhile): kept
    }
  }
  return { total: items.length, appended };
}

/** The spool folder of releases before the spool moved out of the working tree (never replayed). */
export function legacySpoolFile(root: string): string {
  return path.join(root, '.greenlight', 'spool', FILE);
}
