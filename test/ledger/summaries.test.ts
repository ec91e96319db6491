import { afterAll, describe, expect, it } from 'vitest';
import {
  EVIDENCE_PREDICATES,
  EVIDENCE_SUMMARIZER,
  PREDICATE,
  accessReviewStatement,
  deploymentStatement,
  emptyEvidence,
  fragmentOf,
  fromSummary,
  gateStatement,
  mergeFragments,
  overrideStatement,
  reviewStatement,
  scanStatement,
  testsStatement,
  toRecordedEvidence,
  type AppendItem,
  type Statement,
} from '../../src/evidence/index.js';
import type { CiContext } from '../../src/ci-context/index.js';
import { LedgerIntegrityError } from '../../src/errors.js';
import {
  initLedger,
  openLedger,
  PREDICATE_TYPES,
  STATEMENT_TYPE,
  type RecordItem,
} from '../../src/ledger/index.js';
import { summaryOf } from '../../src/ledger/ledger.js';
import { testDialects, tempRoot } from './dialects.js';
import { openRaw } from './raw-db.js';

/*
 * The ledger's read index (`ledger_summaries`): written with each pipeline entry, read instead of
 * the envelopes by the change population, recomputed for entries without one, checked by verify.
 */

const DIALECTS = await testDialects('summaries');
afterAll(async () => {
  for (const d of DIALECTS) await d.cleanup();
});

const sha = (n: number) => n.toString(16).padStart(40, '0');
const ci = (n: number): CiContext => ({
  system: 'github-actions',
  event: 'pull_request',
  actor: `dev${n % 3}`,
  repository: 'acme/shop',
  commit: sha(n),
  runUrl: `https://github.com/acme/shop/actions/runs/${n}`,
  pullRequest: { number: n, headSha: sha(n), baseSha: sha(n + 1000), author: `dev${n % 3}` },
});

/** Pipeline statements of three kinds, and one assessment-style statement the index skips. */
function items(n: number): RecordItem[] {
  const out: AppendItem[] = [];
  for (let i = 1; i <= n; i++) {
    out.push({
      statement: gateStatement({
        context: 'pull_request',
        decision: i % 4 === 0 ? 'fail' : 'pass',
        commit: sha(i),
        prNumber: i,
        reasons: i % 4 === 0 ? ['no approval'] : [],
        decidedAt: '2025-03-01T10:00:00.000Z',
        repository: 'acme/shop',
        ci: ci(i),
      }),
    });
    out.push(
      scanStatement({
        commit: sha(i),
        tool: 'ESLint',
        format: 'sarif',
        scanTypes: ['sast'],
        scannedAt: '2025-03-01T09:59:00.000Z',
        report: {
          bytes: Buffer.from(`{"runs":[${i}]}`),
          name: 'eslint.sarif',
          mediaType: 'application/sarif+json',
        },
        findings: [{ fingerprint: `f${i}`, ruleId: 'no-eval', severity: 'high', scanType: 'sast' }],
        repository: 'acme/shop',
        ci: ci(i),
      }),
    );
  }
  out.push({
    statement: deploymentStatement({
      environment: 'production',
      commit: sha(n),
      artifacts: [],
      deployedAt: '2025-03-01T11:00:00.000Z',
      repository: 'acme/shop',
      ci: { ...ci(n), event: 'push' },
    }),
  });
  out.push({
    statement: {
      _type: STATEMENT_TYPE,
      subject: [{ name: 'git+acme/shop', digest: { gitCommit: sha(1) } }],
      predicateType: PREDICATE_TYPES.checkResult,
      predicate: { check: 'scan.sast', outcome: 'pass' },
    } as Statement,
  });
  return out.map((it) => ({
    statement: it.statement,
    blobs: it.blobs?.map((b) => ({ name: b.name, content: b.bytes, mediaType: b.mediaType })),
  }));
}

