import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Files greenlight keeps on disk (`.greenlight/`: the SQLite ledger and its -wal/-shm, the keys,
 * the GitHub response cache) are readable by their owner only: 0600 files in 0700 folders, set
 * when a file is made and tightened again when an existing one is opened, whatever the umask.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** The folder every greenlight state file lives in by default. */
export const STATE_DIR = '.greenlight';

/**
 * chmod that leaves alone what is not ours to change: a file that is gone, owned by another user
 * (a read-only `ledger verify` of someone else's ledger) or on a read-only file system.
 */
function tighten(p: string, mode: number): void {
  if (process.platform === 'win32') return;
  try {
    chmodSync(p, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM' && code !== 'EACCES' && code !== 'EROFS') throw err;
  }
}

/** Sets an existing file to 0600 (nothing when it does not exist). */
export function tightenFile(file: string): void {
  tighten(file, PRIVATE_FILE_MODE);
}

/**
 * Creates `dir` and its missing parents with mode 0700. An existing `.greenlight` folder, and every
 * folder between it and `dir`, is tightened to 0700; other existing folders (a database path the
 * user chose, say) keep their mode.
 */
export function ensurePrivateDir(dir: string): void {
  const abs = path.resolve(dir);
  mkdirSync(abs, { recursive: true, mode: PRIVATE_DIR_MODE });
  const parts = abs.split(path.sep);
  const at = parts.lastIndexOf(STATE_DIR);
  if (at < 0) return;
  for (let i = at; i < parts.length; i++)
    tighten(parts.slice(0, i + 1).join(path.sep) || path.sep, PRIVATE_DIR_MODE);
}

/**
 * Tightens a `.greenlight/` folder made before this rule or copied in: the folder and every folder
 * in it to 0700, every file to 0600. Symbolic links are left alone (their targets are not ours).
 */
export function tightenStateDir(dir: string): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // gone or unreadable: nothing of ours to tighten
  }
  tighten(dir, PRIVATE_DIR_MODE);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) tightenStateDir(p);
    else if (e.isFile()) tightenFile(p);
  }
}

/** Writes a file as 0600 in a 0700 folder (`flag: 'wx'` to refuse an existing file). */
export function writePrivateFile(
  file: string,
  data: string | Uint8Array,
  opts: { flag?: string } = {},
): void {
  ensurePrivateDir(path.dirname(file));
  writeFileSync(file, data, { mode: PRIVATE_FILE_MODE, ...(opts.flag ? { flag: opts.flag } : {}) });
  tightenFile(file); // an existing file keeps its old mode through writeFileSync
}
