/**
 * GitHub facts: organisation settings, access, repositories, effective branch protection,
 * pipeline settings, security alerts and the merged-change history of the window.
 *
 * Every part the token could not read is an `Unavailable` whose reason names the endpoint and the
 * exact permission or plan needed, so a check can say `not_available` instead of passing.
 */
import type { Unavailable } from './index.js';

/** A value, or why it could not be read. */
export type Maybe<T> = T | Unavailable;

export type RepoPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

export interface GithubOrgSettings {
  login: string;
  /** Plan name (`free`, `team`, `enterprise`…); owners only. */
  plan: Maybe<string>;
  /** The organisation's domain is verified. */
  verified: boolean | null;
  twoFactorRequired: Maybe<boolean>;
  /** `none` | `read` | `write` | `admin`. */
  defaultRepositoryPermission: Maybe<string>;
  membersCanCreatePublicRepositories: Maybe<boolean>;
  membersCanCreateRepositories: Maybe<boolean>;
  membersCanDeleteRepositories: Maybe<boolean>;
  membersCanChangeRepoVisibility: Maybe<boolean>;
  /** SAML single sign-on: whether an identity provider is configured (enforcement is not exposed). */
  samlSso: Maybe<{ configured: boolean }>;
}

export interface GithubMember {
  login: string;
  role: 'admin' | 'member';
}

export interface GithubOutsideCollaborator {
  login: string;
  /** Direct access per repository, from the repositories assessed. */
  repositories: { repository: string; permission: RepoPermission }[];
}

export interface GithubCollaborator {
  login: string;
  permission: RepoPermission;
  outside: boolean;
}

export interface WorkflowTokenPermissions {
  defaultWorkflowPermissions: 'read' | 'write';
  canApprovePullRequestReviews: boolean;
}

export interface GithubActionsPolicy {
  /** Which repositories may run Actions. */
  enabledRepositories: 'all' | 'none' | 'selected';
  /** `all`, `local_only` or `selected`; null when Actions are disabled. */
  allowedActions: 'all' | 'local_only' | 'selected' | null;
  /** When `selected`: what is allowed besides local actions. */
  selected: Maybe<{
    githubOwnedAllowed: boolean;
    verifiedAllowed: boolean;
    patternsAllowed: string[];
  }> | null;
  shaPinningRequired: boolean | null;
}

export interface GithubSecret {
  name: string;
  scope: 'organization' | 'repository';
  /** `owner/repo` for repository secrets. */
  repository?: string;
  /** Organisation secrets: `all`, `private` or `selected`. */
  visibility?: string;
  createdAt: string;
  updatedAt: string;
}

export interface GithubRunnerGroup {
  id: number;
  name: string;
  /** `all`, `selected` or `private`. */
  visibility: string;
  default: boolean;
  allowsPublicRepositories: boolean;
  restrictedToWorkflows: boolean;
  /** Self-hosted runners in the group. */
  runners: number;
}

export interface GithubWebhook {
  id: number;
  scope: 'organization' | 'repository';
  repository?: string;
  /** Host of the payload URL only: the rest may embed credentials. */
  host: string;
  /** The payload URL uses https. */
  https: boolean;
  active: boolean;
  events: string[];
  hasSecret: boolean;
  insecureSsl: boolean;
}

export interface BypassActor {
  /** `OrganizationAdmin`, `RepositoryRole`, `Team`, `Integration`, `DeployKey`, `User`. */
  actorType: string;
  actorId: number | null;
  /** `always`, `pull_request` or `exempt`. */
  bypassMode: string;
  /** Human name when known: a team slug, `admin`, an app slug, a login. */
  name: string;
}

/** The rules one protection source enforces on a branch. */
export interface ProtectionRules {
  pullRequest: boolean;
  requiredApprovals: number;
  dismissStaleReviews: boolean;
  requireLastPushApproval: boolean;
  requireCodeOwnerReview: boolean;
  statusChecks: string[];
  strictStatusChecks: boolean;
  blockForcePushes: boolean;
  blockDeletions: boolean;
  linearHistory: boolean;
  signedCommits: boolean;
}

export interface ProtectionSource {
  kind: 'classic' | 'ruleset';
  /** `classic protection` or the ruleset's name. */
  name: string;
  rulesetId?: number;
  /** Where a ruleset is defined. */
  origin?: 'organization' | 'repository' | 'enterprise';
  /** Only `active` sources protect; `evaluate` is report-only. */
  enforcement: 'active' | 'evaluate' | 'disabled';
  rules: ProtectionRules;
  /** Who may skip this source's rules (classic: admins unless enforced, plus PR bypass allowances). */
  bypass: Maybe<BypassActor[]>;
}

