import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * The shipped command: bin/greenlight.js runs the bundled CLI (dist/bundle/, scripts/bundle.mjs)
 * when it was built. The other tests run the sources in-process; these run the bundle as a user
 * does, so a module the bundler mishandles (paths from import.meta.url, CommonJS interop, the
 * verify workers' function source) is caught. They need `npm run build` first, as `.ci/run` does.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'greenlight.js');
const built = existsSync(path.join(ROOT, 'dist', 'bundle', 'cli.js'));
if (!built) console.warn('\n[bundle] SKIPPING: dist/bundle/ is not built; run `npm run build` first.\n');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function greenlight(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GREENLIGHT_DATABASE_URL: '', NO_COLOR: '1', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function gitRepo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-bundle-'));
  dirs.push(dir);
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: 'Ada',
        GIT_AUTHOR_EMAIL: 'ada@example.com',
        GIT_COMMITTER_NAME: 'Ada',
        GIT_COMMITTER_EMAIL: 'ada@example.com',
      },
    });
  git('init', '-q', '-b', 'main');
  writeFileSync(path.join(dir, 'README.md'), '# demo\n');
  git('add', '.');
  git('commit', '-q', '-m', 'first');
  return dir;
}

describe.skipIf(!built)('the bundled CLI (bin/greenlight.js)', () => {
  it('prints the package version', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = greenlight(['--version'], ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('lists the control catalog', () => {
    const r = greenlight(['controls', '--format', 'json'], ROOT);
    expect(r.code).toBe(0);
    const catalog = JSON.parse(r.stdout) as { checks: unknown[] };
    expect(catalog.checks.length).toBeGreaterThanOrEqual(60);
  });

  it('sets up a ledger, assesses into it, gates, and verifies it', () => {
    const repo = gitRepo();
    expect(greenlight(['init'], repo).code).toBe(0);
    const assess = greenlight(['assess', '--format', 'json', '-q'], repo);
    expect([0, 1]).toContain(assess.code);
    expect((JSON.parse(assess.stdout) as { results: unknown[] }).results.length).toBeGreaterThan(0);
    const gate = greenlight(['gate', '--context', 'deploy', '--env', 'staging'], repo);
    expect(gate.stdout).toMatch(/greenlight gate/);
    const verify = greenlight(['ledger', 'verify', '--format', 'json'], repo);
    expect(verify.code).toBe(0);
    expect((JSON.parse(verify.stdout) as { ok: boolean }).ok).toBe(true);
    const reindex = greenlight(['ledger', 'reindex', '--format', 'json'], repo);
    expect(reindex.code).toBe(0);
    expect(JSON.parse(reindex.stdout)).toMatchObject({ written: 0 });
  });

  it('exits 2 with a clear message on a bad config', () => {
    const repo = gitRepo();
    writeFileSync(path.join(repo, 'greenlight.yml'), 'thresholds:\n  approvals: many\n');
    const r = greenlight(['assess', '--no-record', '-q'], repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('greenlight.yml:2: thresholds.approvals:');
  });
});
