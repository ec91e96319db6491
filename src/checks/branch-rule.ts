import { branchesInScope, enforcedBy, gapReason, isUnavailable, type GithubFacts } from '../facts/index.js';
import { fail, notApplicable, notAvailable, pass, type Finding } from './define-check.js';

type Rules = Parameters<typeof enforcedBy>[1];

/**
 * The shape shared by the branch checks that ask "does some active rule require X on every
 * branch in scope?": pass naming the rules that require it, not_available when part of the
 * protection is hidden from the token, fail otherwise.
 */
export function requireBranchRule(
  github: GithubFacts,
  rule: Rules,
  text: { what: string; failure: (branch: string) => string },
): Finding[] {
  const views = branchesInScope(github);
  if (!views.length) return [notApplicable('no active repository in scope', github.org)];
  return views.map((v) => {
    const p = v.protection;
    if (isUnavailable(p)) return notAvailable(p.reason, v.resource);
    const by = enforcedBy(p, rule);
    if (by.length) return pass(`${text.what} required by ${by.join(' and ')}`, v.resource);
    if (p.gaps.length)
      return notAvailable(`no visible rule requires ${text.what}; ${gapReason(p)}`, v.resource);
    return fail(text.failure(v.branch), v.resource);
  });
}
