import { branchesInScope, enforcedBy, gapReason, isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'branch.no-force-push',
  title: 'Force pushes and deletion of protected branches are blocked',
  needs: ['github'],
  remediation:
    'Block force pushes and deletions: add the "Block force pushes" and "Restrict deletions" rules to the ruleset, or untick "Allow force pushes" and "Allow deletions" in classic branch protection.',
  evaluate({ github }) {
    const views = branchesInScope(github);
    if (!views.length) return [notApplicable('no active repository in scope', github.org)];
    return views.map((v) => {
      const p = v.protection;
      if (isUnavailable(p)) return notAvailable(p.reason, v.resource);
      const force = enforcedBy(p, (r) => r.blockForcePushes);
      const del = enforcedBy(p, (r) => r.blockDeletions);
      if (force.length && del.length)
        return pass(
          `force pushes blocked by ${force.join(' and ')}; deletion blocked by ${del.join(' and ')}`,
          v.resource,
        );
      const open = [!force.length && 'force pushes', !del.length && 'deletion'].filter(Boolean).join(' and ');
      if (p.gaps.length) return notAvailable(`no visible rule blocks ${open}; ${gapReason(p)}`, v.resource);
      return fail(`${open} of ${v.branch} ${open.includes(' and ') ? 'are' : 'is'} allowed`, v.resource);
    });
  },
});
