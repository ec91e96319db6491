import { afterAll, describe, expect, it } from 'vitest';
import {
  EVIDENCE_PREDICATES,
  EVIDENCE_SUMMARIZER,
  deploymentStatement,
  emptyEvidence,
  fromSummary,
  gateStatement,
  mergeFragments,
  scanStatement,
  toRecordedEvidence,
  type AppendItem,
  type Statement,
} from '../../src/changes/index.js';
import type { CiContext } from '../../src/ci-context/index.js';
import {
  initLedger,
  openLedger,
  PREDICATE_TYPES,
  STATEMENT_TYPE,
  type RecordItem,
} from '../../src/ledger/index.js';
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
        const { fromIndex, fromStatements } = await bothWays(indexed);
        expect(fromIndex.scans).toHaveLength(4);
        expect(fromIndex).toEqual(fromStatements);
        expect(await indexed.reindex()).toEqual({ entries: 10, written: 9 });
        expect(await indexed.reindex()).toEqual({ entries: 10, written: 0 });
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
            `INSERT INTO ledger_summaries (seq, version, predicate_type, recorded_at, summary)
             VALUES (999, ?, ?, '2025-03-01T12:00:00.000Z', '{}')`,
            [EVIDENCE_SUMMARIZER.version, PREDICATE_TYPES.checkResult],
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
        expect(summaryIssues).toHaveLength(3);
        expect(summaryIssues).toEqual(
          expect.arrayContaining([
            expect.stringMatching(/entry \d+: its stored summary does not match its statement/),
            'entry 999: a summary exists for an entry that does not',
          ]),
        );
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
