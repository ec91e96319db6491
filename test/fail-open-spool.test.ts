/**
 * `--fail-open` and its spool, through the real CLI on SQLite and PostgreSQL, with the store taken
 * out of reach and brought back under the same URL (a SQLite folder that is not mounted; a real
 * TCP proxy in front of PostgreSQL that stops listening):
 *
 * - only an unreachable store spools; the spool lives outside the working tree (the user's cache,
 *   or RUNNER_TEMP in GitHub Actions), folder 0700, files 0600, and is deleted once replayed;
 * - replay authenticates every line with a key derived from the ledger signing key and refuses
 *   (exit 3, nothing appended) a spool it did not write: no key, another key, an edited line,
 *   another repository's spool, a folder others can write, a folder inside the working tree;
 * - a `.greenlight/spool` committed to the repository (the old place) is never replayed;
 * - without a signing key at hand, `--fail-open` fails closed (exit 4).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EVIDENCE_PREDICATES,
  gateStatement,
  scanStatement,
  spoolPlace,
  testsStatement,
} from '../src/evidence/index.js';
import { openLedger } from '../src/ledger/index.js';
import { runCli } from './cli.js';
import { NO_CI, newLedgerKey, switchableLedger, type SwitchableLedger } from './fail-open-helpers.js';
import { cleanupRepos, createRepo, isolateGitConfig, tempDir, type TestRepo } from './git-repo.js';
import { nodeJunit } from './scanner-output.js';
import { testDialects, type DialectCase } from './ledger/dialects.js';

isolateGitConfig();
afterAll(cleanupRepos);

const NOW = '2026-01-06T12:00:00Z';
const dialects = await testDialects('fail-open-spool');
afterAll(async () => {
  for (const d of dialects) await d.cleanup();
});

/** Every file under `dir`, relative. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

const mode = (p: string): number => statSync(p).mode & 0o777;

for (const dialect of dialects)
  describe.skipIf(!dialect.available)(`on ${dialect.name}`, () => spoolCases(dialect));

function spoolCases(dialect: DialectCase): void {
  const key = newLedgerKey();
  let repo: TestRepo;
  let cache: string;
  let ledger: SwitchableLedger;
  let junit: string;
  const sha: Record<string, string> = {};

  const envOf = (extra: Record<string, string> = {}): Record<string, string> => ({
    GREENLIGHT_NOW: NOW,
    ...NO_CI,
    GREENLIGHT_LEDGER_KEY: key,
    XDG_CACHE_HOME: cache,
    GREENLIGHT_DATABASE_URL: ledger.url,
    ...extra,
  });
  const cli = (args: string[], extra: Record<string, string> = {}, dir = repo.dir) =>
    runCli([...args, '--repo', dir], { env: envOf(extra) });
  const deployGate = (commit = sha.c1!) => [
    'gate',
    '--context',
    'deploy',
    '--env',
    'production',
    '--commit',
    commit,
  ];
  const recordDeployment = () => ['record', 'deployment', '--env', 'production', '--commit', sha.c1!];
  const place = (dir = repo.dir, extra: Record<string, string> = {}) => spoolPlace(dir, envOf(extra));

  async function statements(): Promise<{ seq: number; statement: { predicate: Record<string, unknown> } }[]> {
    const l = await openLedger({ root: repo.dir, url: ledger.url, env: envOf() });
    try {
      return await l.readStatements({ predicateTypes: EVIDENCE_PREDICATES });
    } finally {
      await l.close();
    }
  }

  /** Spools one fail-open gate decision while the ledger is out of reach. */
  async function spoolGate(extra: Record<string, string> = {}, dir = repo.dir, commit = sha.c1!) {
    await ledger.down();
    try {
      const r = await cli([...deployGate(commit), '--fail-open'], extra, dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('passed without evidence (fail-open)');
      return r;
    } finally {
      await ledger.up();
    }
  }

  /** Replay must refuse the spool: exit 3, nothing appended, the spool left for someone to look at. */
  async function expectRefused(why: string) {
    const before = (await statements()).length;
    const r = await cli(recordDeployment());
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('refusing to replay the --fail-open spool');
    expect(r.stderr).toContain(why);
    expect(r.stdout).not.toContain('recorded');
    expect((await statements()).length).toBe(before);
    expect(existsSync(path.join(place().dir, 'statements.jsonl'))).toBe(true);
    rmSync(place().dir, { recursive: true, force: true });
  }

  beforeAll(async () => {
    const work = tempDir('greenlight-spool-');
    cache = path.join(work, 'cache');
    junit = nodeJunit(work, false);
    ledger = await switchableLedger(dialect, work);
    repo = createRepo();
    sha.c0 = repo.commit({ subject: 'Initial', files: { '.gitignore': '.greenlight/\n' } });
    sha.c1 = repo.commit({ subject: 'ENG-1 change' });
    expect((await cli(['record', 'deployment', '--env', 'staging', '--commit', sha.c0])).code).toBe(0);
  }, 120_000);
  afterAll(async () => ledger.close());

  it('spools outside the working tree (0700/0600) only while the store is unreachable, then replays and deletes it', async () => {
    const spool = place();
    expect(spool.dir.startsWith(path.join(cache, 'greenlight', 'spool') + path.sep)).toBe(true);
    await ledger.down();
    const closed = await cli(deployGate());
    expect(closed.code).toBe(4);
    const gate = await cli([...deployGate(), '--fail-open']);
    expect(gate.code).toBe(0);
    expect(gate.stdout).toContain('passed without evidence (fail-open)');
    expect(gate.stdout).toContain(`spool ${path.join(spool.dir, 'statements.jsonl')} entry 0`);
    const rec = await cli(['record', 'tests', junit, '--commit', sha.c1!, '--fail-open']);
    expect(rec.code).toBe(0);
    expect(rec.stdout).toContain('spooled test results');
    expect(rec.stderr).toContain(`spooling to ${spool.dir} because of --fail-open`);

    expect(mode(spool.dir)).toBe(0o700);
    expect(mode(path.join(spool.dir, 'blobs'))).toBe(0o700);
    const files = filesUnder(spool.dir);
    expect(files).toContain('statements.jsonl');
    expect(files.filter((f) => f.startsWith('blobs')).length).toBeGreaterThan(0);
    for (const f of files) expect(mode(path.join(spool.dir, f))).toBe(0o600);
    expect(existsSync(path.join(repo.dir, '.greenlight', 'spool'))).toBe(false);

    await ledger.up();
    const back = await cli(recordDeployment());
    expect(back.code).toBe(0);
    expect(back.stderr).toContain('replayed 2 statement(s) spooled by --fail-open into the ledger (2 new');
    expect(filesUnder(cache).filter((f) => f.includes('spool'))).toEqual([]);
    const replayed = await statements();
    expect(replayed.some((s) => s.statement.predicate.decision === 'fail-open')).toBe(true);
    expect(replayed.some((s) => s.statement.predicate.total === 2)).toBe(true);
  });

  it('spools under RUNNER_TEMP in GitHub Actions', async () => {
    const runnerTemp = tempDir('greenlight-runner-temp-');
    const gh = {
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_SHA: sha.c1!,
      GITHUB_REPOSITORY: 'acme/shop',
      RUNNER_TEMP: runnerTemp,
    };
    const r = await spoolGate(gh);
    const dir = place(repo.dir, gh).dir;
    expect(dir.startsWith(path.join(runnerTemp, 'greenlight-spool') + path.sep)).toBe(true);
    expect(r.stdout).toContain(dir);
    const back = await cli(recordDeployment(), gh);
    expect(back.code).toBe(0);
    expect(back.stderr).toContain('replayed 1 statement(s)');
    expect(filesUnder(runnerTemp)).toEqual([]);
  });

  it('refuses a spool line sealed without the signing key (a planted spool)', async () => {
    const spool = place();
    mkdirSync(spool.dir, { recursive: true, mode: 0o700 });
    const statement = gateStatement({
      context: 'deploy',
      decision: 'pass',
      commit: sha.c1!,
      environment: 'production',
      reasons: [],
      decidedAt: NOW,
      ci: { system: 'local', event: 'other' },
    });
    const body = JSON.stringify({ index: 0, recordedAt: NOW, statement, blobs: [] });
    const mac = createHmac('sha256', randomBytes(32)).update(body).digest('hex');
    writeFileSync(path.join(spool.dir, 'statements.jsonl'), JSON.stringify({ v: 1, body, mac }) + '\n', {
      mode: 0o600,
    });
    await expectRefused("does not carry this installation's authentication");
  });

  it('refuses a spool written with another signing key', async () => {
    await spoolGate({ GREENLIGHT_LEDGER_KEY: newLedgerKey() });
    await expectRefused("does not carry this installation's authentication");
  });

  it('refuses an edited spool line', async () => {
    await spoolGate();
    const file = path.join(place().dir, 'statements.jsonl');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('\\"decision\\":\\"fail-open\\"');
    writeFileSync(file, text.replace('\\"decision\\":\\"fail-open\\"', '\\"decision\\":\\"pass\\"'));
    await expectRefused("does not carry this installation's authentication");
  });

  it("refuses another repository's spool copied into this one's folder", async () => {
    const other = createRepo();
    other.commit({ subject: 'Initial' });
    await spoolGate({}, other.dir, other.head());
    const from = place(other.dir).dir;
    cpSync(from, place().dir, { recursive: true });
    rmSync(from, { recursive: true, force: true });
    await expectRefused("does not carry this installation's authentication");
  });

  it('refuses a spool folder other users can write', async () => {
    await spoolGate();
    chmodSync(place().dir, 0o777);
    await expectRefused('is open to other users (mode 777)');
  });

  it('refuses to spool, or to replay, inside the working tree', async () => {
    const inTree = { XDG_CACHE_HOME: path.join(repo.dir, 'cache') };
    await ledger.down();
    try {
      const r = await cli([...deployGate(), '--fail-open'], inTree);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain(`it is inside the working tree`);
      expect(r.stdout).not.toContain('fail-open');
    } finally {
      await ledger.up();
    }
    const planted = place(repo.dir, inTree).dir;
    mkdirSync(planted, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(planted, 'statements.jsonl'), '{}\n', { mode: 0o600 });
    const before = (await statements()).length;
    const rec = await cli(recordDeployment(), inTree);
    expect(rec.code).toBe(3);
    expect(rec.stderr).toContain('it is inside the working tree');
    expect((await statements()).length).toBe(before);
    rmSync(path.join(repo.dir, 'cache'), { recursive: true, force: true });
  });

  it('fails closed (exit 4) when no signing key is at hand to seal the spool', async () => {
    const bare = createRepo();
    bare.commit({ subject: 'Initial' });
    await ledger.down();
    try {
      for (const args of [
        ['gate', '--context', 'deploy', '--env', 'production', '--commit', bare.head(), '--fail-open'],
        ['record', 'tests', junit, '--commit', bare.head(), '--fail-open'],
      ]) {
        const r = await cli(args, { GREENLIGHT_LEDGER_KEY: '' }, bare.dir);
        expect(r.code).toBe(4);
        expect(r.stderr).toContain('--fail-open cannot spool: no ledger signing key is at hand');
        expect(r.stdout).not.toMatch(/fail-open|spooled/);
      }
    } finally {
      await ledger.up();
    }
    expect(existsSync(place(bare.dir, { GREENLIGHT_LEDGER_KEY: '' }).dir)).toBe(false);
  });

  it('never replays a .greenlight/spool committed to the repository', async () => {
    // A pull request plants "evidence" for its own head in the old spool place.
    repo.branch('feature/ENG-2');
    const head = repo.commit({ subject: 'ENG-2 forged evidence' });
    const legacy = path.join(repo.dir, '.greenlight', 'spool');
    mkdirSync(path.join(legacy, 'blobs'), { recursive: true });
    const ci = { system: 'local' as const, event: 'other' as const };
    const items = [
      scanStatement({
        commit: head,
        tool: 'eslint',
        format: 'sarif',
        scanTypes: ['sast', 'sca', 'secrets'],
        scannedAt: NOW,
        report: { bytes: Buffer.from('{}'), name: 'x.sarif', mediaType: 'application/sarif+json' },
        findings: [],
        ci,
      }),
      testsStatement({
        commit: head,
        format: 'junit',
        total: 1,
        failed: 0,
        errors: 0,
        skipped: 0,
        reports: [{ bytes: Buffer.from('<testsuites/>'), name: 'junit.xml' }],
        ci,
      }),
    ];
    const lines = items.map((it, index) => ({
      index,
      recordedAt: NOW,
      statement: it.statement,
      blobs: (it.blobs ?? []).map((b) => {
        const sha256 = createHash('sha256').update(b.bytes).digest('hex');
        writeFileSync(path.join(legacy, 'blobs', sha256), b.bytes);
        return { name: b.name, mediaType: b.mediaType, sha256 };
      }),
    }));
    writeFileSync(path.join(legacy, 'statements.jsonl'), lines.map((l) => JSON.stringify(l) + '\n').join(''));
    repo.git(['add', '-f', '.greenlight/spool']);
    repo.commit({ subject: 'ENG-2 add the spool' });

    const r = await cli(['gate', '--context', 'pull_request', '--commit', head]);
    expect(r.stderr).toContain(`${path.join(legacy, 'statements.jsonl')} is never replayed`);
    expect(r.stdout).toContain('required scans not recorded');
    expect(r.code).toBe(1);
    const forged = (await statements()).filter(
      (s) => s.statement.predicate.commit === head && s.statement.predicate.scanTypes !== undefined,
    );
    expect(forged).toEqual([]);
    repo.checkout('main');
  });
}
