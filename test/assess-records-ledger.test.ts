/**
 * `greenlight assess` records into the ledger, end to end through the CLI on
 * SQLite and PostgreSQL: the run statement, one statement per result, the raw facts as redacted
 * blobs; idempotent re-recording; the report survives a recording failure (exit 3 or 4).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobDigest } from '../src/evidence/index.js';
import { defaultConfig } from '../src/config/index.js';
import { assess } from '../src/engine/index.js';
import { recordAssessment } from '../src/engine/record.js';
import { initLedger, openLedger, PREDICATE_TYPES, type Ledger } from '../src/ledger/index.js';
import { runCli } from './cli.js';
import { cleanupRepos, createRepo, isolateGitConfig, type TestRepo } from './git-repo.js';
import { testDialects, type DialectCase } from './ledger/dialects.js';

/** A fake token, shaped like a real GitHub one (it grants nothing). */
const TOKEN = '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';
const DEAD_PG = 'postgres://greenlight:pw@127.0.0.1:9/none';

const dialects = await testDialects('assess-record');

for (const d of dialects) describe.skipIf(!d.available)(`assess records on ${d.name}`, () => scenario(d));

function scenario(dialect: DialectCase): void {
  let repo: TestRepo;
  let url: string;
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { env: { GREENLIGHT_DATABASE_URL: url, ...env } });
  const withLedger = async <T>(fn: (l: Ledger) => Promise<T>): Promise<T> => {
    const l = await openLedger({ root: repo.dir, url });
    try {
      return await fn(l);
    } finally {
      await l.close();
    }
  };

  beforeAll(async () => {
    isolateGitConfig();
    repo = createRepo();
    url = dialect.fresh(repo.dir);
    repo.commit({ subject: 'ENG-1 initial', files: { 'README.md': '# shop\n' } });
    repo.commit({ subject: 'ENG-2 rotate the deploy token', body: `The old token was ${TOKEN}.` });
    expect((await cli(['init', repo.dir])).code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    cleanupRepos();
    await dialect.cleanup();
  });

  it('records the run, every result and the raw facts, and says so in one stderr line', async () => {
    const r = await cli(['assess', repo.dir, '--all', '--format', 'json', '-q']);
    expect([0, 1]).toContain(r.code);
    const report = JSON.parse(r.stdout);
    const n = report.results.length;
    expect(n).toBeGreaterThan(50);
    const m = /^greenlight: recorded (\d+) results as ledger entries 0\.\.(\d+) \(checkpoint (\d+)\)$/m.exec(
      r.stderr,
    );
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m![1])).toBe(n);
    expect(Number(m![2])).toBe(n + 1); // run + n results + raw facts
    expect(Number(m![3])).toBe(n + 2);

    await withLedger(async (ledger) => {
      const [run] = await ledger.readStatements({ predicateTypes: [PREDICATE_TYPES.assessment] });
      expect(run!.seq).toBe(0);
      const p = run!.statement.predicate as Record<string, any>;
      expect(p.config.sha256).toBe(report.config.sha256);
      expect(p.tool).toEqual(report.tool);
      expect(p.generatedAt).toBe(report.generatedAt);
      expect(p.summary).toEqual(report.summary);
      expect(p.subject.name).toBe(report.subject.name);
      expect(run!.statement.subject[0]!.digest).toEqual({ gitCommit: repo.head() });

      const results = await ledger.readStatements({ predicateTypes: [PREDICATE_TYPES.checkResult] });
      expect(results).toHaveLength(n);
      expect(results.map((s) => s.statement.predicate.checkId).sort()).toEqual(
        report.results.map((x: any) => x.checkId).sort(),
      );

      const [facts] = await ledger.readStatements({ predicateTypes: [PREDICATE_TYPES.rawFacts] });
      const git = blobDigest(facts!.statement.predicate, 'facts/git.json')!;
      const text = (await ledger.getBlob(git))!.toString('utf8');
      expect(text).toContain('ENG-2 rotate the deploy token');
      expect(text).not.toContain(TOKEN);
      expect(text).toContain('[REDACTED:');
      const ref = (facts!.statement.predicate.blobs as any[]).find((b) => b.name === 'facts/git.json');
      expect(ref.redaction.count).toBeGreaterThan(0);
      expect((await ledger.verify()).ok).toBe(true);
    });
  });

  it('re-recording the same assessment appends nothing; --no-record records nothing', async () => {
    const config = defaultConfig();
    const run = await assess({ root: repo.dir, only: ['change.'] });
    const env = process.env.GREENLIGHT_DATABASE_URL;
    process.env.GREENLIGHT_DATABASE_URL = url;
    try {
      const first = await recordAssessment(run, { root: repo.dir, config });
      const again = await recordAssessment(run, { root: repo.dir, config });
      expect(first!.appended).toBeGreaterThan(0);
      expect(again).toMatchObject({ appended: 0, first: first!.first, last: first!.last });
    } finally {
      if (env === undefined) delete process.env.GREENLIGHT_DATABASE_URL;
      else process.env.GREENLIGHT_DATABASE_URL = env;
    }
    const before = await withLedger(async (l) => (await l.status()).treeSize);
    const r = await cli(['assess', repo.dir, '--no-record', '-q', '--only', 'change.']);
    expect(r.stderr).not.toContain('recorded');
    expect(await withLedger(async (l) => (await l.status()).treeSize)).toBe(before);
  });

  it('prints the report, then exits 4 when the ledger cannot be reached', async () => {
    const r = await cli(['assess', repo.dir, '--format', 'json', '-q', '--only', 'change.'], {
      GREENLIGHT_DATABASE_URL: DEAD_PG,
    });
    expect(JSON.parse(r.stdout).results.length).toBeGreaterThan(0);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(
      'the report above is complete, but recording it in the evidence ledger failed',
    );
    expect(r.stderr).toContain('cannot reach PostgreSQL');
  });

  it('prints the report, then exits 3 when the ledger is signed by another key', async () => {
    const other = mkdtempSync(path.join(tmpdir(), 'gl-other-key-'));
    try {
      await initLedger(other);
      const keys = path.join(repo.dir, '.greenlight', 'keys');
      for (const f of ['ledger.key', 'ledger.pub'])
        copyFileSync(path.join(other, '.greenlight', 'keys', f), path.join(keys, f));
      const r = await cli(['assess', repo.dir, '--format', 'json', '-q', '--only', 'change.']);
      expect(JSON.parse(r.stdout).results.length).toBeGreaterThan(0);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('greenlight ledger verify');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
}

describe('assess without a ledger', () => {
  it('reports as usual and says the assessment was not recorded', async () => {
    isolateGitConfig();
    const repo = createRepo();
    repo.commit({ subject: 'ENG-1 initial' });
    const r = await runCli(['assess', repo.dir, '-q', '--only', 'change.'], {
      env: { GREENLIGHT_DATABASE_URL: '' },
    });
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).toContain(
      'assessment not recorded: no evidence ledger yet (`greenlight init` starts one)',
    );
    cleanupRepos();
  });
});
