/**
 * The secrets corpus: a fake credential of every kind greenlight redacts, planted into every input
 * channel (commit messages and trailers, committed files, workflow `env:`, greenlight.yml, SARIF,
 * JUnit, Gitleaks, Trivy and npm-audit reports, the CI event payload, GitHub API error bodies,
 * alert destinations), then real CLI runs (assess, record, anomalies --notify, changes, ledger
 * export, record --fail-open). No raw value may be in the database (every row of every table, and
 * the SQLite file's bytes), its blobs, the export, the spool, or anything printed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetKnownSecrets } from '../src/redact/index.js';
import { runCli, type CliRun } from './cli.js';
import { fakeSecrets, leaks, type FakeSecret } from './fake-secrets.js';
import { cleanupRepos, createRepo, isolateGitConfig, tempDir } from './git-repo.js';
import { testDialects } from './ledger/dialects.js';
import { dumpDatabase, dumpFiles } from './secret-dump.js';

isolateGitConfig();
const DIALECTS = await testDialects('secrets-corpus');
afterAll(async () => {
  cleanupRepos();
  for (const d of DIALECTS) await d.cleanup();
});

const FIX = path.join(import.meta.dirname, '..', 'src', 'sources', 'reports', '__fixtures__');
const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(FIX, name), 'utf8'));

/** The process's own GitHub token: opaque (no detector knows its shape), masked as a known value. */
const GITHUB_TOKEN = ['opaque', 'Gh', 'Tok3n', '9f8e7d6c5b4a'].join('-');
const SECRETS: FakeSecret[] = [
  ...fakeSecrets(),
  { kind: 'process GITHUB_TOKEN', value: GITHUB_TOKEN, line: `echo ${GITHUB_TOKEN}` },
];
const byKind = (kind: string): FakeSecret => SECRETS.find((s) => s.kind === kind)!;
const ALL = SECRETS.map((s) => s.line).join('\n');
/** The one-line secrets (everything but the PEM blocks). */
const INLINE = SECRETS.filter((s) => !s.line.includes('\n'));

/** Servers: a GitHub API that echoes the Authorization header in its error body, an alert webhook. */
let api: Server;
let hook: Server;
let apiUrl = '';
let hookPort = 0;
beforeAll(async () => {
  api = createServer((req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: `Bad credentials: ${req.headers.authorization ?? ''}` }));
  });
  hook = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(500).end());
  });
  await new Promise<void>((done) => api.listen(0, '127.0.0.1', done));
  await new Promise<void>((done) => hook.listen(0, '127.0.0.1', done));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  hookPort = (hook.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((done) => api.close(() => done()));
  await new Promise<void>((done) => hook.close(() => done()));
});

