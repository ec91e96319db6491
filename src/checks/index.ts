/**
 * The registry: every check, imported explicitly. A meta-test walks this list and fails when a
 * check lacks tests, a remediation, or a control of the catalog.
 */
import type { AnyCheck } from './define-check.js';
// GitHub-sourced checks.
import branchProtected from './branch.protected/index.js';
import branchPrRequired from './branch.pr-required/index.js';
import branchNoBypass from './branch.no-bypass/index.js';
import branchNoForcePush from './branch.no-force-push/index.js';
import branchApprovalsRequired from './branch.approvals-required/index.js';
import branchStaleApprovalsDismissed from './branch.stale-approvals-dismissed/index.js';
import branchStatusChecksRequired from './branch.status-checks-required/index.js';
import branchLinearHistory from './branch.linear-history/index.js';
import branchSignedCommits from './branch.signed-commits/index.js';
import orgMfaRequired from './org.mfa-required/index.js';
import orgMembersMfa from './org.members-mfa/index.js';
import orgSsoEnforced from './org.sso-enforced/index.js';
import orgBasePermissionRestricted from './org.base-permission-restricted/index.js';
import orgAdminCount from './org.admin-count/index.js';
import orgOutsideCollaboratorsRestricted from './org.outside-collaborators-restricted/index.js';
import orgRepoCreationRestricted from './org.repo-creation-restricted/index.js';
import orgRepoDeletionRestricted from './org.repo-deletion-restricted/index.js';
import orgWebhooksSecured from './org.webhooks-secured/index.js';
import repoAdminCount from './repo.admin-count/index.js';
import accessStaleMembers from './access.stale-members/index.js';
import pipelineDefaultTokenReadOnly from './pipeline.default-token-read-only/index.js';
import pipelineActionsCannotApprove from './pipeline.actions-cannot-approve/index.js';
import pipelineAllowedActionsRestricted from './pipeline.allowed-actions-restricted/index.js';
import secretsRotated from './secrets.rotated/index.js';
import deployKeysReadOnly from './deploy-keys.read-only/index.js';
import runnersRestricted from './runners.restricted/index.js';
import deployEnvironmentProtected from './deploy.environment-protected/index.js';
import auditLogStreaming from './audit-log.streaming/index.js';
import changeIndependentApproval from './change.independent-approval/index.js';
import changeChecksPassed from './change.checks-passed/index.js';
import deployTraceable from './deploy.traceable/index.js';
import evidenceComplete from './evidence.complete/index.js';
import evidenceContinuous from './evidence.continuous/index.js';
import evidenceRetention from './evidence.retention/index.js';
import accessReviewRecorded from './access.review-recorded/index.js';
import vulnSla from './vuln.sla/index.js';
import changeEmergencyReviewed from './change.emergency-reviewed/index.js';
import changeNoDirectPush from './change.no-direct-push/index.js';
import changeSignedCommits from './change.signed-commits/index.js';
import changeTicketLinked from './change.ticket-linked/index.js';
import branchCodeownersReview from './branch.codeowners-review/index.js';
import policyAsCode from './policy.as-code/index.js';
import repoSecurityPolicy from './repo.security-policy/index.js';
import scanContainer from './scan.container/index.js';
import scanDast from './scan.dast/index.js';
import scanDependencyUpdates from './scan.dependency-updates/index.js';
import scanIac from './scan.iac/index.js';
import scanSast from './scan.sast/index.js';
import scanSca from './scan.sca/index.js';
import scanSecrets from './scan.secrets/index.js';
import scanRequired from './scan.required/index.js';
import anomalyDetection from './anomaly.detection/index.js';
import secretsNoneCommitted from './secrets.none-committed/index.js';
import pipelineWorkflowValid from './pipeline.workflow-valid/index.js';
import pipelineTestsRun from './pipeline.tests-run/index.js';
import pipelinePermissionsDeclared from './pipeline.permissions-declared/index.js';
import pipelineOidcFederation from './pipeline.oidc-federation/index.js';
import pipelineNoDangerousTriggers from './pipeline.no-dangerous-triggers/index.js';
import pipelineNoScriptInjection from './pipeline.no-script-injection/index.js';
import pipelineActionsPinned from './pipeline.actions-pinned/index.js';

export const CHECK_REGISTRY: readonly AnyCheck[] = [
  branchProtected,
  branchPrRequired,
  branchNoBypass,
  branchNoForcePush,
  branchApprovalsRequired,
  branchStaleApprovalsDismissed,
  branchStatusChecksRequired,
  branchLinearHistory,
  branchSignedCommits,
  orgMfaRequired,
  orgMembersMfa,
  orgSsoEnforced,
  orgBasePermissionRestricted,
  orgAdminCount,
  orgOutsideCollaboratorsRestricted,
  orgRepoCreationRestricted,
  orgRepoDeletionRestricted,
  orgWebhooksSecured,
  repoAdminCount,
  accessStaleMembers,
  pipelineDefaultTokenReadOnly,
  pipelineActionsCannotApprove,
  pipelineAllowedActionsRestricted,
  secretsRotated,
  deployKeysReadOnly,
  runnersRestricted,
  deployEnvironmentProtected,
  auditLogStreaming,
  changeIndependentApproval,
  changeChecksPassed,
  deployTraceable,
  evidenceComplete,
  evidenceContinuous,
  evidenceRetention,
  accessReviewRecorded,
  vulnSla,
  changeNoDirectPush,
  changeTicketLinked,
  changeEmergencyReviewed,
  changeSignedCommits,
  scanSast,
  scanSca,
  scanDependencyUpdates,
  scanContainer,
  scanSecrets,
  scanRequired,
  anomalyDetection,
  secretsNoneCommitted,
  scanIac,
  scanDast,
  policyAsCode,
  repoSecurityPolicy,
  branchCodeownersReview,
  pipelineWorkflowValid,
  pipelineTestsRun,
  pipelinePermissionsDeclared,
  pipelineOidcFederation,
  pipelineNoDangerousTriggers,
  pipelineNoScriptInjection,
  pipelineActionsPinned,
];

export { defineCheck, pass, fail, notApplicable, notAvailable, errorResult } from './define-check.js';
export type { AnyCheck, CheckContext, CheckDefinition, Finding, Outcome } from './define-check.js';
