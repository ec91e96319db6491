import { branchesInScope, enforcedBy, gapReason, isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'branch.approvals-required',
  title: 'Pull requests need the configured number of approvals',
  needs: ['github'],
  remediation:
    'Set "Required approvals" to at least thresholds.approvals (default 1) in the ruleset\'s pull request rule, or "Required number of approvals before merging" in classic branch protection.',
  evaluate({ github }, _options, ctx) {
    const needed = ctx.config.thresholds.approvals;
    const views = branchesInScope(github);
    if (!views.length) return [notApplicable('no active repository in scope', github.org)];
    return views.map((v) => {
      const p = v.protection;
      if (isUnavailable(p)) return notAvailable(p.reason, v.resource);
      const by = enforcedBy(p, (r) => r.pullRequest && r.requiredApprovals >= needed);
      const got = p.effective.requiredApprovals;
      if (by.length)
        return pass(`${got} approval(s) required by ${by.join(' and ')} (at least ${needed})`, v.resource);
      if (p.gaps.length)
        return notAvailable(`no visible rule requires ${needed} approval(s); ${gapReason(p)}`, v.resource);
      return fail(
        p.effective.pullRequest
          ? `only ${got} approval(s) required, fewer than ${needed}`
          : `no approval required: ${v.branch} does not even require a pull request`,
        v.resource,
        { details: { required: got, threshold: needed } },
      );
    });
  },
});
