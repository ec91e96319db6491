import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE,
  BOB,
  cleanupRepos,
  cloneRepo,
  createRepo,
  DEPENDABOT,
  fastImportCommits,
  GITHUB_ACTIONS,
  GITLAB,
  isolateGitConfig,
  tempDir,
  WEB_FLOW,
  type TestRepo,
} from '../../../test/git-repo.js';
import { defaultConfig } from '../../config/index.js';
import { isUnavailable, type Commit, type GitHistory } from '../../facts/index.js';
import type { SourceContext } from '../context.js';
import { collectGit } from './index.js';

isolateGitConfig();
afterAll(cleanupRepos);

function ctx(root: string, extra: Partial<SourceContext> = {}): SourceContext {
  return {
    root,
    since: null,
    until: new Date('2030-01-01T00:00:00Z'),
    config: defaultConfig(),
    progress: () => {},
    ...extra,
  };
}

async function history(root: string, extra: Partial<SourceContext> = {}): Promise<GitHistory> {
  const h = await collectGit(ctx(root, extra));
  if (isUnavailable(h)) throw new Error(h.reason);
  return h;
}

describe('collectGit: classification', () => {
  let repo: TestRepo;
  let h: GitHistory;
  const sha: Record<string, string> = {};
  const get = (name: string): Commit => {
    const c = h.commits.find((x) => x.sha === sha[name]);
    if (!c) throw new Error(`commit ${name} not read`);
    return c;
  };

  beforeAll(async () => {
    repo = createRepo();
    repo.git(['remote', 'add', 'origin', 'https://alice:ghp_secret123@github.com/acme/app.git']);
    sha.initial = repo.commit({ subject: 'Initial commit' });
    repo.branch('feature/ENG-7-login');
    sha.work1 = repo.commit({ subject: 'Add login form' });
    sha.work2 = repo.commit({ subject: 'Test login form', author: BOB });
    repo.checkout('main');
    sha.prMerge = repo.prMerge('feature/ENG-7-login', 1, { author: BOB });
    sha.squash = repo.squash(2, {
      subject: 'Fix typo',
      body: 'Longer explanation\nover two lines.',
      trailers: [
        ['Reviewed-by', 'Bob Roe <bob@example.com>'],
        ['Co-authored-by', 'Carol <carol@example.com>'],
      ],
    });
    sha.rebase = repo.commit({ subject: 'Rebased by GitHub', committer: WEB_FLOW });
    repo.branch('fix-cache');
    repo.commit({ subject: 'Cache fix' });
    repo.checkout('main');
    sha.gitlab = repo.merge('fix-cache', {
      subject: "Merge branch 'fix-cache' into 'main'",
      body: 'Fix the cache\n\nSee merge request acme/app!7',
      committer: GITLAB,
    });
    repo.branch('bb');
    repo.commit({ subject: 'Bitbucket work' });
    repo.checkout('main');
    sha.bitbucket = repo.merge('bb', {
      subject: 'Merged in bb (pull request #9)',
      body: 'Approved-by: Bob Roe',
    });
    sha.prUrl = repo.commit({
      subject: 'Land change via tooling',
      trailers: { 'PR-URL': 'https://github.com/acme/app/pull/31', 'Approved-by': 'Bob Roe' },
    });
    sha.dependabot = repo.commit({ subject: 'Bump lodash', author: DEPENDABOT, committer: WEB_FLOW });
    sha.actions = repo.commit({ subject: 'chore: release 1.2.0', author: GITHUB_ACTIONS });
    sha.direct = repo.commit({
      subject: 'Hotfix prod',
      author: BOB,
      trailers: { 'Emergency-Change': 'INC-42' },
    });
    repo.branch('local-topic');
    sha.topic = repo.commit({ subject: 'Topic work' });
    repo.checkout('main');
    sha.localMerge = repo.merge('local-topic', { subject: "Merge branch 'local-topic'" });
    h = await history(repo.dir);
  });

  it('reads the branch, the head and every commit, newest first', () => {
    expect(h.branch).toBe('main');
    expect(h.detached).toBe(false);
    expect(h.headSha).toBe(repo.head());
    expect(h.shallow).toBe(false);
    expect(h.commits[0]?.sha).toBe(sha.localMerge);
    expect(h.commits).toHaveLength(16);
  });

  it('classifies GitHub pull-request merges and the commits they bring in', () => {
    const m = get('prMerge');
    expect(m).toMatchObject({ kind: 'pr-merge', forge: 'github', prNumber: 1, firstParent: true });
    expect(m.sourceBranch).toBe('feature/ENG-7-login');
    expect(m.prUrl).toBe('https://github.com/acme/app/pull/1');
    expect(m.parents).toEqual([sha.initial, sha.work2]);
    expect(get('work1')).toMatchObject({ kind: 'merged', firstParent: false });
    expect(get('work2')).toMatchObject({ kind: 'merged', authorName: BOB.name, authorEmail: BOB.email });
  });

  it('classifies squash and rebase merges by the forge', () => {
    expect(get('squash')).toMatchObject({
      kind: 'forge-squash',
      forge: 'github',
      prNumber: 2,
      subject: 'Fix typo (#2)',
    });
    expect(get('rebase')).toMatchObject({ kind: 'forge-squash', forge: 'github' });
    expect(get('rebase').prNumber).toBeUndefined();
    expect(get('prUrl')).toMatchObject({
      kind: 'forge-squash',
      forge: 'github',
      prNumber: 31,
      prUrl: 'https://github.com/acme/app/pull/31',
    });
  });

  it('classifies GitLab and Bitbucket merges', () => {
    expect(get('gitlab')).toMatchObject({
      kind: 'pr-merge',
      forge: 'gitlab',
      prNumber: 7,
      sourceBranch: 'fix-cache',
    });
    // origin is on github.com, so a GitLab merge request cannot be linked there.
    expect(get('gitlab').prUrl).toBeUndefined();
    expect(get('bitbucket')).toMatchObject({
      kind: 'pr-merge',
      forge: 'bitbucket',
      prNumber: 9,
      sourceBranch: 'bb',
    });
  });

  it('classifies bots, direct pushes and local merges', () => {
    expect(get('dependabot')).toMatchObject({ kind: 'bot', botAuthor: true });
    expect(get('actions')).toMatchObject({ kind: 'bot', botAuthor: true });
    expect(get('direct')).toMatchObject({ kind: 'direct-push', emergency: 'INC-42' });
    expect(get('initial').kind).toBe('direct-push');
    expect(get('localMerge')).toMatchObject({ kind: 'direct-push', firstParent: true });
    expect(get('topic')).toMatchObject({ kind: 'merged', firstParent: false });
  });

  it('parses subject, body, dates and trailers', () => {
    const c = get('squash');
    expect(c.body).toBe(
      'Longer explanation\nover two lines.\n\nReviewed-by: Bob Roe <bob@example.com>\nCo-authored-by: Carol <carol@example.com>',
    );
    expect(c.trailers).toEqual([
      { key: 'Reviewed-by', value: 'Bob Roe <bob@example.com>' },
      { key: 'Co-authored-by', value: 'Carol <carol@example.com>' },
    ]);
    expect(c).toMatchObject({
      authorName: ALICE.name,
      committerName: 'GitHub',
      committerEmail: 'noreply@github.com',
    });
    expect(Date.parse(c.authoredAt)).toBe(Date.parse(c.committedAt));
    expect(get('prUrl').trailers.map((t) => t.key)).toEqual(['PR-URL', 'Approved-by']);
    expect(get('initial')).toMatchObject({ signature: 'none', trailers: [], body: '' });
    expect(get('initial').signer).toBeUndefined();
  });

  it('lists remotes without embedded credentials', () => {
    expect(h.remotes).toEqual([{ name: 'origin', url: 'https://github.com/acme/app.git' }]);
    expect(JSON.stringify(h)).not.toContain('ghp_secret123');
  });
});

