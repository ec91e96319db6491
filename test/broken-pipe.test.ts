import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRepos, createRepo } from './git-repo.js';

/*
 * `greenlight … | head`: the reader closes the pipe early. The command must end as Unix tools do
 * (quietly, exit 141 = 128 + SIGPIPE) — never an internal error, and never exit 0, which a
 * `set -o pipefail` pipeline around `greenlight gate` would read as a pass.
 */

const BIN = path.resolve(__dirname, '..', 'bin', 'greenlight.cjs');

afterAll(cleanupRepos);

describe('a reader that closes the pipe early', () => {
  it('ends the command quietly with exit 141 (a pipefail pipeline fails)', async () => {
    // A JSON assessment is larger than a pipe's buffer, so the early close is seen while writing.
    const repo = createRepo();
    repo.commit();
    const script = `set -o pipefail; "${process.execPath}" "${BIN}" assess --format json --no-record | head -c 100 >/dev/null`;
    const child = spawn('bash', ['-c', script], { cwd: repo.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/internal error|EPIPE|at .*\.c?js:\d+/);
    expect(code).toBe(141);
  });
});
