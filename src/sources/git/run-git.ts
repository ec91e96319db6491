import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface GitOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** git is missing from PATH (spawn ENOENT): the caller turns it into an `Unavailable`. */
export class GitNotFoundError extends Error {}

/** Cap on the stderr kept from one git process; git may repeat a warning once per commit. */
const STDERR_CAP = 64 * 1024;

/**
 * The environment git runs with: the user's own (their config decides how signatures are
 * verified), but never prompting, never paging, and with messages in English so they can be
 * recognised. Replace objects are ignored: evidence is about the objects as they are.
 */
function gitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    GIT_NO_REPLACE_OBJECTS: '1',
    LC_ALL: 'C',
  };
}

function start(args: readonly string[], cwd: string): ChildProcessWithoutNullStreams {
  return spawn('git', args, { cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
}

function onSpawnError(err: NodeJS.ErrnoException): Error {
  return err.code === 'ENOENT' ? new GitNotFoundError('git is not installed or not on PATH') : err;
}

function collectStderr(child: ChildProcessWithoutNullStreams): () => string {
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < STDERR_CAP) stderr += chunk;
  });
  return () => stderr;
}

/** Runs a short git command and returns its whole output. */
export function git(args: readonly string[], cwd: string): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    const child = start(args, cwd);
    child.stdin.end();
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    const stderr = collectStderr(child);
    child.on('error', (err) => reject(onSpawnError(err)));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr: stderr() }));
  });
}

/**
 * Runs one long git command whose stdout is a stream of NUL-terminated records (`-z`) and hands
 * each record to `onRecord` as it arrives, so memory holds parsed commits, not the raw output.
 */
export function streamGitRecords(
  args: readonly string[],
  cwd: string,
  onRecord: (record: string) => void,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = start(args, cwd);
    child.stdin.end();
    const stderr = collectStderr(child);
    let rest = '';
    let failed: Error | null = null;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (failed) return;
      const buf = rest.length > 0 ? rest + chunk : chunk;
      let from = 0;
      let nul = buf.indexOf('\0');
      try {
        while (nul !== -1) {
          onRecord(buf.slice(from, nul));
          from = nul + 1;
          nul = buf.indexOf('\0', from);
        }
      } catch (err) {
        // A parser bug must not leave git running: stop reading and report it.
        failed = err as Error;
        child.kill();
      }
      rest = buf.slice(from);
    });
    child.on('error', (err) => reject(onSpawnError(err)));
    child.on('close', (code) => {
      if (failed) reject(failed);
      else {
        if (rest.length > 0) onRecord(rest);
        resolve({ code: code ?? 1, stderr: stderr() });
      }
    });
  });
}