describe('collectGit: links to merge requests', () => {
  it('builds a GitLab merge request URL from a self-hosted origin and the project reference', async () => {
    const repo = createRepo();
    repo.git(['remote', 'add', 'origin', 'git@gitlab.example.com:acme/app.git']);
    repo.commit();
    repo.branch('fix');
    repo.commit();
    repo.checkout('main');
    const sha = repo.merge('fix', {
      subject: "Merge branch 'fix' into 'main'",
      body: 'See merge request platform/app!12',
      committer: GITLAB,
    });
    const h = await history(repo.dir);
    expect(h.commits.find((c) => c.sha === sha)).toMatchObject({
      kind: 'pr-merge',
      prNumber: 12,
      prUrl: 'https://gitlab.example.com/platform/app/-/merge_requests/12',
    });
  });
});

describe('collectGit: signatures', () => {
  it('reports good SSH signatures with their signer, and unsigned commits as none', async () => {
    const repo = createRepo();
    repo.enableSshSigning();
    const signed = repo.commit({ subject: 'Signed', sign: true });
    const plain = repo.commit({ subject: 'Not signed' });
    const h = await history(repo.dir);
    expect(h.commits.find((c) => c.sha === signed)).toMatchObject({ signature: 'good', signer: ALICE.email });
    expect(h.commits.find((c) => c.sha === plain)).toMatchObject({ signature: 'none' });
    expect(h.warnings).toBeUndefined();
  });

  it('warns when SSH signatures cannot be verified for lack of an allowed-signers file', async () => {
    const repo = createRepo();
    repo.enableSshSigning({ allowedSigners: false });
    repo.commit({ subject: 'Signed', sign: true });
    const h = await history(repo.dir);
    expect(h.warnings?.[0]).toMatch(/gpg\.ssh\.allowedSignersFile/);
  });
});

