import { isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'org.admin-count',
  title: 'Few organisation owners',
  needs: ['github'],
  remediation:
    'Demote owners who do not need to administer the organisation to members (People → Role), keeping at most thresholds.orgAdmins (default 3).',
  evaluate({ github }, _options, ctx) {
    const max = ctx.config.thresholds.orgAdmins;
    if (isUnavailable(github.members)) return [notAvailable(github.members.reason, github.org)];
    const owners = github.members.filter((m) => m.role === 'admin').map((m) => m.login);
    const details = { owners, max };
    return owners.length <= max
      ? [pass(`${owners.length} owner(s): ${owners.join(', ')} (at most ${max})`, github.org, { details })]
      : [fail(`${owners.length} owners, more than ${max}: ${owners.join(', ')}`, github.org, { details })];
  },
});
