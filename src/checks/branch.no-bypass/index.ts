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
 * GitHub applies classic protection and every active ruleset at once, so a requirement (pull
 * request, approvals, code-owner review, each status check, signatures, linear history, force
 * pushes) can be skipped only by someone who may bypass every source enforcing it at its
 * effective strength: a weaker source (0 approvals) does not hold the stronger rule.
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
      const reqs = requirements(active);
      if (!reqs.length)
        return p.gaps.length
          ? notAvailable(`no visible protection; ${gapReason(p)}`, v.resource)
          : notApplicable('the branch has no protection to bypass (see branch.protected)', v.resource);
      const bypassable: { requirement: string; sources: [ProtectionSource, BypassActor[]][] }[] = [];
      const hidden: string[] = [];
      for (const r of reqs) {
        const who = r.sources.map((s) => [s, outsiders(s, r.prFamily, allowed)] as const);
        if (who.some(([, o]) => o !== null && o.length === 0)) continue;
        const unseen = who.filter(([, o]) => o === null);
        if (unseen.length) {
          for (const [s] of unseen) hidden.push((s.bypass as { reason: string }).reason);
          continue;
        }
        bypassable.push({ requirement: r.name, sources: who.map(([s, o]) => [s, o!]) });
      }
      if (bypassable.length) {
        const text = bypassable.map(
          (b) =>
            `${b.requirement} (${b.sources.map(([s, o]) => `${label(s)}: ${o.map(describe).join(', ')}`).join('; ')})`,
        );
        return fail(`the rules can be bypassed — ${text.join('; ')}`, v.resource, {
          details: {
            bypass: Object.fromEntries(
              bypassable.map((b) => [
                b.requirement,
                Object.fromEntries(b.sources.map(([s, o]) => [label(s), o.map((a) => a.name)])),
              ]),
            ),
          },
        });
      }
      if (hidden.length) return notAvailable([...new Set(hidden)].join('; '), v.resource);
      return pass(
        `${reqs.length} requirement(s) apply to everyone${allowed.size ? ' but the break-glass path' : ''}`,
        v.resource,
      );
    });
  },
});

interface Requirement {
  name: string;
  /** The sources enforcing it at its effective strength. */
  sources: ProtectionSource[];
  /** Part of the pull-request rule: classic pull-request bypass allowances skip it. */
  prFamily: boolean;
}

/** Each requirement the active sources enforce, with the sources that enforce it at full strength. */
function requirements(active: ProtectionSource[]): Requirement[] {
  const out: Requirement[] = [];
  const add = (name: string, prFamily: boolean, holds: (s: ProtectionSource) => boolean) => {
    const sources = active.filter(holds);
    if (sources.length) out.push({ name, sources, prFamily });
  };
  add('pull request', true, (s) => s.rules.pullRequest);
  const approvals = Math.max(0, ...active.map((s) => (s.rules.pullRequest ? s.rules.requiredApprovals : 0)));
  if (approvals > 0)
    add(
      `${approvals} required approval(s)`,
      true,
      (s) => s.rules.pullRequest && s.rules.requiredApprovals >= approvals,
    );
  add('code-owner review', true, (s) => s.rules.pullRequest && s.rules.requireCodeOwnerReview);
  const checks = [...new Set(active.flatMap((s) => s.rules.statusChecks))];
  for (const c of checks) add(`status check "${c}"`, false, (s) => s.rules.statusChecks.includes(c));
  add('signed commits', false, (s) => s.rules.signedCommits);
  add('linear history', false, (s) => s.rules.linearHistory);
  add('no force pushes', false, (s) => s.rules.blockForcePushes);
  return out;
}

/**
 * Who may skip this source's rule, the break-glass path aside (null: not visible). Classic
 * pull-request bypass allowances skip only the pull-request rule; admins and ruleset bypass
 * actors skip every rule of their source.
 */
function outsiders(s: ProtectionSource, prFamily: boolean, allowed: Set<string>): BypassActor[] | null {
  if (isUnavailable(s.bypass)) return null;
  return s.bypass.filter(
    (b) => !allowed.has(b.name) && (prFamily || s.kind !== 'classic' || b.bypassMode !== 'pull_request'),
  );
}

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
