import { branchesInScope, enforcedBy, gapReason, isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'branch.protected',
  title: 'The default and release branches are protected by classic rules or rulesets',
  needs: ['github'],
  remediation:
    'Protect the branch: add an active repository or organisation ruleset targeting it (Settings → Rules → Rulesets) or classic branch protection (Settings → Branches), requiring pull requests and blocking force pushes.',
  evaluate({ github }) {
    const views = branchesInScope(github);
    if (!views.length) return [notApplicable('no active repository in scope', github.org)];
    return views.map((v) => {
      const p = v.protection;
      if (isUnavailable(p)) return notAvailable(p.reason, v.resource);
      if (p.protected) {
        const by = enforcedBy(p, () => true);
        return pass(`protected by ${by.join(' and ')}`, v.resource, { details: { sources: by } });
      }
      if (p.gaps.length) return notAvailable(`no visible protection; ${gapReason(p)}`, v.resource);
      return fail(
        `${v.branch} is not protected: anyone with write access can push, force-push or delete it`,
        v.resource,
      );
    });
  },
});
