/**
 * The typed facts model shared by every source and every check.
 *
 * Sources fill these types; checks read them and never do I/O. Anything a source could not
 * see is an `Unavailable` value (with a reason the user can act on), never an empty list that
 * would let a check pass.
 */

export interface Location {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column. */
  column?: number;
}

/** A fact that a source could not provide, with a message saying what to grant or fetch. */
export interface Unavailable {
  unavailable: true;
  reason: string;
}

export function unavailable(reason: string): Unavailable {
  return { unavailable: true, reason };
}

export function isUnavailable(value: unknown): value is Unavailable {
  return typeof value === 'object' && value !== null && (value as Unavailable).unavailable === true;
}

/** What an assessment is about. */
export interface Subject {
  kind: 'local' | 'github' | 'gitlab';
  /** Display name: `owner/repo` when a remote is known, else the folder name. */
  name: string;
  /** Absolute path of the checkout, for local subjects. */
  path?: string;
  remoteUrl?: string;
  defaultBranch?: string;
  headSha?: string;
}

// ---------------------------------------------------------------- git history

export type Forge = 'github' | 'gitlab' | 'bitbucket';

/**
 * How a commit reached the branch:
 * - `pr-merge`: a merge commit made by a forge when a pull/merge request was merged;
 * - `forge-squash`: a squash or rebase merge made by the forge (web-flow committer, `(#123)`, `PR-URL:`);
 * - `direct-push`: anything else on the first-parent line, i.e. pushed without a reviewed request;
 * - `bot`: authored and committed by an automation identity (dependabot, renovate, github-actions…);
 * - `merged`: reached the branch as the second-parent side of a merge (reviewed as part of it).
 */
export type CommitKind = 'pr-merge' | 'forge-squash' | 'direct-push' | 'bot' | 'merged';

/** Signature state as `git log %G?` reports it, spelled out. */
export type SignatureStatus =
  'good' | 'bad' | 'unknown-validity' | 'expired' | 'expired-key' | 'revoked-key' | 'cannot-check' | 'none';

export interface Trailer {
  key: string;
  value: string;
}

export interface Commit {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  /** ISO 8601. */
  authoredAt: string;
  committerName: string;
  committerEmail: string;
  /** ISO 8601. */
  committedAt: string;
  subject: string;
  body: string;
  trailers: Trailer[];
  /** True for commits on the first-parent line of the branch. */
  firstParent: boolean;
  kind: CommitKind;
  forge?: Forge;
  prNumber?: number;
  prUrl?: string;
  signature: SignatureStatus;
  signer?: string;
  /** Value of an `Emergency-Change:` trailer, when present. */
  emergency?: string;
  /** Branch the change came from, when the forge's merge message names it. */
  sourceBranch?: string;
  /** The change was authored by an automation identity (for a merge: the merged head's author). */
  botAuthor?: boolean;
}

export interface GitHistory {
  /** Absolute path of the working tree. */
  root: string;
  /** The branch assessed (the default branch, or HEAD's branch). */
  branch: string;
  /** True when HEAD is detached; `branch` then names what was assessed instead. */
  detached: boolean;
  headSha: string | null;
  /** Window start (ISO), or null for the whole history. */
  since: string | null;
  until: string;
  /** A shallow clone: history checks must say so rather than pass. */
  shallow: boolean;
  remotes: { name: string; url: string }[];
  /** Commits reachable from `branch` in the window, newest first. */
  commits: Commit[];
  /** Things the source noticed that limit what checks can conclude (e.g. signatures it could not verify). */
  warnings?: string[];
}

// ---------------------------------------------------------------- CI workflows

export type CiSystem = 'github-actions' | 'gitlab-ci';

/**
 * Normalized trigger names. GitHub event names are kept as they are; GitLab pipeline sources are
 * mapped onto them (`merge_request_event` → `pull_request`, `push` → `push`, `schedule` → `schedule`,
 * `web`/`api`/`trigger` → `workflow_dispatch`).
 */
export interface Trigger {
  event: string;
  branches?: string[];
  types?: string[];
  /** Cron expression, for `schedule`. */
  cron?: string;
  location?: Location;
}

/** `permissions:` as written: a shorthand or a per-scope map. */
export type Permissions = 'read-all' | 'write-all' | 'none' | Record<string, 'read' | 'write' | 'none'>;

export interface Step {
  /** 0-based index within the job. */
  index: number;
  id?: string;
  name?: string;
  /** `uses:` of a GitHub step (action reference), as written. */
  uses?: string;
  /** Shell script of a `run:` step, or a GitLab `script:`/`before_script:`/`after_script:` joined by newlines. */
  run?: string;
  with: Record<string, string>;
  env: Record<string, string>;
  if?: string;
  continueOnError: boolean;
  location: Location;
  /** Where the `run:` value starts, for findings inside a script. */
  runLocation?: Location;
  /** Where each `with:` value starts (e.g. an `actions/github-script` `script:`). */
  withLocations?: Record<string, Location>;
}

