import type { Config } from '../config/index.js';
import type { CommitKind, GitHistory, RecordedEvidence } from '../facts/index.js';

/** The forge view of a merged pull request, when a forge source provides it (GitHub facts fit). */
export interface ForgePullRequest {
  number: number;
  title: string;
  body: string;
  url: string;
  author: string | null;
  mergedAt: string;
  headSha: string;
  mergeCommitSha: string | null;
  labels: string[];
  lastPusher: string | null;
  reviews: { author: string | null; state: string; submittedAt: string | null; commitSha: string | null }[];
  checks: { name: string; conclusion: string | null }[];
  checkState: string | null;
}

export interface PopulationInput {
  git: GitHistory;
  evidence: RecordedEvidence;
  /** Merged pull requests from the forge, when available. */
  pullRequests?: readonly ForgePullRequest[];
  config: Config;
  /** Evaluation instant (review due dates are judged against it). */
  now: Date;
  since: Date | null;
  until: Date;
  /** `owner/repo`; evidence recorded for another repository is ignored. */
  repository?: string;
  /** Environments whose deployments count as production (default: production, prod). */
  protectedEnvironments?: readonly string[];
}

export type ChangeStatus = 'compliant' | 'excepted' | 'deviation';

export interface ChangeApproval {
  by: string | null;
  at: string;
  source: 'forge' | 'ci' | 'trailer';
  onHead: boolean;
  beforeMerge: boolean;
  /** Neither the author nor the last pusher; null when the approver is not named. */
  independent: boolean | null;
}

export interface ChangeEmergency {
  source: 'trailer' | 'override' | 'label';
  ticket?: string;
  reason?: string;
  approver?: string;
  openedAt: string;
  dueAt: string;
  reviewedAt?: string;
  reviewState: 'reviewed' | 'reviewed-late' | 'open' | 'overdue';
}

export interface ChangeDeployment {
  environment: string;
  commit: string;
  deployedAt: string;
  index: number;
}

export interface ChangeScan {
  tool: string;
  scanTypes: string[];
  commit: string;
  scannedAt: string;
  index: number;
  blocking: number;
}

export interface ChangeRow {
  /** The commit that reached the branch (merge, squash or pushed commit). */
  commit: string;
  repository: string;
  kind: CommitKind | 'force-push';
  mergedAt: string;
  title: string;
  pr: number | null;
  prUrl: string | null;
  author: string;
  /** The reviewed head commit, when known. */
  headSha: string | null;
  lastPusher: string | null;
  approvals: ChangeApproval[];
  /** An approval on the head, before the merge, by someone else: true/false, or null when no approval data exists. */
  independentApproval: boolean | null;
  checks: { name: string; conclusion: string | null; source: 'forge' | 'tests' | 'gate'; index?: number }[];
  /** Checks and recorded tests on the head were green: true/false, or null when none were seen. */
  checksPassed: boolean | null;
  ticket: string | null;
  emergency: ChangeEmergency | null;
  deployments: ChangeDeployment[];
  scans: ChangeScan[];
  status: ChangeStatus;
  reasons: string[];
  /** Ledger indexes of every statement about this change (for the sample's evidence folder). */
  evidence: number[];
}

export interface OffBranchDeployment {
  environment: string;
  commit: string;
  deployedAt: string;
  index: number;
  /** Set by `changes` when the commit is on the branch but committed before the window start. */
  olderThanWindow?: boolean;
}

export interface Population {
  repository: string;
  branch: string;
  since: string | null;
  until: string;
  rows: ChangeRow[];
  /** Production deployments in the window whose commit is not on the branch history read. */
  offBranchDeployments: OffBranchDeployment[];
  /** Production deployments in the window and the changes each shipped. */
  deployments: (ChangeDeployment & { changes: string[] })[];
  /** Sources of approval data seen at all (empty: approvals cannot be judged). */
  approvalSources: ('forge' | 'ci' | 'trailer')[];
  warnings: string[];
}
