import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
// node:timers' own function: a caller's fake timers (tests) must not stall the read.
import { setTimeout as pollTimer } from 'node:timers';

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

function collectStderr(child: { stderr: Readable }): () => string {
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
 *
 * git writes into a private temporary file that is read as it grows, not into a pipe: a pipe holds
 * 64 KiB, so whenever this thread is busy with other work (the change population reads the
 * evidence ledger meanwhile) git would stop and wait for it. With the file, git runs to the end
 * on its own core and the records are parsed when this thread is free.
 */
export async function streamGitRecords(
  args: readonly string[],
  cwd: string,
  onRecord: (record: string) => void,
  /** Called once git runs. */
  onSpawn?: () => void,
): Promise<{ code: number; stderr: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'greenlight-git-'));
  const file = path.join(dir, 'stdout');
  const out = await open(file, 'wx', 0o600);
  const input = await open(file, 'r');
  try {
    // Listeners go on before anything is awaited: a short git can be gone by the next tick.
    let child: ChildProcess;
    try {
      child = spawn('git', args, { cwd, env: gitEnv(), stdio: ['ignore', out.fd, 'pipe'] });
    } catch (err) {
      await out.close();
      throw err;
    }
    onSpawn?.();
    let exit: { code: number } | null = null;
    let spawnError: Error | null = null;
    let wake: (() => void) | null = null;
    const exited = new Promise<void>((resolve) => {
      child.on('error', (err) => {
        spawnError = onSpawnError(err);
        resolve();
      });
      child.on('close', (code) => {
        exit = { code: code ?? 1 };
        resolve();
      });
    });
    const stderr = collectStderr({ stderr: child.stderr! });
    await out.close(); // the child has its own copy of the descriptor
    void exited.then(() => wake?.());
    const decoder = new StringDecoder('utf8');
    const buf = Buffer.allocUnsafe(1 << 20);
    let rest = '';
    const consume = (text: string) => {
      const all = rest.length > 0 ? rest + text : text;
      let from = 0;
      let nul = all.indexOf('\0');
      while (nul !== -1) {
        onRecord(all.slice(from, nul));
        from = nul + 1;
        nul = all.indexOf('\0', from);
      }
      rest = all.slice(from);
    };
    for (;;) {
      const done = exit !== null || spawnError !== null; // before the read: nothing is written after exit
      const { bytesRead } = await input.read(buf, 0, buf.length, null);
      if (bytesRead > 0) {
        try {
          consume(decoder.write(buf.subarray(0, bytesRead)));
        } catch (err) {
          // A parser bug must not leave git running: stop it and report the bug.
          child.kill();
          await exited;
          throw err;
        }
        continue;
      }
      if (spawnError) throw spawnError;
      if (done) break;
      // Caught up with git: wait for more output (polled: files have no "data" event) or its end.
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (exit !== null || spawnError !== null) resolve();
        else pollTimer(resolve, 2);
      });
      wake = null;
    }
    consume(decoder.end());
    if (rest.length > 0) onRecord(rest);
    return { code: (exit as { code: number } | null)?.code ?? 1, stderr: stderr() };
  } finally {
    await input.close();
    await rm(dir, { recursive: true, force: true });
  }
}
