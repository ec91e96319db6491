import { isUnavailable, liveRepositories } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'repo.admin-count',
  title: 'Few direct repository admins',
  needs: ['github'],
  remediation:
    'Lower direct collaborators to write or maintain (repository Settings → Collaborators and teams) so at most thresholds.repoAdmins (default 3) hold admin directly; grant admin through a reviewed team instead.',
  evaluate({ github }, _options, ctx) {
    const max = ctx.config.thresholds.repoAdmins;
    const repos = liveRepositories(github);
    if (!repos.length) return [notApplicable('no active repository in scope', github.org)];
    return repos.map((r) => {
      if (isUnavailable(r.collaborators)) return notAvailable(r.collaborators.reason, r.fullName);
      const admins = r.collaborators.filter((c) => c.permission === 'admin').map((c) => c.login);
      const details = { admins, max };
      return admins.length <= max
        ? pass(
            `${admins.length} direct admin(s)${admins.length ? `: ${admins.join(', ')}` : ''}`,
            r.fullName,
            { details },
          )
        : fail(`${admins.length} direct admins, more than ${max}: ${admins.join(', ')}`, r.fullName, {
            details,
          });
    });
  },
});