describe('collectGit: repository states', () => {
  it('flags a shallow clone and reads the branch origin/HEAD points at', async () => {
    const src = createRepo();
    for (let i = 0; i < 4; i += 1) src.commit();
    const clone = cloneRepo(src, { depth: 2 });
    const h = await history(clone.dir);
    expect(h.shallow).toBe(true);
    expect(h.branch).toBe('main');
    expect(h.commits).toHaveLength(2);
    expect(h.remotes).toEqual([{ name: 'origin', url: `file://${src.dir}` }]);
  });

  it('reads an empty repository as no commits and no head', async () => {
    const repo = createRepo();
    const h = await history(repo.dir);
    expect(h).toMatchObject({ branch: 'main', headSha: null, commits: [], detached: false });
  });

  it('assesses a detached HEAD as it is and says so', async () => {
    const repo = createRepo();
    const first = repo.commit();
    repo.commit();
    repo.checkout(first);
    const h = await history(repo.dir);
    expect(h.detached).toBe(true);
    expect(h.branch).toBe(`HEAD (detached at ${first.slice(0, 7)})`);
    expect(h.headSha).toBe(first);
    expect(h.commits.map((c) => c.sha)).toEqual([first]);
  });

  it('says what to do outside a git repository', async () => {
    const h = await collectGit(ctx(tempDir()));
    expect(isUnavailable(h) && h.reason).toMatch(
      /is not a git repository: run inside a git checkout or pass a path/,
    );
    const missing = await collectGit(ctx(`${tempDir()}/nowhere`));
    expect(isUnavailable(missing) && missing.reason).toMatch(/nowhere does not exist/);
  });

  it('reads a requested branch and refuses an unknown one', async () => {
    const repo = createRepo();
    repo.commit();
    repo.branch('release/1.0');
    const rel = repo.commit({ subject: 'Release work' });
    repo.checkout('main');
    const h = await history(repo.dir, { branch: 'release/1.0' });
    expect(h.branch).toBe('release/1.0');
    expect(h.headSha).toBe(rel);
    const missing = await collectGit(ctx(repo.dir, { branch: 'nope' }));
    expect(isUnavailable(missing) && missing.reason).toMatch(/branch 'nope' was not found/);
  });

  it('keeps only commits in the window and still follows the first-parent line from the tip', async () => {
    const repo = createRepo();
    const c1 = repo.commit({ date: '2026-02-01T10:00:00Z' });
    const c2 = repo.commit({ date: '2026-03-01T10:00:00Z' });
    const c3 = repo.commit({ date: '2026-04-01T10:00:00Z' });
    repo.commit({ date: '2026-05-01T10:00:00Z' });
    const h = await history(repo.dir, {
      since: new Date('2026-02-15T00:00:00Z'),
      until: new Date('2026-04-15T00:00:00Z'),
    });
    expect(h.commits.map((c) => c.sha)).toEqual([c3, c2]);
    expect(h.commits.every((c) => c.firstParent && c.kind === 'direct-push')).toBe(true);
    expect(h.since).toBe('2026-02-15T00:00:00.000Z');
    const all = await history(repo.dir);
    expect(all.commits.at(-1)?.sha).toBe(c1);
  });

  it('follows the first-parent line even when clock skew makes git list a parent before its child', async () => {
    const repo = createRepo();
    const a = repo.commit({ subject: 'A', date: '2026-01-01T00:00:00Z' });
    const p = repo.commit({
      subject: 'P, committed with a clock running fast',
      date: '2026-06-01T00:00:00Z',
    });
    repo.branch('side');
    const d = repo.commit({ subject: 'D', date: '2026-03-01T00:00:00Z' });
    repo.checkout('main');
    const c = repo.commit({ subject: 'C', date: '2026-02-01T00:00:00Z' });
    const m = repo.prMerge('side', 5, { date: '2026-07-01T00:00:00Z' });
    // The case under test: git lists P (reached through D) before C, its child on the line.
    expect(repo.git(['log', '--format=%H']).split('\n')).toEqual([m, d, p, c, a]);
    const h = await history(repo.dir);
    const firstParent = h.commits.filter((x) => x.firstParent).map((x) => x.sha);
    expect(firstParent).toEqual([m, p, c, a]);
    expect(h.commits.find((x) => x.sha === d)?.kind).toBe('merged');
    expect(h.commits.find((x) => x.sha === p)?.kind).toBe('direct-push');
  });

  it('reports progress every few thousand commits', async () => {
    const repo = createRepo();
    fastImportCommits(repo, 5001);
    const messages: string[] = [];
    const h = await history(repo.dir, { progress: (m) => messages.push(m) });
    expect(h.commits).toHaveLength(5001);
    expect(messages).toEqual(['git: 5000 commits read']);
    expect(h.commits.every((c) => c.firstParent)).toBe(true);
  });
});
