import { describe, expect, it } from 'vitest';
import type { CiContext } from '../ci-context/index.js';
import { defaultConfig } from '../config/index.js';
import { emptyEvidence } from '../evidence/index.js';
import type { Commit, DeploymentRecord, GitHistory, RecordedEvidence, TestRecord } from '../facts/index.js';
import {
  buildPopulation,
  repositoryName,
  untraceableReasons,
  type ForgePullRequest,
  type PopulationInput,
} from './index.js';

const sha = (n: number): string => n.toString(16).padStart(40, '0');
const at = (day: number): string => new Date(Date.UTC(2026, 0, day, 12)).toISOString();
const ci: CiContext = { system: 'github-actions', event: 'push', repository: 'acme/shop' };

function commit(n: number, over: Partial<Commit> = {}): Commit {
  return {
    sha: sha(n),
    parents: [sha(n - 1)],
    authorName: 'alice',
    authorEmail: 'alice@example.com',
    authoredAt: at(n),
    committerName: 'alice',
    committerEmail: 'alice@example.com',
    committedAt: at(n),
    subject: `change ${n}`,
    body: '',
    trailers: [],
    firstParent: true,
    kind: 'direct-push',
    signature: 'none',
    ...over,
  };
}

/** A pull request merged with a merge commit (n) whose second parent is the reviewed head (n + 100). */
function prMerge(n: number, pr: number, title = `ENG-${pr} change`): Commit[] {
  const head = commit(n + 100, { firstParent: false, kind: 'merged', committedAt: at(n), subject: title });
  const merge = commit(n, {
    parents: [sha(n - 1), head.sha],
    kind: 'pr-merge',
    prNumber: pr,
    subject: `Merge pull request #${pr} from acme/feature`,
    body: title,
    committerName: 'GitHub',
  });
  return [merge, head];
}

function forgePr(pr: number, merge: number, over: Partial<ForgePullRequest> = {}): ForgePullRequest {
  return {
    number: pr,
    title: `ENG-${pr} change`,
    body: '',
    url: `https://github.com/acme/shop/pull/${pr}`,
    author: 'alice',
    mergedAt: at(merge),
    headSha: sha(merge + 100),
    mergeCommitSha: sha(merge),
    labels: [],
    lastPusher: 'alice',
    reviews: [{ author: 'bob', state: 'APPROVED', submittedAt: at(merge - 1), commitSha: sha(merge + 100) }],
    checks: [{ name: 'build', conclusion: 'SUCCESS' }],
    checkState: 'SUCCESS',
    ...over,
  };
}

const git = (commits: Commit[]): GitHistory => ({
  root: '/work/shop',
  branch: 'main',
  detached: false,
  headSha: commits[0]?.sha ?? null,
  since: null,
  until: at(40),
  shallow: false,
  remotes: [{ name: 'origin', url: 'git@github.com:acme/shop.git' }],
  commits,
});

const noEvidence = (over: Partial<RecordedEvidence> = {}): RecordedEvidence => ({
  ...emptyEvidence('test'),
  ...over,
});

const ref = (index: number, predicateType: string) => ({ index, predicateType, recordedAt: at(30) });

function population(commits: Commit[], over: Partial<PopulationInput> = {}) {
  return buildPopulation({
    git: git(commits),
    evidence: noEvidence(),
    config: defaultConfig(),
    now: new Date(at(40)),
    since: null,
    until: new Date(at(40)),
    ...over,
  });
}

