import { branchesInScope, enforcedBy, gapReason, isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'branch.pr-required',
  title: 'Changes to protected branches require a pull request',
  severity: 'high',
  controls: ['CM-1'],
  needs: ['github'],
  remediation:
    'Require a pull request before merging: the "Require a pull request before merging" rule in a ruleset, or "Require pull request reviews before merging" in classic branch protection.',
  evaluate({ github }) {
    const views = branchesInScope(github);
    if (!views.length) return [notApplicable('no active repository in scope', github.org)];
    return views.map((v) => {
      const p = v.protection;
      if (isUnavailable(p)) return notAvailable(p.reason, v.resource);
      const by = enforcedBy(p, (r) => r.pullRequest);
      if (by.length) return pass(`pull requests required by ${by.join(' and ')}`, v.resource);
      if (p.gaps.length)
        return notAvailable(`no visible rule requires pull requests; ${gapReason(p)}`, v.resource);
      return fail(`${v.branch} can be changed by a direct push, without a pull request`, v.resource);
    });
  },
});
