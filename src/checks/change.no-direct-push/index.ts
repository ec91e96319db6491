import { z } from 'zod';
import {
  isUnavailable,
  subjectRepository,
  type Commit,
  type GithubFacts,
  type GitHistory,
} from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass } from '../define-check.js';

const short = (sha: string): string => sha.slice(0, 7);

function windowText(git: GitHistory): string {
  return git.since ? `since ${git.since.slice(0, 10)}` : 'in the whole history';
}

/**
 * SHAs of the merge commits GitHub made for the merged pull requests of the checkout's
 * repository (merge, squash or the last commit of a rebase merge), or why they are unknown.
 */
function mergeCommits(github: GithubFacts, git: GitHistory, name: string | undefined): Set<string> | string {
  const repo = subjectRepository(github, { remotes: git.remotes, names: [name] });
  if (!repo) return 'the GitHub facts hold no repository matching this checkout';
  const prs = repo.pullRequests;
  if (isUnavailable(prs)) return `pull requests of ${repo.fullName} could not be read: ${prs.reason}`;
  return new Set(prs.flatMap((pr) => (pr.mergeCommitSha ? [pr.mergeCommitSha] : [])));
}

function directPush(c: Commit, branch: string, note = ''): ReturnType<typeof fail> {
  const how = c.parents.length > 1 ? 'merge commit made outside a pull request and pushed' : 'pushed';
  return fail(
    `${short(c.sha)} by ${c.authorName} <${c.authorEmail}> was ${how} directly to ${branch}: "${c.subject}"${note}`,
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
  needs: ['git'],
  uses: ['github'],
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
  evaluate({ git, github }, { allowBots }, { repository }) {
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
    const merged = github ? mergeCommits(github, git, repository) : undefined;
    const viaGithub = (c: Commit): boolean => merged instanceof Set && merged.has(c.sha);
    const suspect = line.filter((c) => c.kind === 'direct-push' || (!allowBots && c.kind === 'bot'));
    const direct = suspect.filter((c) => !viaGithub(c));
    if (direct.length > 0) {
      const note = typeof merged === 'string' ? ` (${merged})` : '';
      return direct.map((c) => directPush(c, git.branch, note));
    }
    const counts: Record<string, number> = {};
    for (const c of line) {
      // A commit git alone took for a push but GitHub made when merging a pull request.
      const kind = suspect.includes(c) ? 'github-merge' : c.kind;
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
    return [
      pass(
        `all ${line.length} changes on ${git.branch} ${windowText(git)} came through a pull/merge request` +
          (counts.bot ? ` or an automation identity (${counts.bot} bot commits)` : '') +
          (counts['github-merge']
            ? `; ${counts['github-merge']} of them ${counts['github-merge'] === 1 ? 'is the merge commit' : 'are the merge commits'} of GitHub pull requests`
            : ''),
        git.branch,
        { details: { changes: line.length, byKind: counts } },
      ),
    ];
  },
});
