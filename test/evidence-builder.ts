/**
 * Evidence facts made through the real recording path: statement builders → a real signed
 * ledger (SQLite, in a temporary folder) → the reader.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { collectEvidence } from '../src/sources/ledger/index.js';
import {
  accessReviewStatement,
  deploymentStatement,
  openLedgerStore,
  readRecordedEvidence,
  recordIdempotent,
  scanStatement,
  testsStatement,
  type AppendItem,
} from '../src/evidence/index.js';
import type { CiContext } from '../src/ci-context/index.js';
import { defaultConfig } from '../src/config/index.js';
import type { RecordedEvidence, ScanFindingRecord } from '../src/facts/index.js';

export const LOCAL: CiContext = { system: 'local', event: 'other' };

const roots: string[] = [];

/** Removes the ledgers made by evidenceBuilder (call from afterAll). */
export function cleanupLedgers(): void {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}

export function evidenceBuilder() {
  const root = mkdtempSync(path.join(tmpdir(), 'gl-evidence-'));
  roots.push(root);
  const clock = new Date('2026-01-01T00:00:00Z');
  const open = (write: boolean) =>
    openLedgerStore({ root, config: defaultConfig(), now: () => clock, write });
  const record = async (item: AppendItem) => {
    const store = await open(true);
    try {
      return await recordIdempotent(store, item, clock);
    } finally {
      await store.close();
    }
  };
  return {
    root,
    async deploy(commit: string, deployedAt: string, environment = 'production') {
      await record({
        statement: deploymentStatement({ environment, commit, artifacts: [], deployedAt, ci: LOCAL }),
      });
    },
    async tests(commit: string, passed: boolean, ci: CiContext = LOCAL) {
      await record(
        testsStatement({
          commit,
          format: 'junit',
          total: 2,
          failed: passed ? 0 : 1,
          errors: 0,
          skipped: 0,
          reports: [{ bytes: Buffer.from(`<testsuites>${commit}${passed}</testsuites>`), name: 'junit.xml' }],
          ci,
        }),
      );
    },
    async scan(commit: string, scannedAt: string, findings: ScanFindingRecord[], tool = 'trivy') {
      await record(
        scanStatement({
          commit,
          tool,
          format: 'sarif',
          scanTypes: ['sca'],
          scannedAt,
          report: {
            bytes: Buffer.from(JSON.stringify({ commit, scannedAt, findings })),
            name: 'r.sarif',
            mediaType: 'application/sarif+json',
          },
          findings,
          ci: LOCAL,
        }),
      );
    },
    async accessReview(reviewedAt: string) {
      await record(
        accessReviewStatement({
          reviewedAt,
          signedOffBy: 'cto@example.com',
          reviewers: ['alice'],
          systems: ['github:acme'],
          identitiesReviewed: 12,
          accessRemoved: 1,
          file: { bytes: Buffer.from(`reviewedAt: ${reviewedAt}\n`), name: 'review.yml' },
          ci: LOCAL,
        }),
      );
    },
    async approve(pr: number, head: string, reviewer: string, at: string) {
      // An approval arrives with the CI context of a pull_request_review run.
      await this.tests(head, true, {
        system: 'github-actions',
        event: 'pull_request_review',
        repository: 'acme/shop',
        pullRequest: { number: pr, headSha: head },
        review: { state: 'approved', reviewer, commitSha: head, submittedAt: at },
      });
    },
    /** Any statement (overrides, reviews…), through the same idempotent append. */
    record,
    /** The evidence facts; with a window, as the loader gives them for that assessment window. */
    async read(window?: { since: string | null; until: string }): Promise<RecordedEvidence> {
      const store = await open(true);
      try {
        const ev = await readRecordedEvidence(store);
        return window ? { ...ev, window } : ev;
      } finally {
        await store.close();
      }
    },
  };
}

/** The evidence facts of a folder with no ledger at all (through the real loader). */
export async function noLedgerEvidence(): Promise<RecordedEvidence> {
  const root = mkdtempSync(path.join(tmpdir(), 'gl-no-ledger-'));
  roots.push(root);
  const ev = await collectEvidence({
    root,
    since: null,
    until: new Date('2026-01-01T00:00:00Z'),
    config: defaultConfig(),
    progress: () => {},
  });
  if ('unavailable' in ev) throw new Error(ev.reason);
  return ev;
}
