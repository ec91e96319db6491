import { z } from 'zod';
import {
  branchesInScope,
  gapReason,
  isUnavailable,
  type BypassActor,
  type ProtectionSource,
} from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass } from '../define-check.js';

/**
 * GitHub applies classic protection and every active ruleset at once, so someone can skip the
 * pull-request rule only if they may bypass every source that enforces it.
 */
export default defineCheck({
  id: 'branch.no-bypass',
  title: 'Protection applies to admins; only a break-glass team may bypass rulesets',
  needs: ['github'],
  options: z.strictObject({
    /** Team slugs, logins or app slugs allowed to bypass (a documented break-glass path). */
    breakGlass: z.array(z.string()).default([]),
  }),
  remediation:
    'Turn on "Do not allow bypassing the above settings" (classic: "Include administrators") and remove ruleset bypass actors other than the break-glass team listed in checks.branch.no-bypass.breakGlass.',
  evaluate({ github }, options) {
    const allowed = new Set(options.breakGlass);
    const views = branchesInScope(github);
    if (!views.length) return [notApplicable('no active repository in scope', github.org)];
    return views.map((v) => {
      const p = v.protection;
      if (isUnavailable(p)) return notAvailable(p.reason, v.resource);
      const active = p.sources.filter((s) => s.enforcement === 'active');
      const pr = active.filter((s) => s.rules.pullRequest);
      const enforcing = pr.length ? pr : active;
      if (!enforcing.length)
        return p.gaps.length
          ? notAvailable(`no visible protection; ${gapReason(p)}`, v.resource)
          : notApplicable('the branch has no protection to bypass (see branch.protected)', v.resource);
      const outsiders = (s: ProtectionSource): BypassActor[] | null =>
        isUnavailable(s.bypass) ? null : s.bypass.filter((b) => !allowed.has(b.name));
      const tight = enforcing.find((s) => outsiders(s)?.length === 0);
      if (tight)
        return pass(
          `${label(tight)} applies to everyone${allowed.size ? ' but the break-glass path' : ''}`,
          v.resource,
        );
      const hidden = enforcing.filter((s) => outsiders(s) === null);
      if (hidden.length)
        return notAvailable(
          hidden.map((s) => (s.bypass as { reason: string }).reason).join('; '),
          v.resource,
        );
      const who = enforcing.map((s) => `${label(s)}: ${outsiders(s)!.map(describe).join(', ')}`);
      return fail(`the rules can be bypassed — ${who.join('; ')}`, v.resource, {
        details: {
          bypass: Object.fromEntries(enforcing.map((s) => [label(s), outsiders(s)!.map((b) => b.name)])),
        },
      });
    });
  },
});

function label(s: ProtectionSource): string {
  return s.kind === 'classic' ? s.name : `ruleset "${s.name}"`;
}

function describe(b: BypassActor): string {
  const who =
    b.actorType === 'RepositoryRole'
      ? `repository ${b.name}s`
      : b.actorType === 'Team'
        ? `team ${b.name}`
        : b.name;
  return b.bypassMode === 'pull_request' ? `${who} (via pull request)` : who;
}
