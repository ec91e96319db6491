import { branchesInScope, enforcedBy, gapReason, isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'branch.stale-approvals-dismissed',
  title: 'New pushes dismiss approvals, or the last push must be approved',
  needs: ['github'],
  remediation:
    'Turn on "Dismiss stale pull request approvals when new commits are pushed" or "Require approval of the most recent reviewable push" in the pull request rule or classic branch protection.',
  evaluate({ github }) {
    const views = branchesInScope(github);
    if (!views.length) return [notApplicable('no active repository in scope', github.org)];
    return views.map((v) => {
      const p = v.protection;
      if (isUnavailable(p)) return notAvailable(p.reason, v.resource);
      const by = enforcedBy(p, (r) => r.pullRequest && (r.dismissStaleReviews || r.requireLastPushApproval));
      if (by.length) return pass(`approvals cannot go stale: enforced by ${by.join(' and ')}`, v.resource);
      if (p.gaps.length)
        return notAvailable(`no visible rule dismisses stale approvals; ${gapReason(p)}`, v.resource);
      return fail(
        'an approval stays valid after new commits are pushed, so unreviewed code can be merged',
        v.resource,
      );
    });
  },
});
