/**
 * Every check of the catalog: its stable public id, control, fact sources and default severity.
 * The one place a check's severity and control are written: `defineCheck` takes them from here.
 */
export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface CatalogCheck {
  id: string;
  control: string;
  sources: string[];
  severity: Severity;
  /** When the check passes, in the catalog's words. */
  passesWhen: string;
}

export const CHECKS: readonly CatalogCheck[] = [
  {
    id: 'branch.protected',
    control: 'CM-1',
    sources: ['github', 'gitlab'],
    severity: 'high',
    passesWhen:
      'default branch (and release branches matched by config) is protected by active classic rules or rulesets',
  },
  {
    id: 'branch.pr-required',
    control: 'CM-1',
    sources: ['github', 'gitlab'],
    severity: 'high',
    passesWhen: 'a pull/merge request is required to change it',
  },
  {
    id: 'branch.no-bypass',
    control: 'CM-1',
    sources: ['github', 'gitlab'],
    severity: 'high',
    passesWhen: 'rules apply to admins; ruleset bypass actors only a configured break-glass team',
  },
  {
    id: 'branch.no-force-push',
    control: 'CM-1',
    sources: ['github', 'gitlab'],
    severity: 'high',
    passesWhen: 'force pushes and branch deletion are blocked',
  },
  {
    id: 'change.no-direct-push',
    control: 'CM-1',
    sources: ['git', 'github', 'gitlab'],
    severity: 'high',
    passesWhen:
      'no commit reached the branch in the window except through a merged PR (each direct push is listed)',
  },
  {
    id: 'branch.approvals-required',
    control: 'CM-2',
    sources: ['github', 'gitlab'],
    severity: 'high',
    passesWhen: 'at least N approvals required (default 1)',
  },
  {
    id: 'branch.stale-approvals-dismissed',
    control: 'CM-2',
    sources: ['github', 'gitlab'],
    severity: 'medium',
    passesWhen: 'new pushes dismiss approvals, or last-push approval is required',
  },
  {
    id: 'branch.codeowners-review',
    control: 'CM-2',
    sources: ['github', 'gitlab', 'repo-files'],
    severity: 'medium',
    passesWhen: 'code-owner review required and CODEOWNERS exists, parses, and names real owners',
  },
  {
    id: 'change.independent-approval',
    control: 'CM-2',
    sources: ['github', 'gitlab', 'git'],
    severity: 'high',
    passesWhen:
      'every merged change has an approval by someone who is neither its author nor its last pusher, given on the merged head and before the merge',
  },
  {
    id: 'pipeline.actions-cannot-approve',
    control: 'CM-2',
    sources: ['github'],
    severity: 'high',
    passesWhen: 'workflows cannot create or approve pull requests',
  },
  {
    id: 'branch.status-checks-required',
    control: 'CM-3',
    sources: ['github', 'gitlab'],
    severity: 'high',
    passesWhen: 'required status checks are configured (and branches must be up to date)',
  },
  {
    id: 'pipeline.tests-run',
    control: 'CM-3',
    sources: ['workflows'],
    severity: 'medium',
    passesWhen: 'CI runs a test step on pull requests',
  },
  {
    id: 'change.checks-passed',
    control: 'CM-3',
    sources: ['github', 'gitlab'],
    severity: 'high',
    passesWhen: 'every merged change had its required checks green on its head commit',
  },
  {
    id: 'change.ticket-linked',
    control: 'CM-4',
    sources: ['git', 'github', 'gitlab'],
    severity: 'medium',
    passesWhen: 'title, body, branch or commit links a ticket matching the configured pattern',
  },
  {
    id: 'change.emergency-reviewed',
    control: 'CM-5',
    sources: ['git', 'ledger'],
    severity: 'high',
    passesWhen:
      'every emergency change (override, label or `Emergency-Change:` trailer) has a recorded post-incident review within the configured days (default 7)',
  },
  {
    id: 'deploy.traceable',
    control: 'CM-6',
    sources: ['ledger', 'github', 'gitlab'],
    severity: 'high',
    passesWhen: 'every production deployment ships only commits that passed CM-1..CM-3',
  },
  {
    id: 'deploy.environment-protected',
    control: 'CM-6',
    sources: ['github', 'gitlab'],
    severity: 'high',
    passesWhen:
      'the production environment requires reviewers (self-review prevented) or a branch policy, and admins cannot bypass',
  },
  {
    id: 'branch.linear-history',
    control: 'CM-7',
    sources: ['github', 'gitlab'],
    severity: 'low',
    passesWhen: 'linear history required',
  },
  {
    id: 'branch.signed-commits',
    control: 'CM-7',
    sources: ['github', 'gitlab'],
    severity: 'low',
    passesWhen: 'signed commits required',
  },
  {
    id: 'change.signed-commits',
    control: 'CM-7',
    sources: ['git'],
    severity: 'low',
    passesWhen: 'share of commits with a valid signature meets the configured floor',
  },
  {
    id: 'org.mfa-required',
    control: 'AC-1',
    sources: ['github', 'gitlab'],
    severity: 'critical',
    passesWhen: 'the organisation requires two-factor authentication',
  },
  {
    id: 'org.members-mfa',
    control: 'AC-1',
    sources: ['github', 'gitlab'],
    severity: 'high',
    passesWhen: 'no member or outside collaborator lacks 2FA',
  },
  {
    id: 'org.sso-enforced',
    control: 'AC-1',
    sources: ['github', 'gitlab'],
    severity: 'medium',
    passesWhen: 'SAML/OIDC single sign-on is enforced (not_available where the plan has none)',
  },
  {
    id: 'org.base-permission-restricted',
    control: 'AC-2',
    sources: ['github', 'gitlab'],
    severity: 'high',
    passesWhen: 'default repository permission is none or read',
  },
  {
    id: 'org.admin-count',
    control: 'AC-2',
    sources: ['github', 'gitlab'],
    severity: 'medium',
    passesWhen: 'owners ≤ configured maximum (default 3)',
  },
  {
    id: 'repo.admin-count',
    control: 'AC-2',
    sources: ['github', 'gitlab'],
    severity: 'low',
    passesWhen: 'direct repository admins ≤ configured maximum',
  },
  {
    id: 'org.outside-collaborators-restricted',
    control: 'AC-2',
    sources: ['github', 'gitlab'],
    severity: 'medium',
    passesWhen: 'no outside collaborator has write or admin unless excepted',
  },
  {
    id: 'org.repo-creation-restricted',
    control: 'AC-2',
    sources: ['github', 'gitlab'],
    severity: 'medium',
    passesWhen: 'members cannot create public repositories',
  },
  {
    id: 'org.repo-deletion-restricted',
    control: 'AC-2',
    sources: ['github', 'gitlab'],
    severity: 'medium',
    passesWhen: 'members cannot delete or transfer repositories',
  },
  {
    id: 'access.stale-members',
    control: 'AC-2',
    sources: ['github', 'gitlab'],
    severity: 'low',
    passesWhen: 'no member or admin inactive longer than the configured days (default 180)',
  },
  {
    id: 'access.review-recorded',
    control: 'AC-3',
    sources: ['ledger'],
    severity: 'medium',
    passesWhen:
      'an access review of source-control and CI/CD identities was recorded within the configured days (default 90)',
  },
  {
    id: 'pipeline.default-token-read-only',
    control: 'CI-1',
    sources: ['github'],
    severity: 'medium',
    passesWhen: 'default workflow token permission is read-only (org and repo)',
  },
  {
    id: 'pipeline.permissions-declared',
    control: 'CI-1',
    sources: ['workflows'],
    severity: 'medium',
    passesWhen:
      'each workflow sets `permissions:`; no `write-all`; write scopes only at job level where needed',
  },
  {
    id: 'pipeline.oidc-federation',
    control: 'CI-1',
    sources: ['workflows'],
    severity: 'high',
    passesWhen: 'cloud deploys authenticate with OIDC federation, not long-lived keys read from secrets',
  },
  {
    id: 'secrets.rotated',
    control: 'CI-1',
    sources: ['github', 'gitlab'],
    severity: 'medium',
    passesWhen: 'every CI secret was updated within the configured days (default 365)',
  },
  {
    id: 'deploy-keys.read-only',
    control: 'CI-1',
    sources: ['github', 'gitlab'],
    severity: 'medium',
    passesWhen: 'deploy keys are read-only unless excepted',
  },
  {
    id: 'runners.restricted',
    control: 'CI-1',
    sources: ['github', 'gitlab'],
    severity: 'high',
    passesWhen: 'self-hosted runners are not available to public or all repositories',
  },
  {
    id: 'pipeline.no-dangerous-triggers',
    control: 'CI-2',
    sources: ['workflows'],
    severity: 'critical',
    passesWhen: 'no `pull_request_target` / `workflow_run` job checks out and runs untrusted head code',
  },
  {
    id: 'pipeline.no-script-injection',
    control: 'CI-2',
    sources: ['workflows'],
    severity: 'high',
    passesWhen:
      'no attacker-controlled `${{ }}` expression (PR title, body, branch name, comment…) is expanded inside `run:`',
  },
  {
    id: 'pipeline.actions-pinned',
    control: 'CI-2',
    sources: ['workflows'],
    severity: 'high',
    passesWhen: 'third-party actions are pinned to a full commit SHA',
  },
  {
    id: 'pipeline.allowed-actions-restricted',
    control: 'CI-2',
    sources: ['github'],
    severity: 'medium',
    passesWhen: 'the organisation allows only selected or verified actions',
  },
  {
    id: 'org.webhooks-secured',
    control: 'CI-2',
    sources: ['github', 'gitlab'],
    severity: 'low',
    passesWhen: 'webhooks use a secret and verify TLS',
  },
  {
    id: 'scan.iac',
    control: 'CI-3',
    sources: ['workflows', 'repo-files'],
    severity: 'high',
    passesWhen:
      'where IaC exists (Terraform, CloudFormation, Bicep, Kubernetes, Dockerfile), an IaC scanner runs on pull requests',
  },
  {
    id: 'policy.as-code',
    control: 'CI-3',
    sources: ['workflows', 'repo-files'],
    severity: 'low',
    passesWhen: 'a policy engine (OPA/Conftest, Gatekeeper, Kyverno, Sentinel) is enforced in the pipeline',
  },
  {
    id: 'scan.sast',
    control: 'VM-1',
    sources: ['workflows', 'github'],
    severity: 'high',
    passesWhen: 'a SAST tool runs on pull requests (or code scanning is enabled)',
  },
  {
    id: 'scan.sca',
    control: 'VM-2',
    sources: ['workflows', 'github'],
    severity: 'high',
    passesWhen:
      'dependency scanning runs on pull requests and on a daily schedule (or Dependabot alerts are on)',
  },
  {
    id: 'scan.dependency-updates',
    control: 'VM-2',
    sources: ['repo-files'],
    severity: 'medium',
    passesWhen: 'Dependabot or Renovate is configured',
  },
  {
    id: 'scan.container',
    control: 'VM-3',
    sources: ['workflows'],
    severity: 'high',
    passesWhen: 'where images are built, an image scanner runs on build and daily',
  },
  {
    id: 'scan.secrets',
    control: 'VM-4',
    sources: ['workflows', 'github'],
    severity: 'high',
    passesWhen: 'secret detection runs on every push/PR, or push protection is enabled',
  },
  {
    id: 'secrets.none-committed',
    control: 'VM-4',
    sources: ['repo-files'],
    severity: 'critical',
    passesWhen: 'no hardcoded credential is found in the tree',
  },
  {
    id: 'scan.dast',
    control: 'VM-5',
    sources: ['workflows'],
    severity: 'medium',
    passesWhen: 'where a staging deploy exists, a DAST tool runs against it',
  },
  {
    id: 'scan.required',
    control: 'VM-6',
    sources: ['workflows', 'github', 'gitlab'],
    severity: 'high',
    passesWhen: 'the scan jobs are required status checks on the protected branch',
  },
  {
    id: 'vuln.sla',
    control: 'VM-7',
    sources: ['ledger', 'github', 'gitlab'],
    severity: 'high',
    passesWhen:
      'no finding open past its SLA (default critical 7, high 30, medium 90, low 180 days from first detection); findings fixed late are reported as deviations of the window',
  },
  {
    id: 'audit-log.streaming',
    control: 'MO-1',
    sources: ['github', 'gitlab'],
    severity: 'high',
    passesWhen: 'org audit log streaming to a SIEM is configured, or greenlight ingests audit events daily',
  },
  {
    id: 'anomaly.detection',
    control: 'MO-2',
    sources: ['ledger'],
    severity: 'medium',
    passesWhen: 'anomaly rules are enabled and their alerts have a destination',
  },
  {
    id: 'evidence.continuous',
    control: 'EV-1',
    sources: ['ledger'],
    severity: 'high',
    passesWhen: 'an assessment was recorded at least daily across the window',
  },
  {
    id: 'evidence.retention',
    control: 'EV-2',
    sources: ['ledger'],
    severity: 'high',
    passesWhen: 'retention ≥ audit cycle + 1 year for every evidence type, and the ledger verifies',
  },
  {
    id: 'evidence.complete',
    control: 'EV-3',
    sources: ['ledger', 'git'],
    severity: 'high',
    passesWhen: '≥ 99% of changes in the window have their full chain (PR, approval, checks, deploy)',
  },
  {
    id: 'repo.security-policy',
    control: 'EV-3',
    sources: ['repo-files'],
    severity: 'low',
    passesWhen: 'SECURITY.md exists',
  },
  {
    id: 'pipeline.workflow-valid',
    control: 'CI-2',
    sources: ['workflows'],
    severity: 'medium',
    passesWhen:
      'every workflow file is valid YAML and a valid workflow, so the other pipeline checks can read it',
  },
];
