/**
 * The registry: every check, imported explicitly. A meta-test walks this list and fails when a
 * check lacks tests, a remediation, or a control of the catalog.
 */
import type { AnyCheck } from './define-check.js';
import deployTraceable from './deploy.traceable/index.js';
import evidenceComplete from './evidence.complete/index.js';
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
import secretsNoneCommitted from './secrets.none-committed/index.js';
import pipelineWorkflowValid from './pipeline.workflow-valid/index.js';
import pipelineTestsRun from './pipeline.tests-run/index.js';
import pipelinePermissionsDeclared from './pipeline.permissions-declared/index.js';
import pipelineOidcFederation from './pipeline.oidc-federation/index.js';
import pipelineNoDangerousTriggers from './pipeline.no-dangerous-triggers/index.js';
import pipelineNoScriptInjection from './pipeline.no-script-injection/index.js';
import pipelineActionsPinned from './pipeline.actions-pinned/index.js';

export const CHECK_REGISTRY: readonly AnyCheck[] = [
  deployTraceable,
  evidenceComplete,
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
