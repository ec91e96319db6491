import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupRepos, createRepo, readHistory, type TestRepo } from '../../../test/git-repo.js';
import { cleanupLedgers, evidenceBuilder, noLedgerEvidence } from '../../../test/evidence-builder.js';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, repository } from '../../../test/github-facts.js';
import check from './index.js';

let repo: TestRepo;
const sha: Record<string, string> = {};
beforeAll(() => {
  repo = createRepo();
  sha.base = repo.commit({ subject: 'Initial' });
  for (const n of [1, 2]) {
    repo.branch(`feature/ENG-${n}`);
    sha[`h${n}`] = repo.commit({ subject: `ENG-${n} work` });
    repo.checkout('main');
    sha[`m${n}`] = repo.prMerge(`feature/ENG-${n}`, n);
  }
});
afterAll(cleanupRepos);
afterAll(cleanupLedgers);
const since = new Date('2026-01-05T09:30:00Z');

describe('evidence.complete', () => {
  it('passes when every change has PR, approval, checks and deploy', async () => {
    const ev = evidenceBuilder();
    await ev.approve(1, sha.h1!, 'bob', '2026-01-05T10:30:00Z');
    await ev.approve(2, sha.h2!, 'bob', '2026-01-05T12:30:00Z');
    await ev.deploy(sha.m2!, '2026-01-05T14:00:00Z');
    const f = runCheck(check, { git: await readHistory(repo, { since }), evidence: await ev.read() });
    expect(outcomes(f)).toEqual(['pass']);
    expect(f[0]!.message).toContain('100.0% of 2 changes');
  });

  it('fails when a change lacks its approval, naming it', async () => {
    const ev = evidenceBuilder();
    await ev.approve(1, sha.h1!, 'bob', '2026-01-05T10:30:00Z');
    await ev.tests(sha.h2!, true);
    await ev.deploy(sha.m2!, '2026-01-05T14:00:00Z');
    const f = runCheck(check, { git: await readHistory(repo, { since }), evidence: await ev.read() });
    expect(outcomes(f)).toEqual(['fail']);
    expect(f[0]!.message).toContain(`${sha.m2!.slice(0, 7)} (missing approval)`);
  });

  it('takes the approval and head checks of a pull request from GitHub when read', async () => {
    const ev = evidenceBuilder();
    await ev.approve(1, sha.h1!, 'bob', '2026-01-05T10:30:00Z');
    await ev.deploy(sha.m2!, '2026-01-05T14:00:00Z');
    const git = await readHistory(repo, { since });
    const m2 = git.commits.find((c) => c.sha === sha.m2)!;
    const pr2 = {
      number: 2,
      title: 'ENG-2 work',
      body: '',
      url: 'https://github.com/acme/shop/pull/2',
      author: 'alice',
      createdAt: '2026-01-05T11:30:00Z',
      mergedAt: m2.committedAt,
      mergedBy: 'alice',
      baseRef: 'main',
      headRef: 'feature/ENG-2',
      headSha: sha.h2!,
      mergeCommitSha: sha.m2!,
      labels: [],
      lastPusher: 'alice',
      reviews: [
        { author: 'bob', state: 'APPROVED', submittedAt: '2026-01-05T12:30:00Z', commitSha: sha.h2! },
      ],
      checks: [
        {
          name: 'ci/test',
          kind: 'check-run' as const,
          status: 'COMPLETED',
          conclusion: 'SUCCESS',
          completedAt: null,
        },
      ],
      checkState: 'SUCCESS',
    };
    const github = githubFacts({
      scope: { kind: 'repository', repository: 'acme/shop' },
      repositories: [repository({ fullName: 'acme/shop', name: 'shop', pullRequests: [pr2] })],
    });
    const evidence = await ev.read();
    // Without GitHub, #2 has neither an approval nor recorded tests; with it, its chain is complete.
    expect(outcomes(runCheck(check, { git, evidence }))).toEqual(['fail']);
    const f = runCheck(check, { git, evidence, github });
    expect(outcomes(f)).toEqual(['pass']);
    expect(f[0]!.message).toContain('100.0% of 2 changes');
  });

  it('is not_applicable with no change in the window', async () => {
    const git = await readHistory(repo, { since: new Date('2029-01-01T00:00:00Z') });
    expect(outcomes(runCheck(check, { git, evidence: await evidenceBuilder().read() }))).toEqual([
      'not_applicable',
    ]);
  });

  it('is not_available when no evidence ledger exists', async () => {
    const git = await readHistory(repo, { since });
    const f = runCheck(check, { git, evidence: await noLedgerEvidence() });
    expect(outcomes(f)).toEqual(['not_available']);
    expect(f[0]!.message).toContain('no evidence ledger exists yet');
  });
});
