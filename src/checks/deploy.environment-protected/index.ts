import { z } from 'zod';
import { isUnavailable, liveRepositories } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass, type Finding } from '../define-check.js';

export default defineCheck({
  id: 'deploy.environment-protected',
  title: 'The production environment requires reviewers or a branch policy, and admins cannot bypass',
  needs: ['github'],
  options: z.strictObject({
    /** Environment names treated as production (case-insensitive). */
    environments: z.array(z.string()).default(['production', 'prod']),
  }),
  remediation:
    'Repository Settings → Environments → production: add required reviewers with "Prevent self-review", or restrict deployment branches to protected branches, and untick "Allow administrators to bypass configured protection rules".',
  evaluate({ github }, options) {
    const names = new Set(options.environments.map((n) => n.toLowerCase()));
    const out: Finding[] = [];
    for (const r of liveRepositories(github)) {
      if (isUnavailable(r.environments)) {
        out.push(notAvailable(r.environments.reason, r.fullName));
        continue;
      }
      for (const e of r.environments.filter((x) => names.has(x.name.toLowerCase()))) {
        const res = `${r.fullName}:${e.name}`;
        const reviewers = e.requiredReviewers.length > 0;
        const gate =
          (reviewers && e.preventSelfReview) || (!isUnavailable(e.branchPolicy) && e.branchPolicy !== null);
        const problems = [
          !gate &&
            (reviewers
              ? 'its reviewers may approve their own deployments (self-review not prevented) and no branch policy limits it'
              : 'it has neither required reviewers nor a deployment branch policy'),
          !isUnavailable(e.canAdminsBypass) &&
            e.canAdminsBypass &&
            'administrators can bypass its protection rules',
        ].filter(Boolean);
        if (problems.length) out.push(fail(`environment ${e.name}: ${problems.join('; ')}`, res));
        else if (isUnavailable(e.canAdminsBypass)) out.push(notAvailable(e.canAdminsBypass.reason, res));
        else
          out.push(
            pass(
              `environment ${e.name} is gated by ${[
                reviewers &&
                  `reviewers (${e.requiredReviewers.map((x) => x.name).join(', ')}, no self-review)`,
                !isUnavailable(e.branchPolicy) &&
                  e.branchPolicy &&
                  (e.branchPolicy.protectedBranches ? 'protected branches only' : 'a custom branch policy'),
              ]
                .filter(Boolean)
                .join(' and ')}; admins cannot bypass`,
              res,
            ),
          );
      }
    }
    if (!out.length)
      out.push(
        notApplicable(`no ${[...names].join('/')} environment in the repositories in scope`, github.org),
      );
    return out;
  },
});
