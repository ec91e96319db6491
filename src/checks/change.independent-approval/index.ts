import {
  isBotLogin,
  isUnavailable,
  liveRepositories,
  standingReviews,
  type GithubPullRequest,
} from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass, type Finding } from '../define-check.js';

/** Why a merged pull request lacks an independent approval, or null when it has one. */
export function approvalProblem(pr: GithubPullRequest): string | null {
  const approvals = standingReviews(pr.reviews).filter((r) => r.state.toUpperCase() === 'APPROVED');
  if (!approvals.length)
    return pr.reviews.some((r) => r.state.toUpperCase() === 'APPROVED')
      ? 'merged without a standing approval (each approval was superseded by a later change request or dismissal)'
      : 'merged without any approval';
  const humans = approvals.filter((r) => !isBotLogin(r.author));
  if (!humans.length)
    return `approved only by ${[...new Set(approvals.map((r) => r.author))].join(', ')}, not an independent human approval`;
  const independent = humans.filter((r) => r.author && r.author !== pr.author && r.author !== pr.lastPusher);
  if (!independent.length) {
    const who = [...new Set(humans.map((r) => r.author ?? 'a deleted account'))].join(', ');
    return who === pr.author
      ? `approved only by its author ${who}`
      : `approved only by ${who}, who pushed its last commit`;
  }
  const onHead = independent.filter((r) => r.commitSha === pr.headSha);
  if (!onHead.length)
    return `approved by ${independent.map((r) => r.author).join(', ')} on an earlier commit, not on the merged head ${pr.headSha.slice(0, 7)}`;
  const beforeMerge = onHead.filter((r) => r.submittedAt !== null && r.submittedAt <= pr.mergedAt);
  if (!beforeMerge.length)
    return `approved by ${onHead.map((r) => r.author).join(', ')} only after the merge`;
  return null;
}

export default defineCheck({
  id: 'change.independent-approval',
  title: 'Every merged change was approved by someone other than its author and last pusher',
  needs: ['github'],
  remediation:
    'Require at least one approval, dismiss stale approvals and require approval of the most recent push (branch.approvals-required, branch.stale-approvals-dismissed); review each listed change after the fact and record it.',
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
      let ok = 0;
      for (const pr of r.pullRequests) {
        const problem = approvalProblem(pr);
        if (problem === null) ok++;
        else
          out.push(
            fail(`#${pr.number} "${pr.title}" ${problem}`, `${r.fullName}#${pr.number}`, {
              details: { author: pr.author, lastPusher: pr.lastPusher, mergedBy: pr.mergedBy, url: pr.url },
            }),
          );
      }
      if (ok)
        out.push(
          pass(
            `${ok} of ${r.pullRequests.length} merged pull request(s) independently approved on their head before merging`,
            r.fullName,
          ),
        );
    }
    if (!out.length) out.push(notApplicable('no active repository in scope', github.org));
    return out;
  },
});
