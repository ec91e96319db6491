/**
 * Evidence recorded from CI into the ledger (`greenlight record …`, gate decisions), read back
 * as typed facts. The change population, the gate and the ledger-backed checks read these.
 */
import type { CiContext } from '../ci-context/index.js';

export type RecordedSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** Where a fact came from in the ledger. */
export interface EvidenceRef {
  /** Ledger index of the statement. */
  index: number;
  predicateType: string;
  recordedAt: string;
}

interface Recorded {
  ref: EvidenceRef;
  ci: CiContext;
  repository?: string;
}

export interface DeploymentRecord extends Recorded {
  environment: string;
  commit: string;
  artifacts: { name: string; digest: string }[];
  deployedAt: string;
  pipelineUrl?: string;
}

export interface ScanFindingRecord {
  fingerprint: string;
  ruleId: string;
  severity: RecordedSeverity;
  scanType: string;
  /** `path:line` or a package coordinate. */
  location?: string;
  title?: string;
}

export interface ScanRecord extends Recorded {
  commit: string;
  tool: string;
  format: string;
  scanTypes: string[];
  scannedAt: string;
  /** sha256 of the redacted raw report blob. */
  reportSha256: string;
  summary: Record<RecordedSeverity, number>;
  /** Normalized findings; read from their blob by the loader. */
  findings: ScanFindingRecord[];
}

export interface TestRecord extends Recorded {
  commit: string;
  format: string;
  total: number;
  failed: number;
  errors: number;
  skipped: number;
  passed: boolean;
  reportSha256: string;
}

export interface OverrideRecord extends Recorded {
  ticket: string;
  reason: string;
  approver: string;
  requestedBy?: string;
  commit?: string;
  environment?: string;
  openedAt: string;
  reviewDueAt: string;
}

export interface PostIncidentReviewRecord extends Recorded {
  ticket: string;
  reviewedAt: string;
  reviewer?: string;
  notes?: string;
}

export interface AccessReviewRecord extends Recorded {
  reviewedAt: string;
  signedOffBy: string;
  reviewers: string[];
  systems: string[];
  identitiesReviewed: number;
  accessRemoved: number;
  reportSha256: string;
}

/** A pull/merge request review seen in a CI event (GitHub `pull_request_review`, GitLab approval). */
export interface ApprovalRecord extends Recorded {
  prNumber?: number;
  commit?: string;
  reviewer?: string;
  state: 'approved' | 'changes_requested' | 'commented' | 'dismissed';
  submittedAt: string;
}

export interface GateRecord extends Recorded {
  context: 'pull_request' | 'deploy' | 'other';
  decision: 'pass' | 'fail' | 'override' | 'fail-open';
  commit?: string;
  environment?: string;
  prNumber?: number;
  reasons: string[];
}

/** A forced push to the protected branch seen in a recorded CI push event. */
export interface ForcePushRecord extends Recorded {
  before?: string;
  after?: string;
  gitRef?: string;
  at: string;
}

export interface RecordedEvidence {
  /** Where the evidence was read from. */
  store: string;
  deployments: DeploymentRecord[];
  scans: ScanRecord[];
  tests: TestRecord[];
  overrides: OverrideRecord[];
  reviews: PostIncidentReviewRecord[];
  accessReviews: AccessReviewRecord[];
  approvals: ApprovalRecord[];
  gates: GateRecord[];
  forcePushes: ForcePushRecord[];
  /** Statements that could not be read (malformed predicate), by ledger index. */
  skipped: { index: number; reason: string }[];
}
