import { fakeSecrets, leaks } from './fake-secrets.js';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../src/sources/github/client.js';
import { runCli } from './cli.js';
import { cleanupRepos, createRepo, isolatedGitEnv, tempDir } from './git-repo.js';
import { testDialects } from './ledger/dialects.js';

/*
 * What greenlight keeps on disk is the owner's alone: `greenlight init` keeps `.greenlight/` out of
 * git, and every file under it (database and its -wal/-shm, keys, GitHub response cache,
 * .gitignore) is 0600 in 0700 folders — when made, whatever the umask, and again when an
 * existing one (made before this rule, or copied in) is opened.
 */

const mode = (p: string) => statSync(p).mode & 0o777;

/** [relative path, mode] of `dir` and everything under it. */
function modes(dir: string): [string, number][] {
  const out: [string, number][] = [['.', mode(dir)]];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push([r, mode(path.join(dir, r))]);
      if (e.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}

function expectPrivate(dir: string): void {
  const all = modes(dir);
  expect(all.length).toBeGreaterThan(1);
  for (const [rel, m] of all) {
    const isDir = statSync(path.join(dir, rel)).isDirectory();
    expect([rel, m.toString(8)]).toEqual([rel, (isDir ? 0o700 : 0o600).toString(8)]);
  }
}

const JUNIT = `<?xml version="1.0"?><testsuite name="unit" tests="1" failures="0"><testcase classname="a" name="b"/></testsuite>\n`;

let umask: number;
beforeAll(() => {
  // A common default: new files 0644, new folders 0755 unless greenlight says otherwise.
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
  cleanupRepos();
});

const dialects = await testDialects('private-state');
afterAll(async () => {
  for (const d of dialects) await d.cleanup();
});

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`greenlight init on ${dialect.name}`, () => {
    it('creates .gitignore ignoring .greenlight/, and .greenlight/ is 0700 with 0600 files', async () => {
      const repo = createRepo();
      repo.commit({ subject: 'start' });
      const env = { GREENLIGHT_DATABASE_URL: dialect.fresh(repo.dir) };
      const r = await runCli(['init', repo.dir], { env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`added .greenlight/ to ${path.join(repo.dir, '.gitignore')}`);
      expect(readFileSync(path.join(repo.dir, '.gitignore'), 'utf8')).toMatch(/^\.greenlight\/$/m);
      // git itself agrees: nothing under .greenlight/ can be added.
      const ignored = execFileSync('git', ['check-ignore', '.greenlight/keys/ledger.key', '.greenlight/x'], {
        cwd: repo.dir,
        env: isolatedGitEnv(),
        encoding: 'utf8',
      });
      expect(ignored.trim().split('\n')).toEqual(['.greenlight/keys/ledger.key', '.greenlight/x']);
      expect(existsSync(path.join(repo.dir, '.greenlight', 'keys', 'ledger.pub'))).toBe(true);
      if (dialect.name === 'sqlite')
        expect(existsSync(path.join(repo.dir, '.greenlight', 'greenlight.db'))).toBe(true);
      expectPrivate(path.join(repo.dir, '.greenlight'));
    });

    it('keeps the other lines of an existing .gitignore and adds the line once', async () => {
      const repo = createRepo();
      repo.commit({ subject: 'start' });
      const ignore = path.join(repo.dir, '.gitignore');
      writeFileSync(ignore, 'node_modules/\r\n# build output\r\ndist'); // CRLF, no final newline
      const env = { GREENLIGHT_DATABASE_URL: dialect.fresh(repo.dir) };
      expect((await runCli(['init', repo.dir], { env })).code).toBe(0);
      expect(readFileSync(ignore, 'utf8')).toBe(
        'node_modules/\r\n# build output\r\ndist\r\n.greenlight/\r\n',
      );
      const again = await runCli(['init', repo.dir], { env });
      expect(again.code).toBe(0);
      expect(again.stdout).not.toContain('added .greenlight/');
      expect(readFileSync(ignore, 'utf8')).toBe(
        'node_modules/\r\n# build output\r\ndist\r\n.greenlight/\r\n',
      );
    });

    it('adds nothing when a line already ignores it', async () => {
      const repo = createRepo();
      repo.commit({ subject: 'start' });
      const ignore = path.join(repo.dir, '.gitignore');
      writeFileSync(ignore, 'node_modules\n/.greenlight\n');
      const env = { GREENLIGHT_DATABASE_URL: dialect.fresh(repo.dir) };
      expect((await runCli(['init', repo.dir], { env })).code).toBe(0);
      expect(readFileSync(ignore, 'utf8')).toBe('node_modules\n/.greenlight\n');
    });
  });
}

