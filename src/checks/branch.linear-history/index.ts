import { branchesInScope, enforcedBy, gapReason, isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'branch.linear-history',
  title: 'Linear history is required',
  severity: 'low',
  controls: ['CM-7'],
  needs: ['github'],
  remediation:
    'Turn on "Require linear history" in the ruleset or classic branch protection (squash or rebase merges only).',
  evaluate({ github }) {
    const views = branchesInScope(github);
    if (!views.length) return [notApplicable('no active repository in scope', github.org)];
    return views.map((v) => {
      const p = v.protection;
      if (isUnavailable(p)) return notAvailable(p.reason, v.resource);
      const by = enforcedBy(p, (r) => r.linearHistory);
      if (by.length) return pass(`linear history required by ${by.join(' and ')}`, v.resource);
      if (p.gaps.length)
        return notAvailable(`no visible rule requires linear history; ${gapReason(p)}`, v.resource);
      return fail('merge commits are allowed: linear history is not required', v.resource);
    });
  },
});
