import { branchesInScope, enforcedBy, gapReason, isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'branch.signed-commits',
  title: 'Signed commits are required',
  severity: 'low',
  controls: ['CM-7'],
  needs: ['github'],
  remediation:
    'Turn on "Require signed commits" in the ruleset or classic branch protection, and have developers sign with SSH or GPG keys.',
  evaluate({ github }) {
    const views = branchesInScope(github);
    if (!views.length) return [notApplicable('no active repository in scope', github.org)];
    return views.map((v) => {
      const p = v.protection;
      if (isUnavailable(p)) return notAvailable(p.reason, v.resource);
      const by = enforcedBy(p, (r) => r.signedCommits);
      if (by.length) return pass(`signed commits required by ${by.join(' and ')}`, v.resource);
      if (p.gaps.length)
        return notAvailable(`no visible rule requires signed commits; ${gapReason(p)}`, v.resource);
      return fail('unsigned commits are accepted', v.resource);
    });
  },
});
