import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupRepos, createRepo, tempDir } from './git-repo.js';

/*
 * Every command, fed bad input as a user would (bad flag values, missing or malformed files,
 * malformed config and reports, bad environment variables, a corrupt database): each must end
 * with a message naming what is wrong and exit 2 — or 3 where the answer is about integrity (a
 * corrupt ledger database) — and never "internal error" (exit 70) or a stack trace.
 *
 * It runs the shipped command (bin/greenlight.cjs over dist/bundle/), so `npm run build` first.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'greenlight.cjs');
const built = existsSync(path.join(ROOT, 'dist', 'bundle', 'cli.cjs'));
if (!built) console.warn('\n[bad-input] SKIPPING: dist/bundle/ is not built; run `npm run build` first.\n');

const CACHE = mkdtempCache();
function mkdtempCache(): string {
  const dir = path.join(tmpdir(), `gl-bad-input-cache-${process.pid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Env of every run: no CI, no GitHub credentials, no database URL unless a case sets one. */
const BASE_ENV: NodeJS.ProcessEnv = (() => {
  const env = { ...process.env };
  for (const k of Object.keys(env))
    if (/^(CI|GITHUB_|GITLAB_|GH_|GREENLIGHT_|RUNNER_)/.test(k) && k !== 'GREENLIGHT_CACHE_DIR')
      delete env[k];
  return {
    ...env,
    NO_COLOR: '1',
    GREENLIGHT_CACHE_DIR: CACHE,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
  };
})();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function greenlight(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { ...BASE_ENV, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs `fn` over `items` with at most `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!);
      }
    }),
  );
  return results;
}

const BILLION_LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
  '',
].join('\n');

/** Where a case runs: the good repository, the one with a corrupt database, or a plain folder. */
type Where = 'repo' | 'corrupt' | 'files';

interface Case {
  name: string;
  args: string[];
  where?: Where;
  env?: Record<string, string>;
  /** Expected exit code; 2 unless said. */
  exit?: 2 | 3;
  /** stderr must match this (names the input). */
  says: RegExp;
  /** Must not appear anywhere in the output (a password). */
  hides?: string;
  /** Paths (relative to the files folder) that must not exist afterwards. */
  absent?: string[];
}

let repo: string;
let corrupt: string;
let files: string;

const PASSWORD = 'Sup3rSecretPw';

const CASES: Case[] = [
  // ---------------------------------------------------------------- config files
  {
    name: 'assess: YAML alias bomb',
    args: ['assess', '--no-record', '-q', '-c', 'F/bomb.yml'],
    says: /bomb\.yml:\d+/,
  },
  { name: 'gate: YAML alias bomb', args: ['gate', '-c', 'F/bomb.yml'], says: /bomb\.yml:\d+.*alias/i },
  { name: 'changes: YAML alias bomb', args: ['changes', '-c', 'F/bomb.yml'], says: /bomb\.yml:\d+/ },
  { name: 'anomalies: YAML alias bomb', args: ['anomalies', '-c', 'F/bomb.yml'], says: /bomb\.yml:\d+/ },
  {
    name: 'ledger status: YAML alias bomb',
    args: ['ledger', 'status', '-c', 'F/bomb.yml'],
    says: /bomb\.yml:\d+/,
  },
  {
    name: 'record deployment: YAML alias bomb',
    args: ['record', 'deployment', '--env', 'prod', '-c', 'F/bomb.yml'],
    says: /bomb\.yml:\d+/,
  },
  {
    name: 'assess: YAML syntax error',
    args: ['assess', '--no-record', '-q', '-c', 'F/syntax.yml'],
    says: /syntax\.yml:\d+:\d+: invalid YAML/,
  },
  {
    name: 'assess: YAML duplicate key',
    args: ['assess', '--no-record', '-q', '-c', 'F/dupe.yml'],
    says: /dupe\.yml:2:/,
  },
  {
    name: 'assess: config is a list',
    args: ['assess', '--no-record', '-q', '-c', 'F/list.yml'],
    says: /list\.yml:1:/,
  },
  {
    name: 'assess: config file missing',
    args: ['assess', '--no-record', '-q', '-c', 'F/nope.yml'],
    says: /nope\.yml: config file not found/,
  },
  { name: 'assess: config is a folder', args: ['assess', '--no-record', '-q', '-c', 'F/adir'], says: /adir/ },
  {
    name: 'assess: config is binary',
    args: ['assess', '--no-record', '-q', '-c', 'F/random.bin'],
    says: /random\.bin/,
  },
  {
    name: 'assess: unknown check id in checks:',
    args: ['assess', '--no-record', '-q', '-c', 'F/unknown-check.yml'],
    says: /unknown-check\.yml:2: checks: unknown check id "change\.tiket-linked" \(did you mean "change\.ticket-linked"\?\)/,
  },
  {
    name: 'gate: unknown check id in an exception',
    args: ['gate', '-c', 'F/unknown-exception.yml'],
    says: /unknown-exception\.yml:2: exceptions\.0\.check: unknown check id "pipeline\.actions-pined"/,
  },
  {
    name: 'changes: window.since invalid in config',
    args: ['changes', '-c', 'F/bad-window.yml'],
    says: /bad-window\.yml:2: window\.since/,
  },
  {
    name: 'record scan: config with a bad regex',
    args: ['record', 'scan', 'F/ok.sarif', '-c', 'F/bad-regex.yml'],
    says: /bad-regex\.yml.*tickets\.pattern/,
  },

  // ---------------------------------------------------------------- --out
  {
    name: 'assess --out into a missing folder',
    args: ['assess', '--no-record', '-q', '--out', 'F/missing/report.json'],
    says: /--out .*missing.*does not exist/,
    absent: ['missing'],
  },
  {
    name: 'assess --out onto a folder',
    args: ['assess', '--no-record', '-q', '--out', 'F/adir'],
    says: /--out .*adir.* is a folder/,
  },
  {
    name: 'changes --out into a missing folder',
    args: ['changes', '--out', 'F/missing/changes.csv'],
    says: /--out .*missing.*does not exist/,
    absent: ['missing'],
  },
  {
    name: 'changes --out onto a folder',
    args: ['changes', '--out', 'F/adir'],
    says: /--out .*adir.* is a folder/,
  },
  {
    name: 'sample --out onto a file',
    args: ['sample', '--size', '1', '--seed', 's', '--out', 'F/ok.sarif'],
    says: /--out .*ok\.sarif.* not a folder/,
  },
  {
    name: 'sample --out under a missing folder',
    args: ['sample', '--size', '1', '--seed', 's', '--out', 'F/missing/sample'],
    says: /--out .*missing.*does not exist/,
    absent: ['missing'],
  },
  {
    name: 'ledger export --out onto a file',
    args: ['ledger', 'export', '--out', 'F/ok.sarif'],
    says: /ok\.sarif/,
  },
  {
    name: 'ledger export --out under a missing folder',
    args: ['ledger', 'export', '--out', 'F/missing/export'],
    says: /--out .*missing.*does not exist/,
    absent: ['missing'],
  },
  {
    name: 'demo --out into a missing folder',
    args: ['demo', '-q', '--out', 'F/missing/demo.json'],
    says: /--out .*missing.*does not exist/,
    absent: ['missing'],
  },

  // ---------------------------------------------------------------- durations and dates
  {
    name: 'assess --since 99999999999d',
    args: ['assess', '--no-record', '-q', '--since', '99999999999d'],
    says: /--since "99999999999d"/,
  },
  { name: 'assess --since 0d', args: ['assess', '--no-record', '-q', '--since', '0d'], says: /--since "0d"/ },
  {
    name: 'assess --since -5d',
    args: ['assess', '--no-record', '-q', '--since', '-5d'],
    says: /--since "-5d"/,
  },
  {
    name: 'assess --since yesterday-ish',
    args: ['assess', '--no-record', '-q', '--since', 'yesterday-ish'],
    says: /--since "yesterday-ish"/,
  },
  {
    name: 'assess --since a future date',
    args: ['assess', '--no-record', '-q', '--since', '2999-01-01'],
    says: /--since "2999-01-01".*future/,
  },
  {
    name: 'assess --since 2026-02-31',
    args: ['assess', '--no-record', '-q', '--since', '2026-02-31'],
    says: /--since "2026-02-31"/,
  },
  {
    name: 'changes --since 99999999999d',
    args: ['changes', '--since', '99999999999d'],
    says: /--since "99999999999d"/,
  },
  { name: 'changes --until garbage', args: ['changes', '--until', 'soonish'], says: /--until "soonish"/ },
  {
    name: 'changes --until before --since',
    args: ['changes', '--since', '2026-03-01', '--until', '2026-01-01'],
    says: /--until .* before the window start/,
  },
  {
    name: 'sample --since 0d',
    args: ['sample', '--size', '1', '--seed', 's', '--since', '0d'],
    says: /--since "0d"/,
  },
  {
    name: 'anomalies --since 99999999999w',
    args: ['anomalies', '--since', '99999999999w'],
    says: /--since "99999999999w"/,
  },
  { name: 'anomalies --until garbage', args: ['anomalies', '--until', 'later'], says: /--until "later"/ },
  {
    name: 'changes: GREENLIGHT_NOW garbage',
    args: ['changes'],
    env: { GREENLIGHT_NOW: 'teatime' },
    says: /GREENLIGHT_NOW/,
  },
  {
    name: 'record deployment --at garbage',
    args: ['record', 'deployment', '--env', 'prod', '--at', 'noon'],
    says: /--at "noon"/,
  },
  {
    name: 'ledger hold add --since garbage',
    args: ['ledger', 'hold', 'add', '--reason', 'audit', '--since', 'whenever'],
    says: /--since "whenever"/,
  },
  {
    name: 'ledger export --from garbage',
    args: ['ledger', 'export', '--out', 'F/exp1', '--from', 'x1'],
    says: /--from "x1"/,
  },

  // ---------------------------------------------------------------- GREENLIGHT_DATABASE_URL
  {
    name: 'ledger status: postgres URL with a bad port',
    args: ['ledger', 'status'],
    env: { GREENLIGHT_DATABASE_URL: `postgres://gl:${PASSWORD}@db.example:port/ledger` },
    says: /GREENLIGHT_DATABASE_URL/,
    hides: PASSWORD,
  },
  {
    name: 'ledger status: postgres URL with an empty host and port 99999',
    args: ['ledger', 'status'],
    env: { GREENLIGHT_DATABASE_URL: `postgres://u:${PASSWORD}@:99999/db` },
    says: /GREENLIGHT_DATABASE_URL/,
    hides: PASSWORD,
  },
  {
    name: 'gate: foo:// database URL',
    args: ['gate'],
    env: { GREENLIGHT_DATABASE_URL: `foo://u:${PASSWORD}@x` },
    says: /GREENLIGHT_DATABASE_URL/,
    hides: PASSWORD,
  },
  {
    name: 'record deployment --fail-open: random text as database URL',
    args: ['record', 'deployment', '--env', 'prod', '--fail-open'],
    env: { GREENLIGHT_DATABASE_URL: `not a url ${PASSWORD}` },
    says: /GREENLIGHT_DATABASE_URL/,
    hides: PASSWORD,
  },
  {
    name: 'changes: postgres:// with nothing after it',
    args: ['changes'],
    env: { GREENLIGHT_DATABASE_URL: 'postgres://' },
    says: /GREENLIGHT_DATABASE_URL/,
  },
  {
    name: 'assess (recording): postgres URL with a password holding "@" and a bad port',
    args: ['assess', '-q', '--format', 'json'],
    env: { GREENLIGHT_DATABASE_URL: `postgresql://gl:${PASSWORD}@x@host:70000/db` },
    says: /GREENLIGHT_DATABASE_URL/,
    hides: PASSWORD,
  },
  {
    name: 'ledger status: sqlite: URL naming a folder',
    args: ['ledger', 'status'],
    env: { GREENLIGHT_DATABASE_URL: 'sqlite:F/adir' },
    says: /adir/,
  },

  {
    name: 'ledger status: password with a malformed %-escape',
    args: ['ledger', 'status'],
    env: { GREENLIGHT_DATABASE_URL: `postgres://gl:${PASSWORD}%zz@127.0.0.1:5432/db` },
    says: /GREENLIGHT_DATABASE_URL.*%-escape/,
    hides: PASSWORD,
  },

  // ---------------------------------------------------------------- report and input files
  { name: 'record scan: malformed JSON', args: ['record', 'scan', 'F/broken.json'], says: /broken\.json/ },
  {
    name: 'record scan: SARIF of the wrong shape',
    args: ['record', 'scan', 'F/wrong.sarif'],
    says: /wrong\.sarif/,
  },
  { name: 'record scan: empty file', args: ['record', 'scan', 'F/empty.json'], says: /empty\.json/ },
  { name: 'record scan: missing file', args: ['record', 'scan', 'F/nope.sarif'], says: /nope\.sarif/ },
  { name: 'record scan: a folder', args: ['record', 'scan', 'F/adir'], says: /adir/ },
  { name: 'record scan: random bytes', args: ['record', 'scan', 'F/random.bin'], says: /random\.bin/ },
  {
    name: 'record scan: unknown --format',
    args: ['record', 'scan', 'F/ok.sarif', '--format', 'pdf'],
    says: /pdf/,
  },
  { name: 'record tests: malformed XML', args: ['record', 'tests', 'F/broken.xml'], says: /broken\.xml/ },
  {
    name: 'record tests: XML that is not JUnit',
    args: ['record', 'tests', 'F/notjunit.xml'],
    says: /notjunit\.xml/,
  },
  { name: 'record tests: missing file', args: ['record', 'tests', 'F/nope.xml'], says: /nope\.xml/ },
  {
    name: 'record access-review: alias bomb',
    args: ['record', 'access-review', '--file', 'F/bomb.yml'],
    says: /bomb\.yml/,
  },
  {
    name: 'record access-review: malformed YAML',
    args: ['record', 'access-review', '--file', 'F/syntax.yml'],
    says: /syntax\.yml/,
  },
  {
    name: 'record access-review: missing file',
    args: ['record', 'access-review', '--file', 'F/nope.yml'],
    says: /nope\.yml/,
  },
  {
    name: 'record deployment: bad --artifact',
    args: ['record', 'deployment', '--env', 'prod', '--artifact', 'app@md5:00'],
    says: /--artifact/,
  },
  {
    name: 'record deployment: unknown --commit',
    args: ['record', 'deployment', '--env', 'prod', '--commit', 'nope'],
    says: /nope/,
  },
  {
    name: 'record override: missing --approver',
    args: ['record', 'override', '--reason', 'r', '--ticket', 'T-1'],
    says: /--approver/,
  },
  {
    name: 'record review: GitHub event file missing',
    args: ['record', 'review', '--ticket', 'T-1'],
    env: { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: 'F/nope-event.json' },
    says: /nope-event\.json/,
  },
  {
    name: 'gate: malformed GitHub event file',
    args: ['gate'],
    env: { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: 'F/broken.json' },
    says: /broken\.json/,
  },

  // ---------------------------------------------------------------- flag values
  {
    name: 'assess: missing path',
    args: ['assess', 'F/no-such-repo', '--no-record', '-q'],
    says: /no-such-repo/,
  },
  {
    name: 'assess --concurrency 0',
    args: ['assess', '--no-record', '-q', '--concurrency', '0'],
    says: /--concurrency/,
  },
  { name: 'assess --format pdf', args: ['assess', '--format', 'pdf'], says: /pdf/ },
  {
    name: 'assess --only typo',
    args: ['assess', '--no-record', '-q', '--only', 'typo'],
    says: /unknown check id or prefix: typo/,
  },
  {
    name: 'assess --only with a near miss',
    args: ['assess', '--no-record', '-q', '--only', 'change.', 'pipline.actions-pinned'],
    says: /unknown check id or prefix: pipline\.actions-pinned \(did you mean pipeline\.actions-pinned\?\)/,
  },
  {
    name: 'assess --github with a bad target',
    args: ['assess', '--no-record', '-q', '--github', 'a/b/c'],
    says: /--github "a\/b\/c"/,
  },
  {
    name: 'assess --github-url that is not a URL',
    args: ['assess', '--no-record', '-q', '--github', 'acme', '--github-url', 'ghe.example'],
    says: /--github-url "ghe\.example"/,
  },
  {
    name: 'changes --github-url that is not a URL',
    args: ['changes', '--github-url', 'nope'],
    says: /--github-url "nope"/,
  },
  { name: 'controls --format xml', args: ['controls', '--format', 'xml'], says: /xml/ },
  { name: 'init: path is a file', args: ['init', 'F/ok.sarif'], says: /ok\.sarif/ },
  { name: 'doctor --github with a bad target', args: ['doctor', '--github', 'a/b/c'], says: /a\/b\/c/ },

  { name: 'demo --port abc', args: ['demo', '--port', 'abc'], says: /--port/ },
  { name: 'demo --latency -5', args: ['demo', '--latency', '-5'], says: /--latency/ },
  { name: 'demo --scenario missing', args: ['demo', '-q', '--scenario', 'F/nope.yml'], says: /nope\.yml/ },
  { name: 'demo --scenario alias bomb', args: ['demo', '-q', '--scenario', 'F/bomb.yml'], says: /bomb\.yml/ },
  { name: 'sample --size 0', args: ['sample', '--size', '0', '--seed', 's'], says: /--size/ },
  { name: 'gate --context nightly', args: ['gate', '--context', 'nightly'], says: /nightly/ },
  { name: 'gate --reason without --override', args: ['gate', '--reason', 'r'], says: /--override/ },
  { name: 'anomalies --format xml', args: ['anomalies', '--format', 'xml'], says: /xml/ },
  { name: 'ledger proof abc', args: ['ledger', 'proof', 'abc'], says: /abc/ },
  { name: 'ledger proof 99999', args: ['ledger', 'proof', '99999'], says: /99999/ },
  { name: 'ledger show sha256:zz', args: ['ledger', 'show', 'sha256:zz'], says: /sha256:zz/ },
  { name: 'ledger consistency --from x', args: ['ledger', 'consistency', '--from', 'x'], says: /--from/ },
  {
    name: 'ledger consistency --from 99999',
    args: ['ledger', 'consistency', '--from', '99999'],
    says: /99999/,
  },
  {
    name: 'ledger consistency --checkpoint missing',
    args: ['ledger', 'consistency', '--checkpoint', 'F/nope.cp'],
    says: /nope\.cp/,
  },
  {
    name: 'ledger consistency --checkpoint garbage',
    args: ['ledger', 'consistency', '--checkpoint', 'F/random.bin'],
    exit: 3,
    says: /random\.bin: not a signed note/,
  },
  {
    name: 'ledger verify --key missing',
    args: ['ledger', 'verify', '--key', 'F/nope.pem'],
    says: /nope\.pem/,
  },
  {
    name: 'ledger verify --key garbage',
    args: ['ledger', 'verify', '--key', 'F/random.bin'],
    says: /random\.bin/,
  },
  {
    name: 'ledger verify --signatures some',
    args: ['ledger', 'verify', '--signatures', 'some'],
    says: /some/,
  },
  {
    name: 'ledger hold release unknown',
    args: ['ledger', 'hold', 'release', 'no-such-hold', '--reason', 'r'],
    says: /no-such-hold/,
  },
  {
    name: 'ledger prune: -C missing folder',
    args: ['ledger', 'prune', '-C', 'F/no-such-repo'],
    says: /no-such-repo/,
  },
  { name: 'verify: missing folder', args: ['verify', 'F/no-export'], says: /no-export/ },
  { name: 'verify: a file', args: ['verify', 'F/ok.sarif'], says: /ok\.sarif/ },
  { name: 'verify: garbage manifest', args: ['verify', 'F/bad-export'], exit: 3, says: /manifest/ },

  // ---------------------------------------------------------------- a corrupt database (integrity: exit 3)
  {
    name: 'ledger status: corrupt database',
    args: ['ledger', 'status'],
    where: 'corrupt',
    exit: 3,
    says: /greenlight\.db/,
  },
  {
    name: 'ledger verify: corrupt database',
    args: ['ledger', 'verify'],
    where: 'corrupt',
    exit: 3,
    says: /greenlight\.db/,
  },
  {
    name: 'ledger reindex: corrupt database',
    args: ['ledger', 'reindex'],
    where: 'corrupt',
    exit: 3,
    says: /greenlight\.db/,
  },
  {
    name: 'gate: corrupt database',
    args: ['gate', '--context', 'deploy', '--env', 'staging', '--commit', 'HEAD'],
    where: 'corrupt',
    exit: 3,
    says: /greenlight\.db/,
  },

  { name: 'changes: corrupt database', args: ['changes'], where: 'corrupt', exit: 3, says: /greenlight\.db/ },
  {
    name: 'record deployment: corrupt database',
    args: ['record', 'deployment', '--env', 'prod'],
    where: 'corrupt',
    exit: 3,
    says: /greenlight\.db/,
  },
  {
    name: 'assess (recording): corrupt database',
    args: ['assess', '-q', '--format', 'json'],
    where: 'corrupt',
    exit: 3,
    says: /greenlight\.db/,
  },
  { name: 'init: corrupt database', args: ['init'], where: 'corrupt', exit: 3, says: /greenlight\.db/ },
  {
    name: 'anomalies: corrupt database',
    args: ['anomalies'],
    where: 'corrupt',
    exit: 3,
    says: /greenlight\.db/,
  },
];

