import { isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass, type Finding } from '../define-check.js';

const DAY = 86_400_000;

export default defineCheck({
  id: 'access.stale-members',
  title: 'No member inactive longer than the configured days',
  needs: ['github'],
  remediation:
    'Remove or convert the listed members (and review owners first), or record why they keep access in an exception with an expiry. Activity comes from the organisation audit log.',
  evaluate({ github }, _options, ctx) {
    const days = ctx.config.thresholds.staleMemberDays;
    const members = github.members;
    if (isUnavailable(members)) return [notAvailable(members.reason, github.org)];
    const activity = github.auditLog.lastActivity;
    if (isUnavailable(activity))
      return [
        notAvailable(
          `member activity comes from the audit log, which could not be read: ${activity.reason}`,
          github.org,
        ),
      ];
    const cutoff = new Date(ctx.now.getTime() - days * DAY).toISOString();
    if (activity.since > cutoff || !activity.complete)
      return [
        notAvailable(
          `the audit log read covers activity since ${activity.since.slice(0, 10)}${activity.complete ? '' : ' only partly'}, not the ${days} days needed`,
          github.org,
        ),
      ];
    const out: Finding[] = [];
    let active = 0;
    for (const m of members) {
      const last = activity.byActor[m.login];
      if (last && last >= cutoff) active++;
      else
        out.push(
          fail(
            `${m.role === 'admin' ? 'owner' : 'member'} ${m.login} has no activity in the last ${days} days${last ? ` (last ${last.slice(0, 10)})` : ''}`,
            m.login,
            { details: { lastActivity: last ?? null } },
          ),
        );
    }
    out.push(pass(`${active} of ${members.length} member(s) active in the last ${days} days`, github.org));
    return out;
  },
});
