import { describe, expect, it } from 'vitest';
import { CHECKS } from '../catalog/index.js';
import { defineCheck } from './define-check.js';
import { CHECK_REGISTRY } from './index.js';

/**
 * The public severity and controls of every check, pinned: `id → 'severity control…'`. They are
 * written once, in the catalog; a change here is a change users see in reports and SARIF.
 */
const PINNED: Record<string, string> = {
  'access.review-recorded': 'medium AC-3',
  'access.stale-members': 'low AC-2',
  'anomaly.detection': 'medium MO-2',
  'audit-log.streaming': 'high MO-1',
  'branch.approvals-required': 'high CM-2',
  'branch.codeowners-review': 'medium CM-2',
  'branch.linear-history': 'low CM-7',
  'branch.no-bypass': 'high CM-1',
  'branch.no-force-push': 'high CM-1',
  'branch.pr-required': 'high CM-1',
  'branch.protected': 'high CM-1',
  'branch.signed-commits': 'low CM-7',
  'branch.stale-approvals-dismissed': 'medium CM-2',
  'branch.status-checks-required': 'high CM-3',
  'change.checks-passed': 'high CM-3',
  'change.emergency-reviewed': 'high CM-5',
  'change.independent-approval': 'high CM-2',
  'change.no-direct-push': 'high CM-1',
  'change.signed-commits': 'low CM-7',
  'change.ticket-linked': 'medium CM-4',
  'deploy-keys.read-only': 'medium CI-1',
  'deploy.environment-protected': 'high CM-6',
  'deploy.traceable': 'high CM-6',
  'evidence.complete': 'high EV-3',
  'evidence.continuous': 'high EV-1',
  'evidence.retention': 'high EV-2',
  'org.admin-count': 'medium AC-2',
  'org.base-permission-restricted': 'high AC-2',
  'org.members-mfa': 'high AC-1',
  'org.mfa-required': 'critical AC-1',
  'org.outside-collaborators-restricted': 'medium AC-2',
  'org.repo-creation-restricted': 'medium AC-2',
  'org.repo-deletion-restricted': 'medium AC-2',
  'org.sso-enforced': 'medium AC-1',
  'org.webhooks-secured': 'low CI-2',
  'pipeline.actions-cannot-approve': 'high CM-2',
  'pipeline.actions-pinned': 'high CI-2',
  'pipeline.allowed-actions-restricted': 'medium CI-2',
  'pipeline.default-token-read-only': 'medium CI-1',
  'pipeline.no-dangerous-triggers': 'critical CI-2',
  'pipeline.no-script-injection': 'high CI-2',
  'pipeline.oidc-federation': 'high CI-1',
  'pipeline.permissions-declared': 'medium CI-1',
  'pipeline.tests-run': 'medium CM-3',
  'pipeline.workflow-valid': 'medium CI-2',
  'policy.as-code': 'low CI-3',
  'repo.admin-count': 'low AC-2',
  'repo.security-policy': 'low EV-3',
  'runners.restricted': 'high CI-1',
  'scan.container': 'high VM-3',
  'scan.dast': 'medium VM-5',
  'scan.dependency-updates': 'medium VM-2',
  'scan.iac': 'high CI-3',
  'scan.required': 'high VM-6',
  'scan.sast': 'high VM-1',
  'scan.sca': 'high VM-2',
  'scan.secrets': 'high VM-4',
  'secrets.none-committed': 'critical VM-4',
  'secrets.rotated': 'medium CI-1',
  'vuln.sla': 'high VM-7',
};

describe('severity and controls of every check', () => {
  it('the catalog has exactly the pinned checks, severities and controls', () => {
    const catalog = Object.fromEntries(CHECKS.map((c) => [c.id, `${c.severity} ${c.control}`]));
    expect(catalog).toEqual(PINNED);
    expect(CHECKS).toHaveLength(60);
  });

  it('every registered check carries the pinned severity and controls', () => {
    const registered = Object.fromEntries(
      CHECK_REGISTRY.map((c) => [c.id, [c.severity, ...c.controls].join(' ')]),
    );
    expect(registered).toEqual(PINNED);
  });
});

describe('defineCheck', () => {
  it('takes severity and controls from the catalog entry of the id', () => {
    const check = defineCheck({
      id: 'vuln.sla',
      title: 'Findings are fixed within their SLA',
      needs: ['workflows'],
      remediation: 'Fix or accept each finding before its SLA ends.',
      evaluate: () => [],
    });
    expect([check.severity, check.controls]).toEqual(['high', ['VM-7']]);
  });

  it('refuses an id the catalog does not have', () => {
    expect(() =>
      defineCheck({
        id: 'vuln.unknown',
        title: 'Not in the catalog',
        needs: ['workflows'],
        remediation: 'Add it to the catalog first.',
        evaluate: () => [],
      }),
    ).toThrow('check vuln.unknown has no entry in the catalog (src/catalog/checks.ts)');
  });
});
