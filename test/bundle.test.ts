import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * The shipped command: bin/greenlight.cjs runs the bundled CLI (dist/bundle/, scripts/bundle.mjs)
 * when it was built. The other tests run the sources in-process; these run the bundle as a user
 * does, so a module the bundler mishandles (paths from import.meta.url, CommonJS interop, the
 * verify workers' function source) is caught. They need `npm run build` first, as `.ci/run` does.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'greenlight.cjs');
const built = existsSync(path.join(ROOT, 'dist', 'bundle', 'cli.cjs'));
if (!built) console.warn('\n[bundle] SKIPPING: dist/bundle/ is not built; run `npm run build` first.\n');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// Each test file run gets its own code cache folder (see bin/code-cache.cjs).
const CACHE = mkdtempSync(path.join(tmpdir(), 'gl-code-cache-'));
dirs.push(CACHE);

function greenlight(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GREENLIGHT_DATABASE_URL: '', NO_COLOR: '1', GREENLIGHT_CACHE_DIR: CACHE, ...env },
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

describe.skipIf(!built)('the bundled CLI (bin/greenlight.cjs)', () => {
  it('prints the package version', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = greenlight(['--version'], ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
    // the old name of the command (npx caches may still link to it)
    const old = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'greenlight.js'), '--version'], {
      encoding: 'utf8',
    });
    expect(old.stdout.trim()).toBe(pkg.version);
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
    const gate = greenlight(['gate', '--context', 'deploy', '--env', 'staging', '--commit', 'HEAD'], repo);
    expect(gate.stdout).toMatch(/greenlight gate/);
    const verify = greenlight(['ledger', 'verify', '--format', 'json'], repo);
    expect(verify.code).toBe(0);
    expect((JSON.parse(verify.stdout) as { ok: boolean }).ok).toBe(true);
    const reindex = greenlight(['ledger', 'reindex', '--format', 'json'], repo);
    expect(reindex.code).toBe(0);
    expect(JSON.parse(reindex.stdout)).toMatchObject({ written: 0 });
  });

  it('keeps V8 code cache in a private folder, replaces unusable data, and never uses a shared folder', () => {
    const cache = mkdtempSync(path.join(tmpdir(), 'gl-cc-'));
    dirs.push(cache);
    const env = { GREENLIGHT_CACHE_DIR: cache };
    expect(greenlight(['controls', '--format', 'json'], ROOT, env).code).toBe(0);
    const [folder] = readdirSync(cache);
    const dir = path.join(cache, folder!);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThan(1); // the entry chunk and the command's chunks
    for (const f of files) expect(statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    // Garbage in place of cached data: V8 rejects it, the command still works and rewrites it.
    for (const f of files) writeFileSync(path.join(dir, f), 'not V8 code cache');
    const again = greenlight(['controls', '--format', 'json'], ROOT, env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toHaveProperty('checks');
    for (const f of files) expect(readFileSync(path.join(dir, f), 'utf8')).not.toBe('not V8 code cache');

    // A folder others can write is not used (cached data is code).
    const shared = mkdtempSync(path.join(tmpdir(), 'gl-cc-shared-'));
    dirs.push(shared);
    chmodSync(shared, 0o777);
    mkdirSync(path.join(shared, folder!), { mode: 0o777 });
    chmodSync(path.join(shared, folder!), 0o777);
    expect(greenlight(['--version'], ROOT, { GREENLIGHT_CACHE_DIR: shared }).code).toBe(0);
    expect(readdirSync(path.join(shared, folder!))).toEqual([]);
  });

  it('exits 2 with a clear message on a bad config', () => {
    const repo = gitRepo();
    writeFileSync(path.join(repo, 'greenlight.yml'), 'thresholds:\n  approvals: many\n');
    const r = greenlight(['assess', '--no-record', '-q'], repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('greenlight.yml:2: thresholds.approvals:');
  });
});
