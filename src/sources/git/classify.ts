import type { Commit, Forge } from '../../facts/index.js';

/**
 * How a commit reached the branch, from what forges write into the history. Everything here
 * runs once per commit, so cheap string tests guard each regular expression.
 */

const WEB_FLOW_EMAIL = 'noreply@github.com';
const GITLAB_EMAIL = 'noreply@gitlab.com';

const GITHUB_MERGE = /^Merge pull request #(\d+) from (?:[^/\s]+\/)?(\S+)/;
const GITLAB_MERGE = /^Merge branch '(.+)' into '.+'$/;
const GITLAB_MR_REF = /See merge request (\S+?)!(\d+)/;
const BITBUCKET_MERGE = /^Merged in (\S+) \(pull request #(\d+)\)/;
const PR_SUFFIX = /\(#(\d+)\)$/;
const GITLAB_BOT = /^(?:project|group)_\d+_bot(?:_[0-9a-f]+)?@/;
/** Identities that are automation although they carry no `[bot]` marker. */
const KNOWN_BOT_EMAILS = new Set(['bot@renovateapp.com', 'action@github.com', 'github-actions@github.com']);

/** dependabot[bot], renovate[bot], github-actions[bot], any `…[bot]` identity, GitLab project bots. */
export function isBotIdentity(name: string, email: string): boolean {
  if (name.endsWith('[bot]') || email.includes('[bot]@')) return true;
  if (KNOWN_BOT_EMAILS.has(email)) return true;
  return email.includes('_bot') && GITLAB_BOT.test(email);
}

function isForgeCommitter(c: Commit): Forge | undefined {
  if (c.committerEmail === WEB_FLOW_EMAIL) return 'github';
  if (c.committerEmail === GITLAB_EMAIL) return 'gitlab';
  return undefined;
}

interface PullRequestRef {
  forge: Forge;
  number?: number;
  /** GitLab `group/project` from `See merge request group/project!N`. */
  project?: string;
  url?: string;
  branch?: string;
}

/** A pull/merge request named by the forge's own message or a `PR-URL:` trailer. */
function pullRequestOf(c: Commit, merge: boolean): PullRequestRef | undefined {
  const s = c.subject;
  if (merge && s.startsWith('Merge pull request #')) {
    const m = GITHUB_MERGE.exec(s);
    if (m) return ref('github', m[1], m[2]);
  }
  if (s.startsWith('Merged in ')) {
    const m = BITBUCKET_MERGE.exec(s);
    if (m) return ref('bitbucket', m[2], m[1]);
  }
  if (c.body.includes('See merge request ')) {
    const m = GITLAB_MR_REF.exec(c.body);
    if (m) {
      const branch = merge && s.startsWith("Merge branch '") ? GITLAB_MERGE.exec(s)?.[1] : undefined;
      const r = ref('gitlab', m[2], branch);
      if (m[1]) r.project = m[1];
      return r;
    }
  }
  if (s.charCodeAt(s.length - 1) === 41 /* ) */) {
    const m = PR_SUFFIX.exec(s);
    if (m) return ref('github', m[1], undefined);
  }
  for (const t of c.trailers) {
    if (t.key.length === 6 && t.key.toLowerCase() === 'pr-url' && t.value) return prFromUrl(t.value);
  }
  return undefined;
}

function ref(forge: Forge, num: string | undefined, branch: string | undefined): PullRequestRef {
  const r: PullRequestRef = { forge };
  if (num) r.number = Number(num);
  if (branch) r.branch = branch;
  return r;
}

function prFromUrl(url: string): PullRequestRef {
  const forge: Forge = url.includes('/-/merge_requests/')
    ? 'gitlab'
    : url.includes('/pull-requests/')
      ? 'bitbucket'
      : 'github';
  const r: PullRequestRef = { forge, url };
  const num = /(\d+)\/?$/.exec(url)?.[1];
  if (num) r.number = Number(num);
  return r;
}

/** Hosted forges whose host says which forge they are; self-hosted ones can be any host. */
const HOSTED: Record<string, Forge> = {
  'github.com': 'github',
  'gitlab.com': 'gitlab',
  'bitbucket.org': 'bitbucket',
};

const sites = new Map<string, { origin: string; hosted: Forge | undefined }>();

/** Parsed once per repository address, not once per commit. */
function siteOf(web: string): { origin: string; hosted: Forge | undefined } {
  let site = sites.get(web);
  if (!site) {
    const url = new URL(web);
    site = { origin: url.origin, hosted: HOSTED[url.host] };
    sites.set(web, site);
  }
  return site;
}

/** The request's web address, from the `origin` remote's host, unless that host is another forge (a mirror). */
function prUrl(pr: PullRequestRef, web: string | undefined): string | undefined {
  if (pr.url) return pr.url;
  if (!web || pr.number === undefined) return undefined;
  const site = siteOf(web);
  if (site.hosted && site.hosted !== pr.forge) return undefined;
  if (pr.forge === 'github') return `${web}/pull/${pr.number}`;
  if (pr.forge === 'bitbucket') return `${web}/pull-requests/${pr.number}`;
  const base = pr.project ? `${site.origin}/${pr.project}` : web;
  return `${base}/-/merge_requests/${pr.number}`;
}

function applyPullRequest(c: Commit, pr: PullRequestRef, web: string | undefined): void {
  c.forge = pr.forge;
  if (pr.number !== undefined) c.prNumber = pr.number;
  const url = prUrl(pr, web);
  if (url) c.prUrl = url;
  if (pr.branch) c.sourceBranch = pr.branch;
}

/**
 * Sets `kind` and what goes with it (forge, PR number and URL, merged branch, bot author,
 * emergency) on one commit whose `firstParent` is already known. A merge's `botAuthor` from its
 * merged head is set separately, by `noteMergedHead`, once the head has been read.
 */
export function classify(c: Commit, web: string | undefined): void {
  if (c.trailers.length > 0) {
    for (const t of c.trailers) {
      if (t.key.length === 16 && t.key.toLowerCase() === 'emergency-change') c.emergency = t.value;
    }
  }
  const authorBot = isBotIdentity(c.authorName, c.authorEmail);
  if (authorBot) c.botAuthor = true;
  if (!c.firstParent) {
    c.kind = 'merged';
    return;
  }
  const merge = c.parents.length > 1;
  const pr = pullRequestOf(c, merge);
  if (pr) {
    c.kind = merge ? 'pr-merge' : 'forge-squash';
    applyPullRequest(c, pr, web);
    return;
  }
  const forgeCommitter = isForgeCommitter(c);
  if (authorBot && (forgeCommitter || isBotIdentity(c.committerName, c.committerEmail))) {
    c.kind = 'bot';
    return;
  }
  if (forgeCommitter) {
    // Squash or rebase merge by the forge that carries no PR number (also web-editor commits).
    c.kind = merge ? 'pr-merge' : 'forge-squash';
    c.forge = forgeCommitter;
    return;
  }
  c.kind = 'direct-push';
}

/** A merge whose merged head was authored by a bot is a bot's change (dependabot PR merged by a human). */
export function noteMergedHead(merge: Commit, head: Commit): void {
  if (isBotIdentity(head.authorName, head.authorEmail)) merge.botAuthor = true;
}

/**
 * Classifies commits as `git log` streams them. git lists a commit before its parents, so the
 * first-parent line is followed with one comparison per commit, and no index of all commits is
 * needed. The exception (a parent with a later date than its child, also reachable through
 * another path) is detected by `finish`, which then repairs the line with an index.
 */
export function createClassifier(tip: string, web: string | undefined) {
  let expected: string | undefined = tip;
  /** Second parent → the first-parent merge waiting to learn who authored it. */
  const heads = new Map<string, Commit>();
  return {
    add(c: Commit): void {
      if (c.sha === expected) {
        c.firstParent = true;
        expected = c.parents[0];
      }
      classify(c, web);
      if (heads.size > 0) {
        const merge = heads.get(c.sha);
        if (merge) {
          heads.delete(c.sha);
          noteMergedHead(merge, c);
        }
      }
      if (c.firstParent && c.parents.length > 1) heads.set(c.parents[1] as string, c);
    },
    /** `all` is every commit read, including any the caller keeps out of the window. */
    finish(all: readonly Commit[]): void {
      if (expected === undefined) return;
      const missed = expected;
      if (!all.some((c) => c.sha === missed)) return; // the line left the window: nothing missed
      repairFirstParent(all, missed, web);
    },
  };
}

/** Slow path: follows the first-parent line from `from` through an index of all commits. */
function repairFirstParent(all: readonly Commit[], from: string, web: string | undefined): void {
  const bySha = new Map<string, Commit>();
  for (const c of all) bySha.set(c.sha, c);
  let cur = bySha.get(from);
  while (cur && !cur.firstParent) {
    cur.firstParent = true;
    classify(cur, web);
    const head = cur.parents.length > 1 ? bySha.get(cur.parents[1] as string) : undefined;
    if (head) noteMergedHead(cur, head);
    const next = cur.parents[0];
    cur = next === undefined ? undefined : bySha.get(next);
  }
}
