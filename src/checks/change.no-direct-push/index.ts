import { z } from 'zod';
import type { Commit, GitHistory } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass } from '../define-check.js';

const short = (sha: string): string => sha.slice(0, 7);

function windowText(git: GitHistory): string {
  return git.since ? `since ${git.since.slice(0, 10)}` : 'in the whole history';
}

function directPush(c: Commit, branch: string): ReturnType<typeof fail> {
  const how = c.parents.length > 1 ? 'merge commit made outside a pull request and pushed' : 'pushed';
  return fail(
    `${short(c.sha)} by ${c.authorName} <${c.authorEmail}> was ${how} directly to ${branch}: "${c.subject}"`,
    c.sha,
    {
      details: {
        sha: c.sha,
        author: `${c.authorName} <${c.authorEmail}>`,
        committer: `${c.committerName} <${c.committerEmail}>`,
        committedAt: c.committedAt,
        subject: c.subject,
        kind: c.kind,
      },
    },
  );
}

export default defineCheck({
  id: 'change.no-direct-push',
  title: 'Every change reached the branch through a merged pull request',
  severity: 'high',
  controls: ['CM-1'],
  needs: ['git'],
  options: z.strictObject({
    allowBots: z
      .boolean()
      .default(true)
      .describe(
        'Commits authored and pushed by automation identities (dependabot[bot]…) are not direct pushes',
      ),
  }),
  remediation:
    'Require a pull/merge request on the branch with no bypass (see branch.pr-required, branch.no-bypass). ' +
    'For each listed commit, record a retroactive review (a reviewed pull request that references it) or ' +
    'cover it with a documented exception that names an owner and an expiry.',
  evaluate({ git }, { allowBots }) {
    if (git.shallow)
      return [
        notAvailable(
          `the clone of ${git.branch} is shallow, so its history is incomplete: run \`git fetch --unshallow\` ` +
            '(GitHub Actions: actions/checkout with fetch-depth: 0)',
          git.branch,
        ),
      ];
    const line = git.commits.filter((c) => c.firstParent);
    if (line.length === 0)
      return [notApplicable(`no commit reached ${git.branch} ${windowText(git)}`, git.branch)];
    const direct = line.filter((c) => c.kind === 'direct-push' || (!allowBots && c.kind === 'bot'));
    if (direct.length > 0) return direct.map((c) => directPush(c, git.branch));
    const counts: Record<string, number> = {};
    for (const c of line) counts[c.kind] = (counts[c.kind] ?? 0) + 1;
    return [
      pass(
        `all ${line.length} changes on ${git.branch} ${windowText(git)} came through a pull/merge request` +
          (counts.bot ? ` or an automation identity (${counts.bot} bot commits)` : ''),
        git.branch,
        { details: { changes: line.length, byKind: counts } },
      ),
    ];
  },
});