describe('stored summary format', () => {
  const gitlabReview: CiContext = {
    system: 'gitlab-ci',
    event: 'pull_request_review',
    eventName: 'merge_request_event',
    repository: 'group/app',
    commit: sha(7),
    actor: 'rita',
    pullRequest: { number: 7, headSha: sha(7), author: 'sam' },
    // GitLab names no review time: the statement's own time stands in for it
    review: { state: 'approved', reviewer: 'rita', commitSha: sha(7) },
  };
  const forcedPush: CiContext = {
    system: 'github-actions',
    event: 'push',
    eventName: 'push',
    repository: 'acme/shop',
    commit: sha(9),
    ref: 'refs/heads/main',
    push: { before: sha(8), after: sha(9), forced: true },
  };
  const githubReview: CiContext = {
    ...ci(5),
    event: 'pull_request_review',
    eventName: 'pull_request_review',
    review: { state: 'approved', reviewer: 'dev2', commitSha: sha(4), submittedAt: '2025-03-01T09:00:00Z' },
  };
  const statements: Statement[] = [
    gateStatement({
      context: 'pull_request',
      decision: 'pass',
      commit: sha(7),
      prNumber: 7,
      reasons: [],
      decidedAt: '2025-03-01T10:00:00.000Z',
      repository: 'group/app',
      ci: gitlabReview,
    }),
    gateStatement({
      context: 'pull_request',
      decision: 'fail',
      commit: sha(5),
      reasons: ['no approval'],
      decidedAt: '2025-03-01T10:00:00.000Z',
      ci: githubReview,
    }),
    deploymentStatement({
      environment: 'production',
      commit: sha(9),
      artifacts: [{ name: 'app', digest: `sha256:${'ab'.repeat(32)}` }],
      deployedAt: '2025-03-01T11:00:00.000Z',
      repository: 'other/repo',
      ci: forcedPush,
    }),
    scanStatement({
      commit: sha(3),
      tool: 'Trivy',
      format: 'trivy',
      scanTypes: ['sca', 'container'],
      scannedAt: '2025-03-01T09:59:00.000Z',
      report: { bytes: Buffer.from('{}'), name: 'trivy.json', mediaType: 'application/json' },
      findings: [],
      ci: { ...ci(3), commit: sha(30) },
    }).statement,
    testsStatement({
      commit: sha(3),
      format: 'junit',
      total: 10,
      failed: 1,
      errors: 0,
      skipped: 2,
      reports: [{ bytes: Buffer.from('<testsuites/>'), name: 'junit.xml' }],
      repository: 'acme/shop',
      ci: ci(3),
    }).statement,
    overrideStatement({
      ticket: 'OPS-1',
      reason: 'outage',
      approver: 'cto',
      commit: sha(9),
      environment: 'production',
      openedAt: '2025-03-01T12:00:00.000Z',
      reviewDays: 5,
      ci: { system: 'local', event: 'other' },
    }),
    reviewStatement({ ticket: 'OPS-1', reviewedAt: '2025-03-04T12:00:00.000Z', ci: ci(1) }),
    accessReviewStatement({
      reviewedAt: '2025-03-02T00:00:00.000Z',
      signedOffBy: 'ciso',
      reviewers: ['ciso'],
      systems: ['github'],
      identitiesReviewed: 12,
      accessRemoved: 1,
      file: { bytes: Buffer.from('a,b'), name: 'review.csv' },
      ci: ci(2),
    }).statement,
    // a predicate that does not match its schema is listed as skipped, with its CI facts kept
    {
      _type: STATEMENT_TYPE,
      subject: [{ name: 'x', digest: { gitCommit: sha(1) } }],
      predicateType: EVIDENCE_PREDICATES[0],
      predicate: { key: 'k', ci: forcedPush },
    } as Statement,
  ];

  it('reads back exactly the evidence the statement gives, from about half the bytes', () => {
    let stored = 0;
    let plain = 0;
    statements.forEach((statement, i) => {
      const entry = {
        seq: i,
        recordedAt: '2025-03-05T00:00:00.000Z',
        predicateType: statement.predicateType,
        statement,
      };
      const ref = { index: i, predicateType: statement.predicateType, recordedAt: entry.recordedAt };
      const text = summaryOf(EVIDENCE_SUMMARIZER, entry)!;
      const expected = fragmentOf({ index: i, recordedAt: entry.recordedAt, statement });
      expect(fromSummary(JSON.parse(text), ref)).toStrictEqual(JSON.parse(JSON.stringify(expected)));
      stored += text.length;
      plain += JSON.stringify(expected).length;
    });
    expect(stored).toBeLessThan(plain * 0.7);
  });

  it('stores a CI context once, and values it repeats as references', () => {
    const statement = statements[0]!;
    const text = summaryOf(EVIDENCE_SUMMARIZER, {
      seq: 0,
      recordedAt: '2025-03-05T00:00:00.000Z',
      predicateType: statement.predicateType,
      statement,
    })!;
    // the gate's commit, once: not again as the CI commit, PR head or reviewed commit
    expect(text.split(sha(7)).length - 1).toBe(1);
    const f = fromSummary(JSON.parse(text), {
      index: 0,
      predicateType: statement.predicateType,
      recordedAt: 'x',
    });
    expect(f.approvals?.[0]).toMatchObject({
      submittedAt: '2025-03-01T10:00:00.000Z',
      commit: sha(7),
      reviewer: 'rita',
    });
    expect(f.approvals?.[0]?.ci).toBe(f.gates?.[0]?.ci);
  });
});