/** Classic protection and rulesets merged: a rule holds when any active source enforces it. */
export interface EffectiveProtection {
  branch: string;
  /** An active source enforces at least one rule. */
  protected: boolean;
  sources: ProtectionSource[];
  effective: ProtectionRules;
  /** Parts that could not be read, so a missing rule may still exist there. */
  gaps: Unavailable[];
}

export interface GithubEnvironment {
  name: string;
  requiredReviewers: { type: 'User' | 'Team'; name: string }[];
  preventSelfReview: boolean;
  waitTimerMinutes: number;
  /** Deployment branch policy: protected branches only, custom patterns, or none. */
  branchPolicy: Maybe<{ protectedBranches: boolean; customPolicies: boolean } | null>;
  canAdminsBypass: Maybe<boolean>;
}

export interface GithubDeployKey {
  title: string;
  readOnly: boolean;
  createdAt: string;
}

export interface GithubSecurityAndAnalysis {
  advancedSecurity: boolean | null;
  secretScanning: boolean | null;
  pushProtection: boolean | null;
  dependabotSecurityUpdates: boolean | null;
}

export type AlertTool = 'dependabot' | 'code-scanning' | 'secret-scanning';

export interface GithubAlert {
  tool: AlertTool;
  number: number;
  /** Normalized: `open`, `fixed` or `dismissed` (secret scanning `resolved` maps to `fixed`/`dismissed`). */
  state: 'open' | 'fixed' | 'dismissed';
  severity: 'critical' | 'high' | 'medium' | 'low' | null;
  title: string;
  createdAt: string;
  fixedAt: string | null;
  dismissedAt: string | null;
  url: string;
}

export interface GithubReview {
  author: string | null;
  /** `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED`, `PENDING`. */
  state: string;
  submittedAt: string | null;
  /** The head commit the review was given on. */
  commitSha: string | null;
}

export interface GithubCheck {
  name: string;
  kind: 'check-run' | 'status';
  /** Check runs: `COMPLETED`, `IN_PROGRESS`…; statuses: their state. */
  status: string;
  /** `SUCCESS`, `FAILURE`, `NEUTRAL`, `SKIPPED`…, or null while running. */
  conclusion: string | null;
  completedAt: string | null;
}

export interface GithubPullRequest {
  number: number;
  title: string;
  body: string;
  url: string;
  author: string | null;
  createdAt: string;
  mergedAt: string;
  mergedBy: string | null;
  baseRef: string;
  headRef: string;
  headSha: string;
  mergeCommitSha: string | null;
  labels: string[];
  /** Who pushed the head last: a force-pusher, or the author of the last commit. */
  lastPusher: string | null;
  reviews: GithubReview[];
  /** Check runs and commit statuses on the head commit. */
  checks: GithubCheck[];
  /** Overall state of the head commit's checks (`SUCCESS`, `FAILURE`, `PENDING`…), or null when none ran. */
  checkState: string | null;
}

export interface GithubDeployment {
  id: number;
  environment: string;
  createdAt: string;
  sha: string;
  ref: string | null;
  creator: string | null;
  /** Latest status state (`SUCCESS`, `FAILURE`, `INACTIVE`…), or null. */
  state: string | null;
}

export interface GithubRepository {
  /** `owner/name`. */
  fullName: string;
  name: string;
  visibility: 'public' | 'private' | 'internal';
  archived: boolean;
  fork: boolean;
  defaultBranch: string;
  pushedAt: string | null;
  /** Effective protection of the default branch (first) and the release branches in scope. */
  branches: { branch: string; protection: Maybe<EffectiveProtection> }[];
  workflowPermissions: Maybe<WorkflowTokenPermissions & { inheritedFromOrganization: boolean }>;
  collaborators: Maybe<GithubCollaborator[]>;
  environments: Maybe<GithubEnvironment[]>;
  deployKeys: Maybe<GithubDeployKey[]>;
  secrets: Maybe<GithubSecret[]>;
  webhooks: Maybe<GithubWebhook[]>;
  securityAndAnalysis: Maybe<GithubSecurityAndAnalysis>;
  dependabotAlertsEnabled: Maybe<boolean>;
  /** Code scanning is set up (default setup, or analyses that produced alerts or checks). */
  codeScanning: Maybe<{ enabled: boolean; evidence: string }>;
  alerts: { [T in AlertTool]: Maybe<GithubAlert[]> };
  /** CODEOWNERS errors GitHub reports; null when not fetched (no code-owner review required). */
  codeownersErrors: Maybe<{ path: string; line: number; kind: string; message: string }[]> | null;
  /** Pull requests merged in the window, newest first. */
  pullRequests: Maybe<GithubPullRequest[]>;
  deployments: Maybe<GithubDeployment[]>;
}

