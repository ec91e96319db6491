import { populationOf, untraceableReasons } from '../../population/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass, type Finding } from '../define-check.js';

const short = (sha: string): string => sha.slice(0, 7);

export default defineCheck({
  id: 'deploy.traceable',
  title: 'Production deployments ship only approved, tested changes',
  needs: ['git', 'evidence'],
  // Pull requests from GitHub (approvals with their commit, last pusher, head checks) when read.
  uses: ['github'],
  remediation:
    'Record every production deploy with `greenlight record deployment --env production` and run ' +
    '`greenlight gate` before it, so a deploy carrying a direct push or an unapproved, untested change ' +
    'is blocked (or goes through `--override` with a post-incident review).',
  evaluate({ git, evidence, github }, _options, { config, now }) {
    if (evidence.absent) return [notAvailable(evidence.absent, git.branch)];
    if (evidence.deployments.length === 0)
      return [
        notAvailable(
          'no deployment is recorded in the evidence ledger: run `greenlight record deployment` in the deploy job',
          git.branch,
        ),
      ];
    const pop = populationOf(git, evidence, config, now, github);
    if (pop.deployments.length === 0 && pop.offBranchDeployments.length === 0)
      return [notApplicable('no production deployment was recorded in the window', git.branch)];
    const rows = new Map(pop.rows.map((r) => [r.commit, r]));
    const findings: Finding[] = [];
    for (const d of pop.deployments) {
      const bad = d.changes
        .map((c) => ({ commit: c, row: rows.get(c) }))
        .filter((x) => x.row !== undefined)
        .map((x) => ({ commit: x.commit, title: x.row!.title, why: untraceableReasons(x.row!) }))
        .filter((x) => x.why.length > 0);
      const what = `deployment of ${short(d.commit)} to ${d.environment} on ${d.deployedAt.slice(0, 10)}`;
      const details = { deployment: d, offending: bad };
      if (bad.length === 0)
        findings.push(pass(`${what} shipped ${d.changes.length} traceable change(s)`, d.commit, { details }));
      else
        findings.push(
          fail(
            `${what} shipped ${bad.length} change(s) not traceable to an approved, tested change: ${bad
              .map((b) => `${short(b.commit)} (${b.why.join('; ')})`)
              .join(', ')}`,
            d.commit,
            { details },
          ),
        );
    }
    for (const d of pop.offBranchDeployments)
      findings.push(
        fail(
          `deployment to ${d.environment} on ${d.deployedAt.slice(0, 10)} shipped ${short(d.commit)}, which is not in the history of ${git.branch}: deployed from another branch, or history was rewritten`,
          d.commit,
          { details: { deployment: d } },
        ),
      );
    return findings;
  },
});
