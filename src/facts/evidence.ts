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
  /**
   * Set when no evidence ledger exists yet (every list is then empty): checks that need recorded
   * evidence say so (`not_available`), checks that only add it to other facts carry on.
   */
  absent?: string;
  /** The assessment window the evidence was read for (absent: the whole ledger). */
  window?: { since: string | null; until: string };
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
  /**
   * How many entries were read from their statements because the ledger's read index had no
   * summary of them (ledgers recorded by an older version): `greenlight ledger reindex` adds them.
   */
  unindexed?: number;
}

// ---------------------------------------------------------------- the ledger itself (EV-1, EV-2)

/** An assessment recorded in the ledger (`greenlight assess`). */
export interface RecordedAssessment {
  seq: number;
  /** When the ledger accepted it. */
  recordedAt: string;
  /** When the assessment ran (its own clock). */
  generatedAt: string;
  subject: string;
  /** The ledger checkpoint the assessment saw when it read its facts, when it read them. */
  checkpoint?: { treeSize: number; rootHash: string };
}

/**
 * What a bounded verification of the ledger found: the newest checkpoint's signature, the
 * Merkle root recomputed from the stored hashes at its size, and a consistency proof from the
 * checkpoint the previous assessment saw to it. A full `greenlight ledger verify` also
 * re-hashes every entry and checks every signature.
 */
export interface LedgerVerification {
  ok: boolean;
  /** What was checked, in words. */
  checked: string[];
  problems: string[];
}

export interface LedgerFacts {
  location: string;
  dialect: 'sqlite' | 'postgres';
  origin: string;
  treeSize: number;
  /** The newest signed checkpoint, when there is one and its signature verifies. */
  checkpoint: { treeSize: number; rootHash: string } | null;
  /** Assessments recorded from a day before the window start (all, without a window), oldest first. */
  assessments: RecordedAssessment[];
  window: { since: string | null; until: string };
  /** Evidence types (`check-result`, `scan`…) greenlight records, for retention checks. */
  evidenceTypes: string[];
  verification: LedgerVerification;
}