function reports(dir: string): Record<string, string> {
  const ghp = byKind('github ghp');
  const sarif = {
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'semgrep', rules: [{ id: 'leak', shortDescription: { text: 'leak' } }] } },
        results: INLINE.map((s, i) => ({
          ruleId: 'leak',
          level: 'error',
          message: { text: `found ${s.line}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: `src/f${i}.js` },
                region: { startLine: 1, snippet: { text: s.line } },
              },
            },
          ],
        })),
      },
    ],
  };
  const gitleaks = fixture('gitleaks.json') as Record<string, unknown>[];
  gitleaks[0] = {
    ...gitleaks[0],
    Secret: ghp.value,
    Match: ghp.line,
    Message: `add ${ALL}`,
    Description: ALL,
  };
  const trivy = fixture('trivy-fs.json') as { Results: { Secrets?: Record<string, unknown>[] }[] };
  const secret = trivy.Results.find((r) => r.Secrets)!.Secrets![0]!;
  Object.assign(secret, {
    Title: `leak ${byKind('gitlab glpat').line}`,
    Match: byKind('aws secret key').line,
    Code: { Lines: [{ Number: 7, Content: ALL, IsCause: true }] },
  });
  const audit = fixture('npm-audit.json') as { vulnerabilities: Record<string, { via: unknown[] }> };
  const first = Object.values(audit.vulnerabilities)[0]!;
  first.via[0] = {
    ...(first.via[0] as object),
    title: `Prototype pollution ${byKind('npm').line} ${byKind('stripe').line}`,
    url: byKind('url userinfo').line,
  };
  const junit =
    '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="s" tests="1" failures="0" errors="0">' +
    `<testcase name="t" classname="c"><system-out><![CDATA[${ALL}]]></system-out></testcase>` +
    `<system-out><![CDATA[${ALL}]]></system-out></testsuite></testsuites>\n`;
  const files: Record<string, string> = {
    'scan.sarif': JSON.stringify(sarif),
    'gitleaks.json': JSON.stringify(gitleaks),
    'trivy.json': JSON.stringify(trivy),
    'npm-audit.json': JSON.stringify(audit),
    'junit.xml': junit,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return Object.fromEntries(Object.keys(files).map((f) => [f, path.join(dir, f)]));
}

for (const d of DIALECTS) {
  describe.skipIf(!d.available)(`no raw secret anywhere (${d.name})`, () => {
    it(
      'redacts every secret of every channel from storage, blobs, export, spool and output',
      { timeout: 120_000 },
      async () => {
        const repo = createRepo();
        repo.git(['remote', 'add', 'origin', 'https://github.com/acme/shop.git']);
        const state = tempDir('gl-corpus-state-');
        const dirs = { TMPDIR: 'tmp', XDG_CACHE_HOME: 'cache', RUNNER_TEMP: 'runner', HOME: 'home' };
        for (const sub of Object.values(dirs)) mkdirSync(path.join(state, sub), { recursive: true });
        const inputs = tempDir('gl-corpus-inputs-');
        const url = d.fresh(repo.dir);

        // Committed files, the workflow's env, the config (alert destinations with credentials).
        const slack = byKind('slack token').value;
        const aws = byKind('aws secret key').value;
        writeFileSync(
          path.join(repo.dir, 'greenlight.yml'),
          [
            'anomalies:',
            '  enabled: true',
            '  alerts:',
            `    webhook: "http://u:pw-${slack.slice(-8)}@127.0.0.1:${hookPort}/hook?token=${slack}"`,
            `    command: "cat > /dev/null; echo delivered ${byKind('github gho').value} >&2; exit 3"`,
            '',
          ].join('\n'),
        );
        const env = INLINE.map((s, i) => `      SECRET_${i}: "${s.line.replace(/"/g, "'")}"`).join('\n');
        repo.commit({
          subject: 'ci: add the pipeline',
          files: {
            '.github/workflows/ci.yml':
              `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    env:\n      AWS_SECRET_ACCESS_KEY: ${aws}\n${env}\n` +
              '    steps:\n      - run: npm test\n',
            'config/.env': ALL,
            'deploy/key.pem': byKind('pem private key').line,
          },
        });
        // Commit messages and trailers.
        for (const s of INLINE)
          repo.commit({
            subject: `fix: rotate ${s.line}`,
            body: ALL,
            trailers: { Token: byKind('gitlab runner').value, Reviewed: s.line },
          });
        const head = repo.head();

        // The CI event payload.
        const event = path.join(inputs, 'event.json');
        writeFileSync(
          event,
          JSON.stringify({
            after: head,
            before: '0'.repeat(40),
            forced: false,
            ref: 'refs/heads/main',
            head_commit: { id: head, message: ALL },
            pusher: { name: 'mallory', email: byKind('url userinfo').line },
            repository: { full_name: 'acme/shop', clone_url: byKind('url userinfo').line },
          }),
        );
        const files = reports(inputs);
        const baseEnv: Record<string, string> = {
          GREENLIGHT_NOW: '2026-02-01T12:00:00Z',
          GITHUB_TOKEN,
          ...Object.fromEntries(Object.entries(dirs).map(([k, v]) => [k, path.join(state, v)])),
          ...(d.name === 'postgres' ? { GREENLIGHT_DATABASE_URL: url } : {}),
        };
        const ciEnv: Record<string, string> = {
          ...baseEnv,
          GITHUB_ACTIONS: 'true',
          GITHUB_EVENT_NAME: 'push',
          GITHUB_EVENT_PATH: event,
          GITHUB_REPOSITORY: 'acme/shop',
          GITHUB_SHA: head,
          GITHUB_REF: 'refs/heads/main',
          GITHUB_SERVER_URL: 'https://github.com',
          GITHUB_RUN_ID: '42',
          GITHUB_ACTOR: 'mallory',
        };
        resetKnownSecrets(); // the token is in this process's environment while the CLI runs
        const runs: CliRun[] = [];
        const cli = async (args: string[], env: Record<string, string> = ciEnv) => {
          const r = await runCli(args, { cwd: repo.dir, env });
          runs.push(r);
          return r;
        };
        const out = path.join(inputs, 'report.md');
        const exportDir = path.join(inputs, 'export');

        expect((await cli(['record', 'scan', files['scan.sarif']!, files['gitleaks.json']!])).code).toBe(0);
        expect((await cli(['record', 'scan', files['trivy.json']!, files['npm-audit.json']!])).code).toBe(0);
        expect((await cli(['record', 'tests', files['junit.xml']!])).code).toBe(0);
        const override = await cli([
          'record',
          'override',
          '--reason',
          `outage: ${byKind('jwt').line}`,
          '--ticket',
          'ENG-1',
          '--approver',
          byKind('bearer').line,
        ]);
        expect(override.code).toBe(0);
        expect(
          (
            await cli([
              'record',
              'deployment',
              '--env',
              'prod',
              '--pipeline-url',
              byKind('url userinfo').line,
            ])
          ).code,
        ).toBe(0);
        const assess = await cli(['assess', '--github', 'acme/shop', '--github-url', apiUrl, '--quiet']);
        expect(assess.stderr).not.toMatch(/internal error/);
        await cli(['assess', '--format', 'json', '--quiet', '--github-url', apiUrl]);
        await cli([
          'assess',
          '--format',
          'markdown',
          '--out',
          out,
          '--quiet',
          '--no-record',
          '--github-url',
          apiUrl,
        ]);
        const anomalies = await cli(['anomalies', '--since', '30d', '--notify']);
        expect(anomalies.stderr).toMatch(/alert to webhook/);
        await cli(['changes', '--since', '30d', '--format', 'json', '--github-url', apiUrl]);
        expect((await cli(['ledger', 'export', '--out', exportDir])).code).toBe(0);
        // --fail-open with a PostgreSQL server that cannot be reached: the statement is spooled.
        const failOpen = await cli(
          [
            'record',
            'deployment',
            '--env',
            'staging',
            '--fail-open',
            '--pipeline-url',
            byKind('url userinfo').line,
          ],
          {
            ...ciEnv,
            GREENLIGHT_DATABASE_URL: `postgres://app:${byKind('url userinfo').value}@127.0.0.1:1/nope`,
          },
        );
        expect(failOpen.code).toBe(0);
        expect(failOpen.stdout).toMatch(/spooled/);
        await cli(['record', 'scan', files['scan.sarif']!, '--fail-open'], {
          ...ciEnv,
          GREENLIGHT_DATABASE_URL: 'postgres://app:x@127.0.0.1:1/nope',
        });

        const where: Record<string, string> = {
          database: await dumpDatabase(
            d.name === 'postgres' ? url : `sqlite:${path.join(repo.dir, '.greenlight', 'greenlight.db')}`,
          ),
          '.greenlight': dumpFiles(path.join(repo.dir, '.greenlight')),
          export: dumpFiles(exportDir),
          'temp and cache folders (spool)': dumpFiles(state),
          '--out report': readFileSync(out, 'utf8'),
          stdout: runs.map((r) => r.stdout).join('\n'),
          stderr: runs.map((r) => r.stderr).join('\n'),
        };
        expect(where.database).toContain('[REDACTED:');
        expect(`${where['.greenlight']}${where['temp and cache folders (spool)']}`).toMatch(/spool/);
        for (const [place, text] of Object.entries(where)) expect(leaks(text, SECRETS), place).toEqual([]);
      },
    );
  });
}
