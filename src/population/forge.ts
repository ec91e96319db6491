import { isUnavailable, type GithubFacts } from '../facts/index.js';
import type { ForgePullRequest } from './types.js';

/**
 * The merged pull requests of one repository from the GitHub facts, as the population reads
 * them (approvals with the commit each was given on, last pusher, checks on the head). Returns
 * why not when the repository is not among the facts or its pull requests could not be read.
 */
export function forgePullRequests(
  github: GithubFacts,
  repository: string | undefined,
): { pullRequests: ForgePullRequest[]; repository: string } | { reason: string } {
  const repos = github.repositories.filter((r) => !r.archived);
  const want = repository?.toLowerCase();
  const repo =
    repos.find((r) => r.fullName.toLowerCase() === want) ??
    (github.scope.kind === 'repository' && repos.length === 1 ? repos[0] : undefined);
  if (!repo)
    return { reason: `the GitHub facts of ${github.org} hold no repository ${repository ?? '(unknown)'}` };
  if (isUnavailable(repo.pullRequests))
    return { reason: `pull requests of ${repo.fullName} could not be read: ${repo.pullRequests.reason}` };
  return {
    repository: repo.fullName,
    pullRequests: repo.pullRequests.map((p) => ({
      number: p.number,
      title: p.title,
      body: p.body,
      url: p.url,
      author: p.author,
      mergedAt: p.mergedAt,
      headSha: p.headSha,
      mergeCommitSha: p.mergeCommitSha,
      labels: p.labels,
      lastPusher: p.lastPusher,
      reviews: p.reviews.map((r) => ({
        author: r.author,
        state: r.state,
        submittedAt: r.submittedAt,
        commitSha: r.commitSha,
      })),
      checks: p.checks.map((c) => ({ name: c.name, conclusion: c.conclusion })),
      checkState: p.checkState,
    })),
  };
}
