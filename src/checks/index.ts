/**
 * The registry: every check, imported explicitly. A meta-test walks this list and fails when a
 * check lacks tests, a remediation, or a control of the catalog.
 */
import type { AnyCheck } from './define-check.js';
import changeEmergencyReviewed from './change.emergency-reviewed/index.js';
import changeNoDirectPush from './change.no-direct-push/index.js';
import changeSignedCommits from './change.signed-commits/index.js';
import changeTicketLinked from './change.ticket-linked/index.js';

export const CHECK_REGISTRY: readonly AnyCheck[] = [
  changeNoDirectPush,
  changeTicketLinked,
  changeEmergencyReviewed,
  changeSignedCommits,
];

export { defineCheck, pass, fail, notApplicable, notAvailable, errorResult } from './define-check.js';
export type { AnyCheck, CheckContext, CheckDefinition, Finding, Outcome } from './define-check.js';