function writeInputs(dir: string): void {
  const w = (name: string, text: string | Buffer) => writeFileSync(path.join(dir, name), text);
  w('bomb.yml', BILLION_LAUGHS);
  w('syntax.yml', 'scope:\n  branches: [main\nwindow: {}\n');
  w('dupe.yml', 'window: {since: 90d}\nwindow: {since: 30d}\n');
  w('list.yml', '- a\n- b\n');
  w('random.bin', randomBytes(4096));
  w('unknown-check.yml', 'checks:\n  change.tiket-linked: {}\n');
  w(
    'unknown-exception.yml',
    'exceptions:\n  - check: pipeline.actions-pined\n    reason: r\n    approvedBy: b\n    expires: 2030-01-01\n',
  );
  w('bad-window.yml', 'window:\n  since: fortnight\n');
  w('bad-regex.yml', 'tickets:\n  pattern: "([A-Z"\n');
  w('broken.json', '{"version": "2.1.0", "runs": [');
  w('wrong.sarif', JSON.stringify({ version: '2.1.0', runs: 'not-a-list' }));
  w(
    'ok.sarif',
    JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [] }] }),
  );
  w('empty.json', '');
  w('broken.xml', '<testsuites><testsuite name="a"><testcase');
  w('notjunit.xml', '<?xml version="1.0"?><html><body>hi</body></html>');
  mkdirSync(path.join(dir, 'adir'));
  mkdirSync(path.join(dir, 'bad-export'));
  w('bad-export/manifest.json', '{"format": ');
}

