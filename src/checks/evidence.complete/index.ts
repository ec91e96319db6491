import { populationOf, type ChangeRow } from '../../population/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass } from '../define-check.js';

/** What is missing from a change's chain: PR, approval, checks, deploy. */
function gaps(row: ChangeRow, lastDeploy: string | null): string[] {
  if (row.status === 'excepted') return [];
  const out: string[] = [];
  if (row.pr === null) out.push('pull request');
  if (row.independentApproval !== true) out.push('approval');
  if (row.checksPassed !== true) out.push('checks');
  // A change merged after the last production deploy has simply not shipped yet.
  if (row.deployments.length === 0 && lastDeploy !== null && row.mergedAt <= lastDeploy) out.push('deploy');
  return out;
}

export default defineCheck({
  id: 'evidence.complete',
  title: 'The change population is complete: every change has its full evidence chain',
  needs: ['git', 'evidence'],
  // Pull requests from GitHub (approvals with their commit, last pusher, head checks) when read.
  uses: ['github'],
  remediation:
    'Record evidence from CI for every change: run `greenlight gate` on pull requests and reviews, ' +
    '`greenlight record scan|tests` on each head and `greenlight record deployment` on each deploy; ' +
    'then `greenlight changes` lists what is still missing.',
  evaluate({ git, evidence, github }, _options, { config, now }) {
    if (evidence.absent) return [notAvailable(evidence.absent, git.branch)];
    const pop = populationOf(git, evidence, config, now, github);
    if (pop.rows.length === 0)
      return [notApplicable(`no change reached ${git.branch} in the window`, git.branch)];
    const lastDeploy =
      pop.deployments
        .map((d) => d.deployedAt)
        .sort()
        .pop() ?? null;
    const incomplete = pop.rows
      .map((r) => ({ commit: r.commit, title: r.title, missing: gaps(r, lastDeploy) }))
      .filter((r) => r.missing.length > 0);
    const share = (pop.rows.length - incomplete.length) / pop.rows.length;
    const floor = config.thresholds.evidenceCompleteness;
    const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
    const details = {
      total: pop.rows.length,
      complete: pop.rows.length - incomplete.length,
      incomplete: incomplete.slice(0, 200),
    };
    if (share >= floor)
      return [
        pass(
          `${pct(share)} of ${pop.rows.length} changes have their full chain (floor ${pct(floor)})`,
          git.branch,
          { details },
        ),
      ];
    const sample = incomplete
      .slice(0, 5)
      .map((r) => `${r.commit.slice(0, 7)} (missing ${r.missing.join(', ')})`)
      .join('; ');
    return [
      fail(
        `only ${pct(share)} of ${pop.rows.length} changes have their full chain (floor ${pct(floor)}): ${sample}${incomplete.length > 5 ? `; and ${incomplete.length - 5} more` : ''}`,
        git.branch,
        { details },
      ),
    ];
  },
});
