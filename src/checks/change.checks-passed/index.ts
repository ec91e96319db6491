import {
  defaultProtection,
  isUnavailable,
  liveRepositories,
  type GithubCheck,
  type GithubPullRequest,
} from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass, type Finding } from '../define-check.js';

const GREEN = new Set(['SUCCESS', 'NEUTRAL', 'SKIPPED']);

/** Why a merged pull request's checks were not green on its head, or null. */
export function checksProblem(pr: GithubPullRequest, required: string[]): string | null {
  const latest = new Map<string, GithubCheck>();
  for (const c of pr.checks) {
    const prev = latest.get(c.name);
    if (!prev || (c.completedAt ?? '') >= (prev.completedAt ?? '')) latest.set(c.name, c);
  }
  if (required.length) {
    const missing = required.filter((n) => !latest.has(n));
    const red = required.filter((n) => latest.has(n) && !GREEN.has(latest.get(n)!.conclusion ?? ''));
    if (missing.length || red.length)
      return [
        red.length &&
          `required check(s) ${red.map((n) => `${n} (${latest.get(n)!.conclusion ?? 'pending'})`).join(', ')} not green`,
        missing.length && `required check(s) ${missing.join(', ')} never reported`,
      ]
        .filter(Boolean)
        .join('; ');
    return null;
  }
  if (!latest.size) return 'no check ran on its head commit';
  const red = [...latest.values()].filter((c) => !GREEN.has(c.conclusion ?? ''));
  return red.length
    ? `check(s) ${red.map((c) => `${c.name} (${c.conclusion ?? 'pending'})`).join(', ')} not green`
    : null;
}

export default defineCheck({
  id: 'change.checks-passed',
  title: 'Every merged change had its required checks green on its head commit',
  needs: ['github'],
  remediation:
    'Make the CI jobs required status checks (branch.status-checks-required) and stop admins from merging past them (branch.no-bypass); re-test and review each listed change.',
  evaluate({ github }) {
    const out: Finding[] = [];
    for (const r of liveRepositories(github)) {
      if (isUnavailable(r.pullRequests)) {
        out.push(notAvailable(r.pullRequests.reason, r.fullName));
        continue;
      }
      if (!r.pullRequests.length) {
        out.push(notApplicable('no pull request merged in the window', r.fullName));
        continue;
      }
      const p = defaultProtection(r);
      // Required checks come from today's protection; without it, every check that ran must be green.
      const required = p && !isUnavailable(p) ? p.effective.statusChecks : [];
      let ok = 0;
      for (const pr of r.pullRequests) {
        const problem = checksProblem(pr, pr.baseRef === r.defaultBranch ? required : []);
        if (problem === null) ok++;
        else
          out.push(
            fail(`#${pr.number} "${pr.title}" merged with ${problem}`, `${r.fullName}#${pr.number}`, {
              details: { headSha: pr.headSha, url: pr.url },
            }),
          );
      }
      if (ok)
        out.push(
          pass(
            `${ok} of ${r.pullRequests.length} merged pull request(s) had ${required.length ? `required checks (${required.join(', ')})` : 'every check'} green on their head`,
            r.fullName,
          ),
        );
    }
    if (!out.length) out.push(notApplicable('no active repository in scope', github.org));
    return out;
  },
});