export interface GithubAuditLog {
  /** The audit-log API answers (GitHub Enterprise Cloud, `read:audit_log`). */
  api: Maybe<{ latestEventAt: string | null }>;
  /** Configured streams to a SIEM (enterprise owners only). */
  streams: Maybe<{ type: string; enabled: boolean }[]>;
  /** Last audit-log event per actor since `since`; `complete` is false when reading stopped early. */
  lastActivity: Maybe<{ since: string; complete: boolean; byActor: Record<string, string> }>;
}

export interface GithubFacts {
  /** API base URL (api.github.com or an Enterprise Server). */
  apiUrl: string;
  org: string;
  /** The whole organisation, or one repository. */
  scope: { kind: 'organization' } | { kind: 'repository'; repository: string };
  /** How greenlight authenticated (never the token itself). */
  auth: { kind: 'token' | 'app'; scopes: string[] | null };
  window: { since: string | null; until: string };
  settings: Maybe<GithubOrgSettings>;
  members: Maybe<GithubMember[]>;
  /** Members with two-factor authentication disabled (owners only). */
  membersWithout2fa: Maybe<string[]>;
  outsideCollaborators: Maybe<GithubOutsideCollaborator[]>;
  outsideCollaboratorsWithout2fa: Maybe<string[]>;
  actions: Maybe<GithubActionsPolicy>;
  workflowPermissions: Maybe<WorkflowTokenPermissions>;
  secrets: Maybe<GithubSecret[]>;
  runnerGroups: Maybe<GithubRunnerGroup[]>;
  webhooks: Maybe<GithubWebhook[]>;
  auditLog: GithubAuditLog;
  repositories: GithubRepository[];
  /** API requests made and conditional requests answered 304. */
  stats: { requests: number; notModified: number; rateLimitRemaining: number | null };
}

// ---------------------------------------------------------------- helpers for checks (pure)

/** Repositories in scope that are not archived. */
/** Whether a login is a bot (`name[bot]`, as REST and this model spell bots) or GitHub Actions. */
export function isBotLogin(login: string | null): boolean {
  return login !== null && (/\[bot\]$/i.test(login) || login.toLowerCase() === 'github-actions');
}

/**
 * The reviews that stand: each reviewer's latest APPROVED, CHANGES_REQUESTED or DISMISSED review
 * (a later change request or dismissal supersedes an approval; a comment does not). Reviews of
 * deleted accounts (author null) are kept as they are.
 */
export function standingReviews(reviews: GithubReview[]): GithubReview[] {
  const decisive = reviews.filter((r) =>
    ['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED'].includes(r.state.toUpperCase()),
  );
  const latest = new Map<string, GithubReview>();
  const anonymous: GithubReview[] = [];
  for (const r of decisive) {
    if (r.author === null) {
      anonymous.push(r);
      continue;
    }
    const prev = latest.get(r.author);
    if (!prev || (prev.submittedAt ?? '') <= (r.submittedAt ?? '')) latest.set(r.author, r);
  }
  return [...latest.values(), ...anonymous];
}

export function liveRepositories(f: GithubFacts): GithubRepository[] {
  return f.repositories.filter((r) => !r.archived);
}

export interface BranchView {
  repository: GithubRepository;
  branch: string;
  /** `owner/repo@branch`. */
  resource: string;
  protection: Maybe<EffectiveProtection>;
}

/** The default branch and release branches of every live repository. */
export function branchesInScope(f: GithubFacts): BranchView[] {
  return liveRepositories(f).flatMap((repository) =>
    repository.branches.map((b) => ({
      repository,
      branch: b.branch,
      resource: `${repository.fullName}@${b.branch}`,
      protection: b.protection,
    })),
  );
}

/** Names of the active sources enforcing a rule, e.g. `classic branch protection`, `ruleset "main"`. */
export function enforcedBy(p: EffectiveProtection, holds: (r: ProtectionRules) => boolean): string[] {
  return p.sources
    .filter((s) => s.enforcement === 'active' && holds(s.rules))
    .map((s) => (s.kind === 'classic' ? s.name : `${s.origin ?? 'repository'} ruleset "${s.name}"`));
}

