/** Evidence facts made through the real recording path (statement builders → store → reader). */
import {
  accessReviewStatement,
  deploymentStatement,
  memoryEvidenceStore,
  readRecordedEvidence,
  recordIdempotent,
  scanStatement,
  testsStatement,
  type EvidenceStore,
} from '../src/changes/index.js';
import type { CiContext } from '../src/ci-context/index.js';
import type { RecordedEvidence, ScanFindingRecord } from '../src/facts/index.js';

export const LOCAL: CiContext = { system: 'local', event: 'other' };

export function evidenceBuilder() {
  const store: EvidenceStore = memoryEvidenceStore(() => new Date('2026-01-01T00:00:00Z'));
  return {
    store,
    async deploy(commit: string, deployedAt: string, environment = 'production') {
      await recordIdempotent(
        store,
        deploymentStatement({ environment, commit, artifacts: [], deployedAt, ci: LOCAL }),
      );
    },
    async tests(commit: string, passed: boolean, ci: CiContext = LOCAL) {
      const { statement, blobs } = testsStatement({
        commit,
        format: 'junit',
        total: 2,
        failed: passed ? 0 : 1,
        errors: 0,
        skipped: 0,
        reports: [{ bytes: Buffer.from(`<testsuites>${commit}${passed}</testsuites>`), name: 'junit.xml' }],
        ci,
      });
      await recordIdempotent(store, statement, blobs);
    },
    async scan(commit: string, scannedAt: string, findings: ScanFindingRecord[], tool = 'trivy') {
      const { statement, blobs } = scanStatement({
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
      });
      await recordIdempotent(store, statement, blobs);
    },
    async accessReview(reviewedAt: string) {
      const { statement, blobs } = accessReviewStatement({
        reviewedAt,
        signedOffBy: 'cto@example.com',
        reviewers: ['alice'],
        systems: ['github:acme'],
        identitiesReviewed: 12,
        accessRemoved: 1,
        file: { bytes: Buffer.from(`reviewedAt: ${reviewedAt}\n`), name: 'review.yml' },
        ci: LOCAL,
      });
      await recordIdempotent(store, statement, blobs);
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
    read: (): Promise<RecordedEvidence> => readRecordedEvidence(store),
  };
}