describe('an existing .greenlight/ with wide modes', () => {
  it('is tightened to 0700/0600 (database, -wal, -shm, keys) when the ledger is opened', async () => {
    const repo = createRepo();
    repo.commit({ subject: 'start' });
    expect((await runCli(['init', repo.dir], { env: { GREENLIGHT_DATABASE_URL: '' } })).code).toBe(0);
    const state = path.join(repo.dir, '.greenlight');
    const db = path.join(state, 'greenlight.db');
    // As a copied-in or older ledger might be: readable by everyone, with a WAL left next to it.
    writeFileSync(`${db}-wal`, '');
    for (const [rel] of modes(state)) {
      const p = path.join(state, rel);
      chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
    }
    chmodSync(path.join(state, 'keys', 'ledger.key'), 0o600); // a readable private key is refused, not fixed
    writeFileSync(path.join(repo.dir, 'junit.xml'), JUNIT);
    const r = await runCli(['record', 'tests', 'junit.xml', '--repo', repo.dir], {
      cwd: repo.dir,
      env: { GREENLIGHT_DATABASE_URL: '' },
    });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expectPrivate(state);
  });

  it('creates a new database owner-only even with a permissive umask', async () => {
    const repo = createRepo();
    repo.commit({ subject: 'start' });
    const old = process.umask(0o000);
    try {
      expect((await runCli(['init', repo.dir], { env: { GREENLIGHT_DATABASE_URL: '' } })).code).toBe(0);
    } finally {
      process.umask(old);
    }
    expectPrivate(path.join(repo.dir, '.greenlight'));
  });
});

describe('the GitHub response cache (.greenlight/github-cache.json)', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' }).end();
        return;
      }
      const body = req.url?.includes('/hooks')
        ? {
            config: {
              url: fakeSecrets()
                .map((f) => f.line)
                .join(' '),
            },
          }
        : { full_name: 'acme/shop', private: true };
      res.writeHead(200, { 'content-type': 'application/json', etag: '"v1"' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = (cacheFile: string) =>
    createClient({
      apiUrl: url,
      token: 'test-token',
      org: 'acme',
      concurrency: 1,
      retryBaseMs: 1,
      cacheFile,
    });

  it('is written 0600 in a 0700 .greenlight/', async () => {
    const root = tempDir('greenlight-cache-');
    const cacheFile = path.join(root, '.greenlight', 'github-cache.json');
    const gh = await client(cacheFile);
    await gh.octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'shop' });
    gh.save();
    expect(JSON.parse(readFileSync(cacheFile, 'utf8')).version).toBe(1);
    expectPrivate(path.join(root, '.greenlight'));
  });

  it('is tightened when an existing one is read, and stays 0600 when rewritten', async () => {
    const root = tempDir('greenlight-cache-');
    const dir = path.join(root, '.greenlight');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const cacheFile = path.join(dir, 'github-cache.json');
    writeFileSync(cacheFile, JSON.stringify({ version: 1, entries: {} }), { mode: 0o644 });
    chmodSync(cacheFile, 0o644);
    const gh = await client(cacheFile);
    expect(mode(cacheFile)).toBe(0o600);
    await gh.octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'shop' });
    gh.save();
    expect(Object.keys(JSON.parse(readFileSync(cacheFile, 'utf8')).entries)).toHaveLength(1);
    expectPrivate(dir);
  });

  it('holds no credential a response carried (stored through the one redaction path)', async () => {
    const root = tempDir('greenlight-cache-');
    const cacheFile = path.join(root, '.greenlight', 'github-cache.json');
    const gh = await client(cacheFile);
    const res = await gh.octokit.request('GET /orgs/{org}/hooks', { org: 'acme' });
    expect(leaks(JSON.stringify(res.data))).not.toEqual([]);
    gh.save();
    const stored = readFileSync(cacheFile, 'utf8');
    expect(stored).toContain('REDACTED');
    expect(leaks(stored)).toEqual([]);
  });
});
