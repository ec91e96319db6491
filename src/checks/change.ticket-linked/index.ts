import { z } from 'zod';
import { compileLinear, linearPatternError, type LinearPattern } from '../../linear-regex.js';
import {
  isUnavailable,
  subjectRepository,
  type Commit,
  type GithubFacts,
  type GithubPullRequest,
  type GitHistory,
} from '../../facts/index.js';
import { withoutOwnPullRequest } from '../../population/index.js';
import { defineCheck, errorResult, fail, notApplicable, notAvailable, pass } from '../define-check.js';

const short = (sha: string): string => sha.slice(0, 7);
const CHANGE_KINDS = new Set(['pr-merge', 'forge-squash', 'direct-push']);
/** Bound on the commits read behind one merge: enough for any real pull request. */
const MAX_MERGED = 1000;

/** The pattern on the linear-time engine (no ReDoS on a long commit message), or why it cannot be. */
function compile(source: string, name: string): LinearPattern | string {
  const error = linearPatternError(source);
  return error ? `tickets.${name} is not a valid regular expression: ${error}` : compileLinear(source);
}

/**
 * The commits each of `merges` brought in: reachable from its second parents without crossing
 * the first-parent line. Only merged (non-first-parent) commits are indexed, and only when some
 * merge needs it. Merges are taken oldest first so a branch merged twice counts with its first merge.
 */
function mergedCommits(commits: readonly Commit[], merges: readonly Commit[]): Map<string, Commit[]> {
  const bySha = new Map<string, Commit>();
  for (const c of commits) if (!c.firstParent) bySha.set(c.sha, c);
  const seen = new Set<string>();
  const result = new Map<string, Commit[]>();
  for (let i = merges.length - 1; i >= 0; i -= 1) {
    const merge = merges[i] as Commit;
    const found: Commit[] = [];
    const stack = merge.parents.slice(1);
    while (stack.length > 0 && found.length < MAX_MERGED) {
      const c = bySha.get(stack.pop() as string);
      if (!c || seen.has(c.sha)) continue;
      seen.add(c.sha);
      found.push(c);
      stack.push(...c.parents);
    }
    result.set(merge.sha, found);
  }
  return result;
}

/** Whether the commit message links a ticket, not counting the PR's own number (`(#123)` is not a ticket). */
function messageLinked(c: Commit, linked: (text: string) => boolean): boolean {
  return (
    linked(withoutOwnPullRequest(c.subject, c.prNumber)) || linked(withoutOwnPullRequest(c.body, c.prNumber))
  );
}

/** What was read for a change that links no ticket, so the message claims no more than that. */
function fieldsRead(c: Commit, prRead: boolean, unread: string | undefined): string {
  const local =
    `its commit subject, body and trailers${c.sourceBranch ? ', its branch name' : ''}` +
    (c.parents.length > 1 ? ' or the commits it merged' : '');
  if (prRead) return `${local} or its GitHub pull request's title, description and branch`;
  const isPr = c.prNumber !== undefined || c.kind !== 'direct-push';
  return isPr ? `${local}; its pull request's title and description were not read (${unread})` : local;
}

/** A commit's pull request: by the number its message names, or by the merge commit GitHub made. */
interface PrIndex {
  get(c: Commit): GithubPullRequest | undefined;
}

/**
 * The merged pull requests of the checkout's GitHub repository, indexed for lookup; or why they
 * could not be read (then commits are judged from git alone).
 */
function pullRequestsOf(
  github: GithubFacts,
  git: GitHistory,
  name: string | undefined,
): PrIndex | { reason: string } {
  const repo = subjectRepository(github, { remotes: git.remotes, names: [name] });
  if (!repo) return { reason: 'the GitHub facts hold no repository matching this checkout' };
  if (isUnavailable(repo.pullRequests))
    return { reason: `pull requests of ${repo.fullName} could not be read: ${repo.pullRequests.reason}` };
  const byNumber = new Map<number, GithubPullRequest>();
  const bySha = new Map<string, GithubPullRequest>();
  for (const pr of repo.pullRequests) {
    byNumber.set(pr.number, pr);
    if (pr.mergeCommitSha) bySha.set(pr.mergeCommitSha, pr);
  }
  return {
    get: (c) =>
      bySha.get(c.sha) ??
      (c.prNumber !== undefined && c.forge === 'github' ? byNumber.get(c.prNumber) : undefined),
  };
}

