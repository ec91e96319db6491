import { GreenlightError, SourceError } from '../errors.js';

/**
 * Whether an error means the evidence store cannot be reached at all — the one case `--fail-open`
 * turns into a pass (`gate`) or a spooled recording (`record`). Everything else keeps its exit
 * code: an integrity failure (a tampered or corrupt ledger, exit 3), bad input (exit 2), refused
 * credentials, a bug.
 *
 * Unreachable: the network to PostgreSQL (refused, reset, timed out, no route, unknown host), the
 * server shutting down or full, and a SQLite file whose folder cannot be made or opened (a
 * missing mount, a read-only or busy file).
 */
export function isStoreUnreachable(err: unknown): boolean {
  return unreachable(err, 0);
}

const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EPIPE',
]);

/** File-system errors of the calls that make or open the SQLite ledger's folder and file. */
const FILE_SYSTEM = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT']);
const FILE_CALLS = new Set(['mkdir', 'open', 'access', 'stat', 'lstat', 'link']);

/** SQLite could not open, lock or write the file (never corruption: that is an integrity failure). */
const SQLITE = /^SQLITE_(CANTOPEN|BUSY|LOCKED|READONLY|FULL)/;

/** PostgreSQL SQLSTATEs: connection exceptions (08…), shutdown (57P01–3), too many connections. */
const PG_STATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;

/** pg's own connection failures, raised as plain Errors without a code. */
const PG_MESSAGE =
  /^(Connection terminated( unexpectedly| due to connection timeout)?|timeout exceeded when trying to connect|timeout expired)$/;

function unreachable(err: unknown, depth: number): boolean {
  if (!(err instanceof Error) || depth > 4) return false;
  const cause = (err as { cause?: unknown }).cause;
  if (err instanceof SourceError) return cause === undefined ? true : unreachable(cause, depth + 1);
  if (err instanceof GreenlightError) return false; // usage, config, input, integrity
  if (err instanceof AggregateError && err.errors.length > 0)
    return err.errors.every((e) => unreachable(e, depth + 1));
  const { code, syscall } = err as { code?: unknown; syscall?: unknown };
  if (typeof code === 'string') {
    if (NETWORK.has(code)) return true;
    if (FILE_SYSTEM.has(code)) return typeof syscall === 'string' && FILE_CALLS.has(syscall);
    // A file where the ledger's folder should be (a volume not mounted over its mount point).
    if (code === 'EEXIST') return syscall === 'mkdir';
    if (SQLITE.test(code) || PG_STATE.test(code)) return true;
    return false;
  }
  if (PG_MESSAGE.test(err.message)) return true;
  return cause !== undefined && unreachable(cause, depth + 1);
}