export interface Job {
  id: string;
  name?: string;
  location: Location;
  runsOn?: string[];
  /** Job-level `permissions:`, when declared. */
  permissions?: Permissions;
  permissionsLocation?: Location;
  environment?: string;
  needs: string[];
  if?: string;
  /** `continue-on-error: true` (GitHub) or `allow_failure: true` (GitLab). */
  continueOnError: boolean;
  /** A reusable workflow called by the job (`jobs.<id>.uses`). */
  uses?: string;
  /** Container image the job runs in (GitLab `image:`, GitHub `container:`). */
  image?: string;
  /**
   * Events this job is restricted to by `if:` (GitHub) or `rules:`/`only:`/`except:` (GitLab),
   * using normalized trigger names; undefined means every trigger of the workflow.
   */
  events?: string[];
  steps: Step[];
  /** Names of secrets referenced anywhere in the job (`secrets.X`, or GitLab CI/CD variables used). */
  secrets: string[];
  /** `secrets: inherit` on a reusable-workflow call: every secret is passed on. */
  inheritsSecrets?: boolean;
  /** Job-level `env:` (GitHub) or effective `variables:` (GitLab, global merged with the job's). */
  env?: Record<string, string>;
  envLocation?: Location;
  /** `with:` inputs of a reusable-workflow call. */
  with?: Record<string, string>;
  /** Service container images (GitHub `services:`, GitLab `services:`). */
  services?: string[];
  /** GitLab `stage:`. */
  stage?: string;
  /** GitLab `id_tokens:` names (OIDC tokens the job can present). */
  idTokens?: string[];
}

export interface Workflow {
  /** Path relative to the repository root. */
  path: string;
  system: CiSystem;
  name?: string;
  triggers: Trigger[];
  permissions?: Permissions;
  permissionsLocation?: Location;
  jobs: Job[];
  /** Local composite actions (`uses: ./path`) resolved into their steps, keyed by the `uses` value. */
  localActions?: Record<string, { path: string; steps: Step[] }>;
  /** Workflow-level `env:` (GitHub) or global `variables:` (GitLab). */
  env?: Record<string, string>;
  envLocation?: Location;
  /** GitLab `stages:`. */
  stages?: string[];
  /** GitLab `include:` entries; remote, project, template and component includes are not resolved. */
  includes?: WorkflowInclude[];
}

export interface WorkflowInclude {
  kind: 'local' | 'remote' | 'project' | 'template' | 'component' | 'artifact';
  ref: string;
  resolved: boolean;
  location?: Location;
}

export interface WorkflowError {
  path: string;
  line?: number;
  column?: number;
  message: string;
}

export interface WorkflowSet {
  files: Workflow[];
  /** Files that are not valid YAML or not a valid workflow; each becomes a `pipeline.workflow-valid` error. */
  errors: WorkflowError[];
}

// ---------------------------------------------------------------- repository files

export type IacKind = 'terraform' | 'cloudformation' | 'bicep' | 'kubernetes' | 'dockerfile' | 'helm';

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  line: number;
}

export interface Codeowners {
  path: string;
  rules: CodeownersRule[];
  errors: { line: number; message: string }[];
}

export interface SecretFinding {
  ruleId: string;
  message: string;
  path: string;
  line: number;
  column?: number;
  /** Why the matched value is an obvious placeholder (`changeme`, `${VAR}`, an example host…), if it is. */
  placeholder?: string;
}

export interface RepoFiles {
  root: string;
  /** null when no CODEOWNERS file exists in any of the locations forges read. */
  codeowners: Codeowners | null;
  dependencyUpdates: { tool: 'dependabot' | 'renovate'; path: string; ecosystems: string[] }[];
  /** Path of SECURITY.md (root, .github/ or docs/), or null. */
  securityPolicy: string | null;
  iac: { kind: IacKind; path: string }[];
  policies: { engine: string; path: string }[];
  /** Dependency manifests found (package.json, go.mod, requirements.txt…), for SCA applicability. */
  manifests: { ecosystem: string; path: string }[];
  secrets: SecretFinding[] | Unavailable;
  filesScanned: number;
  /** Files not scanned, counted by reason (binary, too-large, symlink…). */
  skipped: Record<string, number>;
  /** `owner/repo` from the origin remote, else the folder name: matched by `scans.classes`. */
  repository?: string;
  /** Configuration files that exist but could not be parsed (dependabot.yml, renovate.json…). */
  parseErrors?: { path: string; line?: number; column?: number; message: string }[];
}

// ---------------------------------------------------------------- the bundle

/** Every kind of fact a check can ask for; sources fill the ones some enabled check needs. */
export interface FactMap {
  git: GitHistory;
  workflows: WorkflowSet;
  repoFiles: RepoFiles;
  github: GithubFacts;
  evidence: RecordedEvidence;
  /** The evidence ledger itself: recorded assessments, checkpoint, bounded verification. */
  ledger: LedgerFacts;
  /** Anomaly runs recorded in the ledger (`greenlight anomalies --notify`). */
  anomalies: AnomalyFacts;
}

export type FactKey = keyof FactMap;

/** What the engine hands to the evaluation step: each fact collected, or why it could not be. */
export type CollectedFacts = { [K in FactKey]?: FactMap[K] | Unavailable };

import type { GithubFacts } from './github.js';
export * from './github.js';

import type { LedgerFacts, RecordedEvidence } from './evidence.js';
export * from './evidence.js';
export * from './scans.js';

import type { AnomalyFacts } from './anomalies.js';
export * from './anomalies.js';
