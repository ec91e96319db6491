import { z } from 'zod';
import { branchesInScope, enforcedBy, gapReason, isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'branch.status-checks-required',
  title: 'Required status checks are configured, and branches must be up to date',
  needs: ['github'],
  options: z.strictObject({
    /** Also require "branches must be up to date before merging" (strict checks). */
    requireUpToDate: z.boolean().default(true),
  }),
  remediation:
    'Add the CI jobs as required status checks ("Require status checks to pass") and turn on "Require branches to be up to date before merging", in the ruleset or classic branch protection.',
  evaluate({ github }, options) {
    const views = branchesInScope(github);
    if (!views.length) return [notApplicable('no active repository in scope', github.org)];
    return views.map((v) => {
      const p = v.protection;
      if (isUnavailable(p)) return notAvailable(p.reason, v.resource);
      const checks = p.effective.statusChecks;
      const by = enforcedBy(p, (r) => r.statusChecks.length > 0);
      const strict = p.effective.strictStatusChecks;
      if (by.length && (strict || !options.requireUpToDate))
        return pass(
          `required checks ${checks.join(', ')} (by ${by.join(' and ')})${strict ? ', branches must be up to date' : ''}`,
          v.resource,
          {
            details: { checks, strict },
          },
        );
      if (p.gaps.length)
        return notAvailable(`no visible required status checks; ${gapReason(p)}`, v.resource);
      return fail(
        by.length
          ? `required checks ${checks.join(', ')} are set, but branches need not be up to date before merging`
          : 'no status check is required: a change can merge with failing or missing CI',
        v.resource,
      );
    });
  },
});
