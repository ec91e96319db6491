import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { redactText } from '../redact/index.js';

/**
 * `--out` of every command. The folder that holds the output must exist: greenlight never creates
 * a missing parent folder (a typo in a path should not scatter reports); a command whose output is
 * a folder (`sample`, `ledger export`) creates that folder itself. Both are checked before any
 * work, and a report is written to a temporary file beside it and renamed, so the path holds
 * either the whole report or what it held before.
 */

/** `--out FILE`: not a folder, in a folder that exists. Returns the absolute path. */
export function checkOutFile(file: string, flag = '--out'): string {
  const abs = path.resolve(file);
  if (isDirectory(abs)) throw new UsageError(`${flag} ${file} is a folder; give a file name`);
  checkParent(abs, file, flag);
  return abs;
}

/** `--out DIR`: a folder, or nothing yet in a folder that exists. Returns the absolute path. */
export function checkOutDir(dir: string, flag = '--out'): string {
  const abs = path.resolve(dir);
  if (existsSync(abs) && !isDirectory(abs)) throw new UsageError(`${flag} ${dir} exists and is not a folder`);
  if (!existsSync(abs)) checkParent(abs, dir, flag);
  return abs;
}

function checkParent(abs: string, given: string, flag: string): void {
  const parent = path.dirname(abs);
  if (!existsSync(parent))
    throw new UsageError(`${flag} ${given}: the folder ${parent} does not exist (create it first)`);
  if (!isDirectory(parent)) throw new UsageError(`${flag} ${given}: ${parent} is not a folder`);
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Writes to a new temporary file in the same folder, flushes it, and renames it into place. */
export function writeAtomic(file: string, text: string, flag = '--out'): void {
  const abs = checkOutFile(file, flag);
  const tmp = path.join(
    path.dirname(abs),
    `.${path.basename(abs)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      // A report written with --out is redacted like everything the command prints.
      writeSync(fd, redactText(text));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, abs);
  } catch (err) {
    rmSync(tmp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (!code) throw err;
    throw new UsageError(`${flag} ${file}: cannot write it (${code}: ${(err as Error).message})`);
  }
}