/** Why a missing rule may still exist: the parts of the protection that could not be read. */
export function gapReason(p: EffectiveProtection): string {
  return p.gaps.map((g) => g.reason).join('; ');
}

/** The protection of a repository's default branch, if read. */
export function defaultProtection(r: GithubRepository): Maybe<EffectiveProtection> | undefined {
  return r.branches.find((b) => b.branch === r.defaultBranch)?.protection;
}

export interface AlertSlaBreach {
  repository: string;
  alert: GithubAlert;
  severity: 'critical' | 'high' | 'medium' | 'low';
  slaDays: number;
  /** Open past its SLA (`open`), or fixed late inside the window (`fixed-late`: a deviation of the period). */
  kind: 'open' | 'fixed-late';
  days: number;
}

export interface AlertSlaReport {
  repository: string;
  /** Why no alert source of the repository could be read; null when at least one was. */
  unavailable: string | null;
  notRead: AlertTool[];
  breaches: AlertSlaBreach[];
  /** Alerts open or fixed within their SLA. */
  inSla: number;
}

/**
 * The GitHub half of `vuln.sla`: Dependabot, code-scanning and secret-scanning alerts of each live
 * repository measured against the SLA days (an alert without severity counts as medium). Pure;
 * the check decides outcomes.
 */
export function alertSla(
  f: GithubFacts,
  sla: Record<'critical' | 'high' | 'medium' | 'low', number>,
  now: Date,
): AlertSlaReport[] {
  const tools: AlertTool[] = ['dependabot', 'code-scanning', 'secret-scanning'];
  const day = 86_400_000;
  const since = f.window.since;
  return liveRepositories(f).map((r) => {
    const report: AlertSlaReport = {
      repository: r.fullName,
      unavailable: null,
      notRead: [],
      breaches: [],
      inSla: 0,
    };
    const reasons: string[] = [];
    for (const tool of tools) {
      const alerts = r.alerts[tool];
      if ('unavailable' in alerts) {
        report.notRead.push(tool);
        reasons.push(alerts.reason);
        continue;
      }
      for (const a of alerts) {
        const severity = a.severity ?? 'medium';
        const slaDays = sla[severity];
        if (a.state === 'open') {
          const days = Math.floor((now.getTime() - Date.parse(a.createdAt)) / day);
          if (days > slaDays)
            report.breaches.push({ repository: r.fullName, alert: a, severity, slaDays, kind: 'open', days });
          else report.inSla++;
        } else if (a.state === 'fixed' && a.fixedAt) {
          const days = Math.floor((Date.parse(a.fixedAt) - Date.parse(a.createdAt)) / day);
          if (days > slaDays && (!since || a.fixedAt >= since))
            report.breaches.push({
              repository: r.fullName,
              alert: a,
              severity,
              slaDays,
              kind: 'fixed-late',
              days,
            });
          else report.inSla++;
        }
      }
    }
    if (report.notRead.length === tools.length) report.unavailable = reasons.join('; ');
    return report;
  });
}

/** `owner/name` named by a git remote URL (https, ssh or scp-like), or undefined. */
export function remoteRepositoryName(url: string): string | undefined {
  return /[:/]([^/:]+\/[^/]+?)(?:\.git)?\/?$/.exec(url.trim())?.[1];
}

/**
 * The repository of the GitHub facts that an assessment of one checkout is about: the one its
 * `origin` remote (else its first remote) names, else one of the subject's names names, else the
 * repository the GitHub source was scoped to, else the only one read when nothing names another.
 * Undefined when none matches: the GitHub facts then say nothing about this checkout.
 */
export function subjectRepository(
  f: GithubFacts,
  hints: { remotes?: readonly { name: string; url: string }[]; names?: readonly (string | undefined)[] },
): GithubRepository | undefined {
  const remote = hints.remotes?.find((r) => r.name === 'origin') ?? hints.remotes?.[0];
  const names = [remote && remoteRepositoryName(remote.url), ...(hints.names ?? [])]
    .filter((n): n is string => !!n && n.includes('/'))
    .map((n) => n.toLowerCase());
  for (const name of names) {
    const hit = f.repositories.find((r) => r.fullName.toLowerCase() === name);
    if (hit) return hit;
  }
  if (f.scope.kind === 'repository') {
    const scoped = f.scope.repository.toLowerCase();
    return f.repositories.find((r) => r.fullName.toLowerCase() === scoped);
  }
  return names.length === 0 && f.repositories.length === 1 ? f.repositories[0] : undefined;
}