describe.skipIf(!built)('bad input: every command exits 2 (or 3 for integrity), never 70', () => {
  let results: Run[] = [];

  beforeAll(async () => {
    files = tempDir('gl-bad-input-');
    writeInputs(files);
    const good = createRepo();
    good.commit({ subject: 'First change' });
    good.commit({ subject: 'Second change' });
    repo = good.dir;
    const init = await greenlight(['init'], repo);
    expect(init.code, init.stderr).toBe(0);
    const bad = createRepo();
    bad.commit({ subject: 'First change' });
    corrupt = bad.dir;
    expect((await greenlight(['init'], corrupt)).code).toBe(0);
    const db = path.join(corrupt, '.greenlight', 'greenlight.db');
    for (const suffix of ['-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
    writeFileSync(db, randomBytes(64 * 1024));

    const where = (c: Case) => (c.where === 'corrupt' ? corrupt : c.where === 'files' ? files : repo);
    const fill = (s: string) => s.replace(/\bF\//g, `${files}/`);
    results = await pool(CASES, 4, (c) =>
      greenlight(
        c.args.map(fill),
        where(c),
        Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, fill(v)])),
      ),
    );
  }, 600_000);

  afterAll(() => {
    cleanupRepos();
    rmSync(CACHE, { recursive: true, force: true });
  });

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, i) => {
    const r = results[i]!;
    const shown = `exit ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 500)}`;
    expect(r.stderr, shown).not.toMatch(/internal error|\n\s+at .+:\d+:\d+\)?\n/);
    expect(r.code, shown).toBe(c.exit ?? 2);
    expect(r.stderr, shown).toMatch(c.says);
    if (c.hides) expect(`${r.stdout}${r.stderr}`).not.toContain(c.hides);
    for (const p of c.absent ?? []) expect(existsSync(path.join(files, p)), p).toBe(false);
  });

  it('--only with a known prefix or id still selects those checks', async () => {
    const [prefix, id] = await Promise.all([
      greenlight(['assess', '--no-record', '-q', '--format', 'json', '--only', 'change.'], repo),
      greenlight(
        ['assess', '--no-record', '-q', '--format', 'json', '--only', 'change', 'pipeline.actions-pinned'],
        repo,
      ),
    ]);
    for (const r of [prefix, id]) {
      expect([0, 1], r.stderr).toContain(r.code);
      expect(r.stderr).toBe('');
    }
    const ids = (r: Run) =>
      new Set((JSON.parse(r.stdout) as { results: { checkId: string }[] }).results.map((x) => x.checkId));
    const byPrefix = ids(prefix);
    expect(byPrefix.size).toBeGreaterThan(1);
    for (const checkId of byPrefix) expect(checkId).toMatch(/^change\./);
    expect([...ids(id)].sort()).toEqual([...byPrefix, 'pipeline.actions-pinned'].sort());
  });

  it('writes --out atomically: the whole report, and no temporary file beside it', async () => {
    const out = path.join(files, 'report.json');
    const r = await greenlight(['assess', '--no-record', '-q', '--format', 'json', '--out', out], repo);
    expect([0, 1], r.stderr).toContain(r.code);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveProperty('results');
    expect(readdirSync(files).filter((n) => n.includes('report.json'))).toEqual(['report.json']);
  });

  it('leaves no temporary file next to an --out that failed', () => {
    expect(readdirSync(files).filter((n) => n.includes('.tmp'))).toEqual([]);
    expect(readdirSync(path.dirname(files)).filter((n) => n.startsWith(`${path.basename(files)}.`))).toEqual(
      [],
    );
  });
});
