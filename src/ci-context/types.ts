/**
 * The CI context captured into every recorded statement: where and why the pipeline ran.
 * Plain data, no secrets: tokens are never read, only the variables named in `capture.ts`.
 */
export type CiSystem = 'github-actions' | 'gitlab-ci' | 'local';

/** Normalized event: GitHub names as they are, GitLab pipeline sources mapped onto them. */
export type CiEvent =
  'pull_request' | 'pull_request_review' | 'push' | 'deployment' | 'schedule' | 'workflow_dispatch' | 'other';

export interface CiPullRequest {
  number: number;
  baseRef?: string;
  baseSha?: string;
  headRef?: string;
  headSha?: string;
  author?: string;
  title?: string;
  url?: string;
}

/** A review carried by the event (GitHub `pull_request_review`, or GitLab's approval flag). */
export interface CiReview {
  state: 'approved' | 'changes_requested' | 'commented' | 'dismissed';
  /** Login of the reviewer, when the CI system names it. */
  reviewer?: string;
  /** Commit the review was given on. */
  commitSha?: string;
  submittedAt?: string;
}

export interface CiContext {
  system: CiSystem;
  /** Raw event / pipeline source name as the CI system spelt it. */
  eventName?: string;
  event: CiEvent;
  /** `owner/repo` (GitHub) or `group/project` (GitLab). */
  repository?: string;
  serverUrl?: string;
  runId?: string;
  runUrl?: string;
  jobUrl?: string;
  /** The commit the pipeline is about: on a pull request, the PR head (not the synthetic merge ref). */
  commit?: string;
  ref?: string;
  actor?: string;
  workflowRef?: string;
  /** Deployment environment of the job (GitLab `environment:`, GitHub deployment event). */
  environment?: string;
  pullRequest?: CiPullRequest;
  review?: CiReview;
  /** For push events: the previous tip and whether the push was forced. */
  push?: { before?: string; after?: string; forced?: boolean };
}