export default defineCheck({
  id: 'change.ticket-linked',
  title: 'Every change links a ticket',
  needs: ['git'],
  uses: ['github'],
  options: z.strictObject({
    exemptBots: z
      .boolean()
      .default(true)
      .describe('Changes authored by automation identities (dependabot[bot], renovate[bot]…) need no ticket'),
  }),
  remediation:
    'Name the ticket (e.g. ENG-123, or a link to the issue) in the pull request title or description, the ' +
    'branch name or a commit message, and enforce it with a PR title check. The pattern is `tickets.pattern` ' +
    '/ `tickets.urlPattern` in greenlight.yml.',
  evaluate({ git, github }, { exemptBots }, { config, repository }) {
    if (git.shallow)
      return [
        notAvailable(
          `the clone of ${git.branch} is shallow, so its history is incomplete: run \`git fetch --unshallow\``,
          git.branch,
        ),
      ];
    const key = compile(config.tickets.pattern, 'pattern');
    const url = compile(config.tickets.urlPattern, 'urlPattern');
    if (typeof key === 'string') return [errorResult(key, 'greenlight.yml')];
    if (typeof url === 'string') return [errorResult(url, 'greenlight.yml')];
    const linked = (text: string | undefined): boolean => !!text && (key.test(text) || url.test(text));

    const changes = git.commits.filter(
      (c) => c.firstParent && CHANGE_KINDS.has(c.kind) && !(exemptBots && c.botAuthor),
    );
    if (changes.length === 0)
      return [notApplicable(`no change reached ${git.branch} in the window`, git.branch)];
    let unlinked = changes.filter((c) => !messageLinked(c, linked) && !linked(c.sourceBranch));
    const merges = unlinked.filter((c) => c.parents.length > 1);
    if (merges.length > 0) {
      const behind = mergedCommits(git.commits, merges);
      unlinked = unlinked.filter(
        (c) => !(behind.get(c.sha) ?? []).some((m) => linked(m.subject) || linked(m.body)),
      );
    }
    const prs = github ? pullRequestsOf(github, git, repository) : undefined;
    let viaPr = 0;
    if (prs && !('reason' in prs) && unlinked.length > 0) {
      const before = unlinked.length;
      unlinked = unlinked.filter((c) => {
        const pr = prs.get(c);
        return !pr || !(linked(pr.title) || linked(pr.body) || linked(pr.headRef));
      });
      viaPr = before - unlinked.length;
    }
    if (unlinked.length === 0)
      return [
        pass(
          `all ${changes.length} changes on ${git.branch} link a ticket` +
            (viaPr ? ` (${viaPr} in their GitHub pull request's title, description or branch)` : ''),
          git.branch,
          ...(viaPr ? [{ details: { linkedInPullRequest: viaPr } }] : []),
        ),
      ];
    const unread = !github
      ? 'GitHub is not connected'
      : prs && 'reason' in prs
        ? prs.reason
        : 'no pull request read from GitHub matches it';
    return unlinked.map((c) => {
      const prRead = !!prs && !('reason' in prs) && prs.get(c) !== undefined;
      return fail(
        `${short(c.sha)} "${c.subject}"${c.prNumber !== undefined ? ` (PR #${c.prNumber})` : ''} links no ticket ` +
          `in ${fieldsRead(c, prRead, unread)}`,
        c.sha,
        {
          details: {
            sha: c.sha,
            kind: c.kind,
            subject: c.subject,
            read: prRead ? ['commit', 'pull-request'] : ['commit'],
            ...(c.prUrl ? { prUrl: c.prUrl } : {}),
          },
        },
      );
    });
  },
});
