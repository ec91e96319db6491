/* eslint-disable @typescript-eslint/no-explicit-any -- webhook payloads and JSON output are walked loosely */
/**
 * The pipeline-evidence scenario, end to end through the CLI, against the real signed ledger on SQLite
 * and on PostgreSQL (one fresh schema per run; skipped with a message when no server answers): a real git repository with PR merges, a
 * direct-pushed hotfix, real scanner output recorded from GitHub-Actions-shaped pipelines, two
 * deployments, an emergency override with its late review, then the population, a sample and
 * the gate decisions — each asserted exactly.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE,
  BOB,
  cleanupRepos,
  createRepo,
  isolateGitConfig,
  tempDir,
  type TestRepo,
} from './git-repo.js';
import { runCli } from './cli.js';
import { eslintSarif, nodeJunit, secretlintSarif } from './scanner-output.js';
import { testDialects, type DialectCase } from './ledger/dialects.js';
import { openLedger, verifyInclusion, type Ledger } from '../src/ledger/index.js';
import { EVIDENCE_PREDICATES, PREDICATE, blobDigest, blobDigests } from '../src/evidence/index.js';
import { createHash } from 'node:crypto';

const hex = (h: string) => Buffer.from(h, 'hex');

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples') as {
  name: string;
  examples: Record<string, unknown>[];
}[];
const example = (name: string, action: string): Record<string, unknown> =>
  structuredClone(examples.find((d) => d.name === name)!.examples.find((e) => e.action === action)!);

const dialects = await testDialects('issue5');

for (const dialect of dialects)
  describe.skipIf(!dialect.available)(`on ${dialect.name}`, () => scenario(dialect));

function scenario(dialect: DialectCase): void {
  let repo: TestRepo;
  let work: string;
  const reports: Record<string, string> = {};

  /** GitHub Actions variables for an event whose payload is written to a file. */
  function githubEnv(event: string, payload: unknown, now: string, extra: Record<string, string> = {}) {
    const file = path.join(work, `event-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(payload));
    return {
      GITHUB_ACTIONS: 'true',
      GITHUB_RUN_ID: String(Math.floor(Math.random() * 1e9)),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SHA: repo.head(),
      GITHUB_REF: 'refs/heads/main',
      GITHUB_ACTOR: 'alice',
      GITHUB_WORKFLOW_REF: 'acme/shop/.github/workflows/ci.yml@refs/heads/main',
      GITHUB_EVENT_NAME: event,
      GITHUB_EVENT_PATH: file,
      GITHUB_STEP_SUMMARY: path.join(work, 'summary.md'),
      GREENLIGHT_NOW: now,
      ...extra,
    };
  }

  function prPayload(n: number, head: string, base: string, author: string) {
    const p = example('pull_request', 'synchronize') as any;
    p.number = n;
    p.pull_request.number = n;
    p.pull_request.head.sha = head;
    p.pull_request.head.ref = `feature/ENG-${n}`;
    p.pull_request.base.sha = base;
    p.pull_request.base.ref = 'main';
    p.pull_request.user.login = author;
    p.pull_request.title = `ENG-${n} change`;
    return p;
  }

  function reviewPayload(
    n: number,
    head: string,
    base: string,
    author: string,
    reviewer: string,
    at: string,
  ) {
    const p = example('pull_request_review', 'submitted') as any;
    Object.assign(p.pull_request, prPayload(n, head, base, author).pull_request);
    p.review.state = 'approved';
    p.review.user.login = reviewer;
    p.review.commit_id = head;
    p.review.submitted_at = at;
    return p;
  }

  let url: string;
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli([...args, '--repo', repo.dir], {
      env: { GREENLIGHT_NOW: '2026-01-25T00:00:00Z', GREENLIGHT_DATABASE_URL: url, ...env },
    });

  async function withLedger<T>(fn: (ledger: Ledger) => Promise<T>): Promise<T> {
    const ledger = await openLedger({ root: repo.dir, url });
    try {
      return await fn(ledger);
    } finally {
      await ledger.close();
    }
  }

  const ledgerSize = (): Promise<number> => withLedger(async (l) => (await l.status()).treeSize);

  /** Runs a PR pipeline: records the given scans and tests for the head, then the gate. */
  async function prPipeline(
    n: number,
    head: string,
    base: string,
    author: string,
    now: string,
    scans: string[],
    junit: string,
  ) {
    const env = githubEnv('pull_request', prPayload(n, head, base, author), now, { GITHUB_ACTOR: author });
    for (const s of scans) expect((await cli(['record', 'scan', s], env)).code).toBe(0);
    expect((await cli(['record', 'tests', junit], env)).code).toBe(0);
    return cli(['gate'], env);
  }

  const sha: Record<string, string> = {};
  const gates: Record<string, { code: number; stdout: string }> = {};

  beforeAll(async () => {
    isolateGitConfig();
    work = tempDir('greenlight-issue5-');
    reports.secretsClean = secretlintSarif(work, false);
    reports.secretsDirty = secretlintSarif(work, true);
    reports.sastClean = eslintSarif(work, false);
    reports.sastDirty = eslintSarif(work, true);
    reports.green = nodeJunit(work, false);
    reports.red = nodeJunit(work, true);

    repo = createRepo();
    url = dialect.fresh(repo.dir);
    sha.c0 = repo.commit({
      subject: 'Initial import',
      files: {
        'greenlight.yml': 'version: 1\nscans:\n  required: [sast, secrets]\n',
        '.gitignore': '.greenlight/\n',
      },
    }); // 09:00
    expect(
      (
        await cli([
          'record',
          'deployment',
          '--env',
          'production',
          '--commit',
          sha.c0,
          '--at',
          '2026-01-05T09:10:00Z',
        ])
      ).code,
    ).toBe(0);

    // PR #1 by Alice, approved by Bob on its head before the merge.
    repo.branch('feature/ENG-1');
    sha.h1 = repo.commit({ subject: 'Add login', author: ALICE }); // 10:00
    repo.checkout('main');
    gates.pr1 = await prPipeline(
      1,
      sha.h1,
      sha.c0,
      'alice',
      '2026-01-05T10:10:00Z',
      [reports.secretsClean!, reports.sastClean!],
      reports.green!,
    );
    const review1 = reviewPayload(1, sha.h1, sha.c0, 'alice', 'bob', '2026-01-05T10:20:00Z');
    expect(
      (
        await cli(
          ['gate'],
          githubEnv('pull_request_review', review1, '2026-01-05T10:20:00Z', { GITHUB_ACTOR: 'bob' }),
        )
      ).code,
    ).toBe(0);
    sha.m1 = repo.prMerge('feature/ENG-1', 1); // 11:00

    // PR #2 by Bob: first head adds eval (blocked), second head fixes it; Alice approves the second.
    repo.branch('feature/ENG-2');
    sha.h2 = repo.commit({ subject: 'Add calculator', author: BOB }); // 12:00
    gates.pr2bad = await prPipeline(
      2,
      sha.h2,
      sha.m1,
      'bob',
      '2026-01-05T12:10:00Z',
      [reports.secretsDirty!, reports.sastDirty!],
      reports.red!,
    );
    sha.h2b = repo.commit({ subject: 'Calculator without eval', author: BOB }); // 13:00
    repo.checkout('main');
    gates.pr2 = await prPipeline(
      2,
      sha.h2b,
      sha.m1,
      'bob',
      '2026-01-05T13:10:00Z',
      [reports.secretsClean!, reports.sastClean!],
      reports.green!,
    );
    const review2 = reviewPayload(2, sha.h2b, sha.m1, 'bob', 'alice', '2026-01-05T13:20:00Z');
    await cli(
      ['gate'],
      githubEnv('pull_request_review', review2, '2026-01-05T13:20:00Z', { GITHUB_ACTOR: 'alice' }),
    );
    sha.m2 = repo.prMerge('feature/ENG-2', 2); // 14:00

    // Deploy 1: ships #1 and #2.
    const deployEnv = (commit: string, now: string) => {
      const p = example('deployment', 'created') as any;
      p.deployment.sha = commit;
      p.deployment.environment = 'production';
      return githubEnv('deployment', p, now);
    };
    gates.deploy1 = await cli(['gate'], deployEnv(sha.m2, '2026-01-05T14:10:00Z'));
    await cli(['record', 'deployment', '--env', 'production'], deployEnv(sha.m2, '2026-01-05T14:15:00Z'));

    // An emergency hotfix pushed straight to main: the deploy gate blocks it, the override lets it through.
    sha.x = repo.commit({ subject: 'Hotfix ENG-9 rate limit', author: ALICE }); // 15:00
    gates.hotfix = await cli(['gate'], deployEnv(sha.x, '2026-01-05T15:05:00Z'));
    gates.hotfixOverride = await cli(
      ['gate', '--override', '--reason', 'checkout outage', '--ticket', 'INC-7', '--approver', 'carol'],
      deployEnv(sha.x, '2026-01-05T15:10:00Z'),
    );
    await cli(['record', 'deployment', '--env', 'production'], deployEnv(sha.x, '2026-01-05T15:20:00Z'));

    // PR #3 by Bob, merged without any approval: the deploy gate refuses it.
    repo.branch('feature/ENG-3');
    sha.h3 = repo.commit({ subject: 'Change prices', author: BOB }); // 16:00
    repo.checkout('main');
    gates.pr3 = await prPipeline(
      3,
      sha.h3,
      sha.x,
      'bob',
      '2026-01-05T16:10:00Z',
      [reports.secretsClean!, reports.sastClean!],
      reports.green!,
    );
    sha.m3 = repo.prMerge('feature/ENG-3', 3); // 17:00
    gates.deploy3 = await cli(['gate'], deployEnv(sha.m3, '2026-01-05T17:10:00Z'));

    // The post-incident review of INC-7, held late (due 7 days after the override).
    expect(
      (
        await cli([
          'record',
          'review',
          '--ticket',
          'INC-7',
          '--reviewer',
          'dana',
          '--at',
          '2026-01-20T10:00:00Z',
        ])
      ).code,
    ).toBe(0);
  }, 240_000);

  afterAll(async () => {
    cleanupRepos();
    await dialect.cleanup();
  });

  describe('gate decisions', () => {
    it('passes a pull request with its scans and green tests recorded', () => {
      expect(gates.pr1!.code).toBe(0);
      expect(gates.pr1!.stdout).toContain('Pull request #1');
      expect(gates.pr1!.stdout).toContain('passed');
    });

    it('fails a pull request with a secret, a new high finding and red tests, saying why', () => {
      const out = gates.pr2bad!.stdout;
      expect(gates.pr2bad!.code).toBe(1);
      expect(out).toMatch(/secret finding .*secretlint-rule-github/);
      expect(out).toMatch(/new high finding no-eval/);
      expect(out).toMatch(/tests failed on .*1 failed/);
      expect(readFileSync(path.join(work, 'summary.md'), 'utf8')).toContain('greenlight gate');
    });

    it('passes the deploy of approved, tested changes', () => {
      expect(gates.deploy1!.code).toBe(0);
      expect(gates.deploy1!.stdout).toContain('2 changes shipped to production');
    });

    it('fails the deploy of a direct push, then lets it through on the emergency path', () => {
      expect(gates.hotfix!.code).toBe(1);
      expect(gates.hotfix!.stdout).toContain(
        `${sha.x!.slice(0, 7)} "Hotfix ENG-9 rate limit": pushed directly`,
      );
      expect(gates.hotfixOverride!.code).toBe(0);
      expect(gates.hotfixOverride!.stdout).toContain('was overridden (emergency change)');
      expect(gates.hotfixOverride!.stdout).toContain('Post-incident review due by 2026-01-12');
    });

    it('fails the deploy that carries an unapproved commit and names it', () => {
      expect(gates.pr3!.code).toBe(0);
      expect(gates.deploy3!.code).toBe(1);
      expect(gates.deploy3!.stdout).toContain(
        `${sha.m3!.slice(0, 7)} "Merge pull request #3 from acme/feature/ENG-3": no approval recorded`,
      );
    });
  });

  describe('population', () => {
    it('lists every change of the window with its evidence and status', async () => {
      const r = await cli(['changes', '--since', '2026-01-05T09:30:00Z', '--format', 'json']);
      expect(r.code).toBe(0);
      const pop = JSON.parse(r.stdout);
      const rows = pop.rows.map((x: any) => ({
        commit: x.commit,
        kind: x.kind,
        pr: x.pr,
        author: x.author,
        approvers: x.approvals.filter((a: any) => a.independent).map((a: any) => a.by),
        checks: x.checksPassed,
        ticket: x.ticket,
        emergency: x.emergency?.reviewState ?? null,
        deployedAt: x.deployments.map((d: any) => d.deployedAt),
        scans: x.scans.length,
        status: x.status,
        reasons: x.reasons,
      }));
      expect(rows).toEqual([
        {
          commit: sha.m1,
          kind: 'pr-merge',
          pr: 1,
          author: 'alice',
          approvers: ['bob'],
          checks: true,
          ticket: 'ENG-1',
          emergency: null,
          deployedAt: ['2026-01-05T14:15:00.000Z'],
          scans: 2,
          status: 'compliant',
          reasons: [],
        },
        {
          commit: sha.m2,
          kind: 'pr-merge',
          pr: 2,
          author: 'bob',
          approvers: ['alice'],
          checks: true,
          ticket: 'ENG-2',
          emergency: null,
          deployedAt: ['2026-01-05T14:15:00.000Z'],
          scans: 2,
          status: 'compliant',
          reasons: [],
        },
        {
          commit: sha.x,
          kind: 'direct-push',
          pr: null,
          author: 'Alice Doe',
          approvers: [],
          checks: null,
          ticket: 'ENG-9',
          emergency: 'reviewed-late',
          deployedAt: ['2026-01-05T15:20:00.000Z'],
          scans: 0,
          status: 'deviation',
          reasons: [
            'pushed directly to main without a pull request',
            'no checks or test results recorded for the head commit',
            'post-incident review done late (2026-01-20T10:00:00.000Z, due 2026-01-12T15:10:00.000Z)',
          ],
        },
        {
          commit: sha.m3,
          kind: 'pr-merge',
          pr: 3,
          author: 'bob',
          approvers: [],
          checks: true,
          ticket: 'ENG-3',
          emergency: null,
          deployedAt: [],
          scans: 2,
          status: 'deviation',
          reasons: ['no approval recorded'],
        },
      ]);
    });

    it('writes CSV with one line per change', async () => {
      const r = await cli(['changes', '--since', '2026-01-05T09:30:00Z', '--format', 'csv']);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^commit,repository,kind,merged_at,pr,/);
      expect(lines).toHaveLength(5);
      expect(lines[4]).toContain('no approval recorded');
    });
  });

  describe('sampling', () => {
    it('draws the same sample for the same seed, records it, and exports the evidence', async () => {
      const out1 = path.join(work, 'sample1');
      const out2 = path.join(work, 'sample2');
      const a = await cli([
        'sample',
        '--size',
        '2',
        '--seed',
        'audit-2026',
        '--since',
        '2026-01-05T09:30:00Z',
        '--out',
        out1,
      ]);
      const b = await cli([
        'sample',
        '--size',
        '2',
        '--seed',
        'audit-2026',
        '--since',
        '2026-01-05T09:30:00Z',
        '--out',
        out2,
      ]);
      expect(a.code).toBe(0);
      expect(b.stdout).toContain('already recorded');
      const m1 = JSON.parse(readFileSync(path.join(out1, 'manifest.json'), 'utf8'));
      const m2 = JSON.parse(readFileSync(path.join(out2, 'manifest.json'), 'utf8'));
      expect(m1.selection).toEqual(m2.selection);
      expect(m1.selection).toHaveLength(2);
      expect(m1.populationSize).toBe(4);
      expect(readFileSync(path.join(out1, 'sample.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
      for (const commit of m1.selection) {
        const dir = path.join(out1, 'changes', commit);
        const statements = JSON.parse(readFileSync(path.join(dir, 'statements.json'), 'utf8'));
        expect(statements.length).toBeGreaterThan(0);
        const scans = statements.filter((s: any) => s.statement.predicateType.endsWith('/scan/v1'));
        for (const s of scans)
          expect(readdirSync(path.join(dir, 'blobs'))).toContain(
            blobDigest(s.statement.predicate, s.statement.predicate.report.blob),
          );
        // Each statement comes signed, with an inclusion proof against the exported checkpoint.
        const note = readFileSync(path.join(out1, 'checkpoint'), 'utf8');
        for (const e of statements) {
          expect(e.envelope.signatures).toHaveLength(1);
          const p = e.inclusionProof;
          const bytes = readFileSync(path.join(dir, e.envelopeFile));
          const leaf = createHash('sha256')
            .update(Buffer.concat([Buffer.from([0]), bytes]))
            .digest('hex');
          expect(leaf).toBe(p.leafHash);
          expect(verifyInclusion(e.seq, p.treeSize, hex(p.leafHash), p.proof.map(hex), hex(p.rootHash))).toBe(
            true,
          );
          expect(note).toContain(Buffer.from(p.rootHash, 'hex').toString('base64'));
        }
      }
      const c = await cli([
        'sample',
        '--size',
        '2',
        '--seed',
        'other-seed',
        '--since',
        '2026-01-05T09:30:00Z',
        '--out',
        path.join(work, 's3'),
      ]);
      expect(c.code).toBe(0);
    });
  });

  describe('recording', () => {
    it('is idempotent: re-recording identical evidence appends nothing', async () => {
      const before = await ledgerSize();
      const r = await cli(['record', 'tests', reports.green!, '--commit', sha.h1!]);
      const again = await cli(['record', 'tests', reports.green!, '--commit', sha.h1!]);
      expect(r.stdout).toMatch(/recorded test results .* as ledger entry \d+ \(checkpoint \d+\)/);
      expect(again.stdout).toContain('already recorded');
      expect(await ledgerSize()).toBe(before + 1);
    });

    it('rejects a malformed report with the file and JSON pointer, exit 2, nothing recorded', async () => {
      const bad = path.join(work, 'broken.sarif');
      const good = JSON.parse(readFileSync(reports.sastDirty!, 'utf8'));
      good.runs[0].results[0].level = 42;
      writeFileSync(bad, JSON.stringify(good));
      const before = await ledgerSize();
      const r = await cli(['record', 'scan', reports.sastClean!, bad, '--commit', sha.m3!]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('broken.sarif');
      expect(r.stderr).toContain('/runs/0/results/0');
      expect(await ledgerSize()).toBe(before);
    });

    it('stores the raw secret-scanner report without the secret, and every statement signed', async () => {
      const { texts, report } = await withLedger(async (ledger) => {
        const scans = await ledger.readStatements({ predicateTypes: [PREDICATE.scan] });
        const out: string[] = [];
        for (const s of scans)
          for (const sha of blobDigests(s.statement.predicate))
            out.push((await ledger.getBlob(sha))!.toString('utf8'));
        return { texts: out.join('\n'), report: await ledger.verify() };
      });
      expect(texts).toContain('secretlint');
      expect(texts).not.toContain('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');
      expect(texts).not.toContain('Xb3kQ9mZ7vLp2RtY8wNc4JhF6sDg1AeK5uVo0iTq');
      expect(report.ok).toBe(true);
      expect(report.signaturesChecked).toBe(report.treeSize);
    });

    it('holds every pipeline statement as a signed in-toto statement', async () => {
      const all = await withLedger((l) => l.readStatements({ predicateTypes: EVIDENCE_PREDICATES }));
      const types = new Set(all.map((s) => s.statement.predicateType));
      for (const t of [
        PREDICATE.deployment,
        PREDICATE.scan,
        PREDICATE.tests,
        PREDICATE.gate,
        PREDICATE.override,
        PREDICATE.review,
      ])
        expect(types).toContain(t);
      expect(all.every((s) => s.statement._type === 'https://in-toto.io/Statement/v1')).toBe(true);
    });
  });
}
