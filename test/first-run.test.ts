import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { cleanupRepos, createRepo, isolateGitConfig } from './git-repo.js';

/*
 * What a new user sees on a first run, through the real CLI on real git repositories: a command
 * that cannot work says why and what to do (exit 2), and creates nothing on the way.
 */

isolateGitConfig();
afterAll(cleanupRepos);

/** No credentials of any kind, whatever the developer's shell has. */
const NO_CREDENTIALS = {
  GITHUB_TOKEN: '',
  GH_TOKEN: '',
  GITHUB_APP_ID: '',
  GITHUB_APP_PRIVATE_KEY: '',
  GITHUB_APP_PRIVATE_KEY_PATH: '',
};

describe('greenlight doctor without credentials', () => {
  it('exits 2 and lists the checks that will be not_available', async () => {
    const r = await runCli(['doctor', '--github', 'acme'], { env: NO_CREDENTIALS });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/no GitHub credentials: set GITHUB_TOKEN/);
    expect(r.stdout).toMatch(/Checks that will be not_available without credentials \(\d+\):/);
    expect(r.stdout).toMatch(/^ {2}branch\.protected$/m);
    expect(r.stdout).toMatch(/^ {2}org\.mfa-required$/m);
  });

  it('prints machine-readable JSON with -f json: nothing visible, what is missing, the checks left', async () => {
    const r = await runCli(['doctor', '-f', 'json'], { env: NO_CREDENTIALS });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as {
      auth: unknown;
      visible: unknown[];
      missing: { what: string; needs: string }[];
      notAvailableChecks: { check: string; reason: string }[];
    };
    expect(report.auth).toBeNull();
    expect(report.visible).toEqual([]);
    expect(report.missing[0]).toMatchObject({
      what: 'GitHub credentials',
      needs: expect.stringMatching(/GITHUB_TOKEN/),
    });
    expect(report.notAvailableChecks.map((c) => c.check)).toContain('branch.protected');
    expect(report.notAvailableChecks.map((c) => c.check)).not.toContain('change.ticket-linked');
    expect(r.stderr).toMatch(/no GitHub credentials/);
  });
});

describe('greenlight sample without a ledger', () => {
  const env = { ...NO_CREDENTIALS, GREENLIGHT_DATABASE_URL: '', GREENLIGHT_LEDGER_KEY: '' };

  it('says to run greenlight init and exits 2, creating nothing, as assess does', async () => {
    const repo = createRepo();
    repo.commit({ subject: 'Add login' });
    repo.commit({ subject: 'Fix login' });
    const out = path.join(repo.dir, 'drawn');
    const r = await runCli(
      ['sample', '--repo', repo.dir, '--since', '2026-01-01', '--size', '1', '--seed', 's', '--out', out],
      { cwd: repo.dir, env },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no evidence ledger at .*run `greenlight init`/);
    expect(existsSync(path.join(repo.dir, '.greenlight'))).toBe(false);
    expect(existsSync(out)).toBe(false);
  });

  it('draws and records the sample once greenlight init has started the ledger', async () => {
    const repo = createRepo();
    repo.commit({ subject: 'Add login' });
    repo.commit({ subject: 'Fix login' });
    expect((await runCli(['init', repo.dir], { cwd: repo.dir, env })).code).toBe(0);
    const out = path.join(repo.dir, 'drawn');
    const r = await runCli(
      ['sample', '--repo', repo.dir, '--since', '2026-01-01', '--size', '1', '--seed', 's', '--out', out],
      { cwd: repo.dir, env },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/sampled 1 of 2 changes/);
    expect(existsSync(path.join(out, 'manifest.json'))).toBe(true);
  });
});

/** A local port that was just free: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a token set but the GitHub API unreachable', () => {
  const run = async (githubUrl: string) => {
    const repo = createRepo();
    repo.commit({ subject: 'Add login' });
    return runCli(
      ['assess', repo.dir, '--github', 'acme/web', '--github-url', githubUrl, '--no-record', '-q'],
      { cwd: repo.dir, env: { ...NO_CREDENTIALS, GITHUB_TOKEN: 'test-token-not-real' } },
    );
  };

  // Each would run for minutes if the API client retried every request with its backoff.
  it(
    'fails in seconds on a refused connection, saying so while it retries, exit 4',
    { timeout: 30_000 },
    async () => {
      const port = await closedPort();
      const r = await run(`http://127.0.0.1:${port}`);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain(
        `GitHub API at 127.0.0.1:${port} unreachable: connection refused (ECONNREFUSED); retrying (1/2)`,
      );
      expect(r.stderr).toMatch(/nothing could be read for acme\/web: .*ECONNREFUSED/);
      expect(r.stderr).not.toContain('test-token-not-real');
    },
  );

  it('fails in seconds when the host name does not resolve, exit 4', { timeout: 30_000 }, async () => {
    const r = await run('http://github.greenlight-test.invalid');
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/unreachable: the host name (does not resolve|could not be resolved)/);
    expect(r.stderr).toMatch(/nothing could be read for acme\/web: .*github\.greenlight-test\.invalid/);
  });

  it('fails in seconds on a port fetch refuses (127.0.0.1:9), exit 4', { timeout: 30_000 }, async () => {
    const r = await run('http://127.0.0.1:9');
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/bad port/);
  });
});

describe('greenlight changes on a window without the changes', () => {
  const env = { ...NO_CREDENTIALS, GREENLIGHT_DATABASE_URL: '', GREENLIGHT_LEDGER_KEY: '' };

  it('says when the last change was and suggests --since when the window is empty', async () => {
    const repo = createRepo();
    repo.commit({ subject: 'Add login', date: '2026-01-05T09:00:00Z' });
    const last = repo.commit({ subject: 'Fix login', date: '2026-01-06T09:00:00Z' });
    const r = await runCli(
      ['changes', '--repo', repo.dir, '--since', '2026-03-01', '--until', '2026-04-01'],
      {
        cwd: repo.dir,
        env,
      },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `no changes to main from 2026-03-01 to 2026-04-01; the last change was on 2026-01-06 (commit ${last.slice(0, 12)}): widen the window with --since 2026-01-06`,
    );
  });

  it('names a deployed commit before the window start as older than the window, not as off the branch', async () => {
    const repo = createRepo();
    const old = repo.commit({ subject: 'Add login', date: '2026-01-05T09:00:00Z' });
    repo.commit({ subject: 'Fix login', date: '2026-03-03T09:00:00Z' });
    expect((await runCli(['init', repo.dir], { cwd: repo.dir, env })).code).toBe(0);
    const deployed = await runCli(
      [
        'record',
        'deployment',
        '--repo',
        repo.dir,
        '--env',
        'production',
        '--commit',
        old,
        '--at',
        '2026-03-02T00:00:00Z',
      ],
      { cwd: repo.dir, env },
    );
    expect(deployed.code).toBe(0);
    const r = await runCli(
      ['changes', '--repo', repo.dir, '--since', '2026-03-01', '--until', '2026-04-01'],
      {
        cwd: repo.dir,
        env,
      },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `deployed commit ${old.slice(0, 7)} is older than the window start (2026-03-01); it is on main`,
    );
    expect(r.stdout).not.toContain('which is not on main');
  });
});