for (const d of DIALECTS) {
  describe.skipIf(!d.available)(`read index on ${d.name}`, () => {
    async function fresh(summarized = true) {
      const { root, remove } = tempRoot();
      const url = d.fresh(root);
      await initLedger(root, { url });
      const open = (withSummarizer: boolean, at = '2025-03-01T12:00:00Z') =>
        openLedger({
          root,
          url,
          now: () => new Date(at),
          ...(withSummarizer ? { summarizer: EVIDENCE_SUMMARIZER } : {}),
        });
      const ledger = await open(summarized);
      return { root, url, ledger, open, remove };
    }

    /** The evidence the population sees, from the index and from the statements themselves. */
    async function bothWays(ledger: Awaited<ReturnType<typeof openLedger>>) {
      const rows = await ledger.readSummaries({ predicateTypes: [...EVIDENCE_PREDICATES] });
      const fromIndex = mergeFragments(
        emptyEvidence('x'),
        rows.map((r) =>
          fromSummary(r.summary, { index: r.seq, predicateType: r.predicateType, recordedAt: r.recordedAt }),
        ),
      );
      const statements = await ledger.readStatements({ predicateTypes: [...EVIDENCE_PREDICATES] });
      const fromStatements = await toRecordedEvidence(
        statements.map((s) => ({
          index: s.seq,
          recordedAt: s.recordedAt,
          statement: s.statement as Statement,
        })),
        { blob: async () => null, describe: () => 'x' },
        { findings: false },
      );
      return { fromIndex, fromStatements };
    }

    it('writes a summary per pipeline entry and reads the same evidence as the statements', async () => {
      const { url, ledger, remove } = await fresh();
      try {
        await ledger.recordStatements(items(6));
        const raw = await openRaw(url);
        const count = (await raw.all<{ n: number }>('SELECT count(*) AS n FROM ledger_summaries'))[0]!.n;
        await raw.close();
        expect(Number(count)).toBe(13); // 6 gates + 6 scans + 1 deployment; not the check result
        const { fromIndex, fromStatements } = await bothWays(ledger);
        expect(fromIndex.gates).toHaveLength(6);
        expect(fromIndex.scans).toHaveLength(6);
        expect(fromIndex.scans[0]!.summary.high).toBe(1);
        expect(fromIndex.deployments).toHaveLength(1);
        expect(fromIndex).toEqual(fromStatements);
        expect((await ledger.verify()).ok).toBe(true);
      } finally {
        await ledger.close();
        remove();
      }
    });

    it('summarizes entries recorded without an index from their statements, and reindex writes them', async () => {
      const { ledger, open, remove } = await fresh(false);
      await ledger.recordStatements(items(4));
      await ledger.close();
      const indexed = await open(true);
      try {
        const before = await indexed.readSummaries({ predicateTypes: [...EVIDENCE_PREDICATES] });
        expect(before.filter((r) => r.computed)).toHaveLength(9); // each one said to be computed
        const { fromIndex, fromStatements } = await bothWays(indexed);
        expect(fromIndex.scans).toHaveLength(4);
        expect(fromIndex).toEqual(fromStatements);
        expect(await indexed.reindex()).toEqual({ entries: 10, written: 9 });
        expect(await indexed.reindex()).toEqual({ entries: 10, written: 0 });
        const after = await indexed.readSummaries({ predicateTypes: [...EVIDENCE_PREDICATES] });
        expect(after.filter((r) => r.computed)).toEqual([]);
        expect((await bothWays(indexed)).fromIndex).toEqual(fromStatements);
        expect((await indexed.verify()).ok).toBe(true);
      } finally {
        await indexed.close();
        remove();
      }
    });

    it('refuses to edit or delete a summary, and verify reports one altered behind its back', async () => {
      const { url, ledger, remove } = await fresh();
      try {
        await ledger.recordStatements(items(3));
        const raw = await openRaw(url);
        let row: { seq: number; summary: string } | undefined;
        try {
          await expect(raw.run(`UPDATE ledger_summaries SET summary = '{}'`)).rejects.toThrow(/append-only/);
          await expect(raw.run(`DELETE FROM ledger_summaries`)).rejects.toThrow(/append-only/);
          await raw.dropTriggers();
          [row] = await raw.all<{ seq: number; summary: string }>(
            'SELECT seq, summary FROM ledger_summaries ORDER BY seq LIMIT 1',
          );
          // An attacker flips a failing gate decision to a pass in the index only.
          const forged = row!.summary.replace('"decision":"pass"', '"decision":"fail"');
          expect(forged).not.toBe(row!.summary);
          await raw.run('UPDATE ledger_summaries SET summary = ? WHERE seq = ?', [forged, row!.seq]);
          await raw.run(
            `INSERT INTO ledger_summaries (seq, version, predicate_type, recorded_at, summary, leaf_hash, mac)
             VALUES (999, ?, ?, '2025-03-01T12:00:00.000Z', '{}', ?, ?)`,
            [
              EVIDENCE_SUMMARIZER.version,
              PREDICATE_TYPES.checkResult,
              Buffer.alloc(32, 1),
              Buffer.alloc(32, 2),
            ],
          );
          // …and moves another entry's summary out of its time window.
          await raw.run(
            `UPDATE ledger_summaries SET recorded_at = '2020-01-01T00:00:00.000Z' WHERE seq = ?`,
            [row!.seq + 1],
          );
        } finally {
          await raw.close();
        }
        const report = await ledger.verify();
        expect(report.ok).toBe(false);
        const summaryIssues = report.issues.filter((i) => i.kind === 'summary').map((i) => i.message);
        // the forged summary twice (its content and its authentication code), the moved one, 999
        expect(summaryIssues).toHaveLength(4);
        expect(summaryIssues).toEqual(
          expect.arrayContaining([
            expect.stringMatching(/entry \d+: its stored summary does not match its statement/),
            `entry ${row!.seq}: its summary fails its authentication code (the read index was altered)`,
            'entry 999: a summary exists for an entry that does not',
          ]),
        );
      } finally {
        await ledger.close();
        remove();
      }
    });

    it('stops a reader on a summary edited behind its back, naming the entry', async () => {
      const { root, url, ledger, remove } = await fresh();
      try {
        await ledger.recordStatements(items(4));
        const clean = await bothWays(ledger);
        const raw = await openRaw(url);
        let gate: { seq: number; summary: string };
        try {
          await raw.dropTriggers();
          [gate] = (await raw.all<{ seq: number; summary: string }>(
            `SELECT seq, summary FROM ledger_summaries WHERE summary LIKE '%"decision":"fail"%' ORDER BY seq`,
          )) as [{ seq: number; summary: string }];
          // A failing gate decision flipped to a pass in the index only: the fast path (one range).
          const forged = gate.summary.replace('"decision":"fail"', '"decision":"pass"');
          await raw.run('UPDATE ledger_summaries SET summary = ? WHERE seq = ?', [forged, gate.seq]);
        } finally {
          await raw.close();
        }
        const read = () => ledger.readSummaries({ predicateTypes: [...EVIDENCE_PREDICATES] });
        await expect(read()).rejects.toThrow(LedgerIntegrityError);
        await expect(read()).rejects.toThrow(
          new RegExp(
            `entry ${gate!.seq}: its read-index summary \\(ledger_summaries\\) fails its authentication code.*greenlight ledger verify`,
          ),
        );

        // The attacker also deletes another summary, so the reader takes the per-entry path, and
        // copies one entry's summary (with its code) onto another entry: both caught there too.
        const again = await openRaw(url);
        try {
          await again.run('UPDATE ledger_summaries SET summary = ? WHERE seq = ?', [
            gate!.summary,
            gate!.seq,
          ]);
          const rows = await again.all<Record<string, unknown>>(
            'SELECT * FROM ledger_summaries ORDER BY seq',
          );
          const [a, b] = rows.filter((r) => r.predicate_type === PREDICATE.gate) as [
            Record<string, unknown>,
            Record<string, unknown>,
          ];
          await again.run('DELETE FROM ledger_summaries WHERE seq = ?', [rows[rows.length - 1]!.seq]);
          await again.run('UPDATE ledger_summaries SET summary = ?, mac = ? WHERE seq = ?', [
            a.summary,
            a.mac,
            b.seq,
          ]);
          await expect(read()).rejects.toThrow(new RegExp(`entry ${String(b.seq)}: its read-index summary`));
          // …and with the leaf hash copied too, the copy no longer matches its entry's leaf hash.
          await again.run('UPDATE ledger_summaries SET leaf_hash = ?, mac = ? WHERE seq = ?', [
            a.leaf_hash,
            a.mac,
            b.seq,
          ]);
          await expect(read()).rejects.toThrow(new RegExp(`entry ${String(b.seq)}: its read-index summary`));
        } finally {
          await again.close();
        }

        // A reader without the signing key cannot check the codes: it does not use the index,
        // and reads what the signed statements say.
        const keyless = await openLedger({
          root,
          url,
          signer: null,
          summarizer: EVIDENCE_SUMMARIZER,
        });
        try {
          const rows = await keyless.readSummaries({ predicateTypes: [...EVIDENCE_PREDICATES] });
          expect(rows.length).toBe(9);
          expect(rows.every((r) => r.computed && r.unchecked)).toBe(true);
          expect((await bothWays(keyless)).fromIndex).toEqual(clean.fromStatements);
        } finally {
          await keyless.close();
        }
      } finally {
        await ledger.close();
        remove();
      }
    });

    it('drops the summary of a pruned entry with its payload', async () => {
      const { url, ledger, open, remove } = await fresh();
      await ledger.recordStatements(items(2));
      await ledger.close();
      const later = await open(true, '2030-01-01T00:00:00Z');
      try {
        const report = await later.prune({ retentionDays: { default: 30 } });
        expect(report.pruned).toBe(6);
        const raw = await openRaw(url);
        const left = await raw.all('SELECT seq FROM ledger_summaries');
        await raw.close();
        expect(left).toEqual([]);
        expect(await later.readSummaries({ predicateTypes: [...EVIDENCE_PREDICATES] })).toEqual([]);
        expect((await later.verify()).ok).toBe(true);
      } finally {
        await later.close();
        remove();
      }
    });
  });
}