describe('buildPopulation', () => {
  it('is compliant when the forge shows an independent approval on the head, passing checks and a ticket', () => {
    const pop = population(prMerge(10, 7), { pullRequests: [forgePr(7, 10)] });
    expect(pop.repository).toBe('acme/shop');
    expect(pop.approvalSources).toEqual(['forge']);
    const [row] = pop.rows;
    expect(row).toMatchObject({
      commit: sha(10),
      pr: 7,
      headSha: sha(110),
      title: 'ENG-7 change',
      ticket: 'ENG-7',
      independentApproval: true,
      checksPassed: true,
      status: 'compliant',
      reasons: [],
    });
    expect(untraceableReasons(row!)).toEqual([]);
  });

  it('records issue references as tickets by default, but never the change’s own pull-request number', () => {
    const pop = population([
      commit(3, { kind: 'forge-squash', prNumber: 123, subject: 'Add x (#123)' }),
      commit(2, { kind: 'forge-squash', prNumber: 12, subject: 'Fix login (#12)', body: 'Fixes #1234' }),
      commit(1, { subject: 'Share the cache', body: 'Refs: owner/repo#456' }),
    ]);
    expect(pop.rows.map((r) => r.ticket)).toEqual(['owner/repo#456', '#1234', null]);
  });

  it('is a deviation when the only approval is the author’s own, or was given on another commit', () => {
    const self = population(prMerge(10, 7), {
      pullRequests: [
        forgePr(7, 10, {
          reviews: [{ author: 'alice', state: 'APPROVED', submittedAt: at(9), commitSha: sha(110) }],
        }),
      ],
    }).rows[0]!;
    expect(self.independentApproval).toBe(false);
    expect(self.approvals[0]).toMatchObject({ by: 'alice', independent: false, source: 'forge' });
    expect(self.status).toBe('deviation');
    const stale = population(prMerge(10, 7), {
      pullRequests: [
        forgePr(7, 10, {
          reviews: [{ author: 'bob', state: 'APPROVED', submittedAt: at(9), commitSha: sha(1) }],
        }),
      ],
    }).rows[0]!;
    expect(stale.approvals[0]).toMatchObject({ onHead: false, independent: true });
    expect(stale.independentApproval).toBe(false);
    expect(stale.status).toBe('deviation');
  });

  it('lets a reviewer’s later change request supersede their approval and does not count bot approvals as independent', () => {
    const superseded = population(prMerge(10, 7), {
      pullRequests: [
        forgePr(7, 10, {
          reviews: [
            { author: 'bob', state: 'APPROVED', submittedAt: at(7), commitSha: sha(110) },
            { author: 'bob', state: 'CHANGES_REQUESTED', submittedAt: at(8), commitSha: sha(110) },
            { author: 'bob', state: 'COMMENTED', submittedAt: at(9), commitSha: sha(110) },
          ],
        }),
      ],
    }).rows[0]!;
    expect(superseded.approvals).toEqual([]);
    expect(superseded.independentApproval).toBe(false);
    expect(superseded.status).toBe('deviation');
    const bot = population(prMerge(10, 7), {
      pullRequests: [
        forgePr(7, 10, {
          reviews: [{ author: 'github-actions', state: 'APPROVED', submittedAt: at(9), commitSha: sha(110) }],
        }),
      ],
    }).rows[0]!;
    expect(bot.approvals[0]).toMatchObject({ by: 'github-actions', independent: false });
    expect(bot.independentApproval).toBe(false);
  });

  it('says when there is no approval data at all rather than judging the approval', () => {
    const row = population(prMerge(10, 7)).rows[0]!;
    expect(row.independentApproval).toBeNull();
    expect(row.checksPassed).toBeNull();
    expect(row.reasons).toEqual([
      'no approval data (no forge data and no recorded review)',
      'no checks or test results recorded for the head commit',
    ]);
    expect(row.status).toBe('deviation');
    expect(untraceableReasons(row)).toHaveLength(2);
  });

  it('marks a direct push as a deviation and leaves merged-in commits out of the population', () => {
    const pop = population([commit(20, { subject: 'hotfix ENG-9' }), ...prMerge(10, 7)], {
      pullRequests: [forgePr(7, 10)],
    });
    expect(pop.rows.map((r) => [r.commit, r.kind, r.status])).toEqual([
      [sha(10), 'pr-merge', 'compliant'],
      [sha(20), 'direct-push', 'deviation'],
    ]);
    expect(pop.rows[1]!.reasons[0]).toBe('pushed directly to main without a pull request');
    expect(pop.rows.some((r) => r.commit === sha(110))).toBe(false);
  });

  it('joins a squash merge to its forge pull request by merge commit, without a PR number in git', () => {
    const squash = commit(10, { kind: 'forge-squash', subject: 'add checkout (#7)' });
    const row = population([squash], {
      pullRequests: [
        forgePr(7, 10, {
          headSha: sha(300),
          reviews: [{ author: 'bob', state: 'APPROVED', submittedAt: at(9), commitSha: sha(300) }],
        }),
      ],
    }).rows[0]!;
    expect(row).toMatchObject({ pr: 7, headSha: sha(300), prUrl: 'https://github.com/acme/shop/pull/7' });
    expect(row.status).toBe('compliant');
  });

  it('judges checks by the recorded test runs of the head commit when there is no forge data', () => {
    const tests = (passed: boolean): TestRecord => ({
      ref: ref(3, 'https://greenlight.dev/evidence/tests/v1'),
      ci,
      commit: sha(110),
      format: 'junit',
      total: 4,
      failed: passed ? 0 : 1,
      errors: 0,
      skipped: 0,
      passed,
      reportSha256: 'f'.repeat(64),
    });
    for (const passed of [true, false]) {
      const row = population(prMerge(10, 7), { evidence: noEvidence({ tests: [tests(passed)] }) }).rows[0]!;
      expect(row.checksPassed).toBe(passed);
      expect(row.checks).toEqual([
        { name: 'tests (junit)', conclusion: passed ? 'SUCCESS' : 'FAILURE', source: 'tests', index: 3 },
      ]);
      expect(row.evidence).toContain(3);
    }
  });

  it('keeps to the window and to the repository the evidence was recorded for', () => {
    const commits = [commit(20, { parents: [sha(5)] }), commit(5)];
    const inWindow = population(commits, { since: new Date(at(10)) });
    expect(inWindow.rows.map((r) => r.commit)).toEqual([sha(20)]);
    expect(inWindow.since).toBe(at(10));
    const deploy = (repository: string): DeploymentRecord => ({
      ref: ref(1, 'https://greenlight.dev/evidence/deployment/v1'),
      ci: { ...ci, repository },
      environment: 'production',
      commit: sha(20),
      artifacts: [],
      deployedAt: at(21),
    });
    const evidence = noEvidence({ deployments: [deploy('acme/shop'), deploy('acme/other')] });
    const pop = population(commits, { evidence, repository: 'acme/shop' });
    expect(pop.deployments).toHaveLength(1);
    expect(pop.deployments[0]!.changes).toEqual([sha(20), sha(5)]);
    expect(pop.rows.find((r) => r.commit === sha(20))!.deployments).toHaveLength(1);
  });

  it('reports a production deployment of a commit the branch does not contain', () => {
    const evidence = noEvidence({
      deployments: [
        {
          ref: ref(2, 'https://greenlight.dev/evidence/deployment/v1'),
          ci,
          environment: 'prod',
          commit: sha(999),
          artifacts: [],
          deployedAt: at(21),
        },
      ],
    });
    const pop = population([commit(20)], { evidence });
    expect(pop.deployments).toEqual([]);
    expect(pop.offBranchDeployments.map((d) => d.commit)).toEqual([sha(999)]);
  });
});

describe('repositoryName', () => {
  it('reads owner/repo from the origin remote, SSH or HTTPS', () => {
    expect(repositoryName([{ name: 'origin', url: 'git@github.com:acme/shop.git' }])).toBe('acme/shop');
    expect(
      repositoryName([
        { name: 'upstream', url: 'https://github.com/other/fork.git' },
        { name: 'origin', url: 'https://gitlab.example.com/group/sub/app' },
      ]),
    ).toMatch(/app$/);
    expect(repositoryName([])).toBeUndefined();
  });
});
