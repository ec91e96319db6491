import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, cleanupRepos, createRepo, readHistory, type TestRepo } from '../../../test/git-repo.js';
import { cleanupLedgers, evidenceBuilder, noLedgerEvidence } from '../../../test/evidence-builder.js';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import check from './index.js';

let repo: TestRepo;
const sha: Record<string, string> = {};
beforeAll(() => {
  repo = createRepo();
  sha.base = repo.commit({ subject: 'Initial' });
  repo.branch('feature/ENG-1');
  sha.h1 = repo.commit({ subject: 'ENG-1 work', author: ALICE });
  repo.checkout('main');
  sha.m1 = repo.prMerge('feature/ENG-1', 1);
  sha.x = repo.commit({ subject: 'ENG-2 pushed straight to main', author: BOB });
});
afterAll(cleanupRepos);
afterAll(cleanupLedgers);

describe('deploy.traceable', () => {
  it('passes when the deployment ships an approved, tested change', async () => {
    const ev = evidenceBuilder();
    await ev.deploy(sha.base!, '2026-01-05T09:30:00Z');
    await ev.approve(1, sha.h1!, 'bob', '2026-01-05T10:30:00Z');
    await ev.deploy(sha.m1!, '2026-01-05T11:30:00Z');
    const git = await readHistory(repo);
    const f = runCheck(check, { git, evidence: await ev.read() });
    // The first deploy shipped the initial commit (a direct push); the second only the approved PR.
    const second = f.find((x) => x.resource === sha.m1)!;
    expect(second.outcome).toBe('pass');
    expect(second.message).toContain('shipped 1 traceable change');
  });

  it('fails and names the direct push a deployment shipped', async () => {
    const ev = evidenceBuilder();
    await ev.deploy(sha.m1!, '2026-01-05T11:30:00Z');
    await ev.deploy(sha.x!, '2026-01-05T12:30:00Z');
    const f = runCheck(check, { git: await readHistory(repo), evidence: await ev.read() });
    const failed = f.filter((x) => x.outcome === 'fail');
    expect(failed.map((x) => x.resource)).toContain(sha.x);
    expect(failed.find((x) => x.resource === sha.x)!.message).toContain(
      `${sha.x!.slice(0, 7)} (pushed directly`,
    );
  });

  it('fails a deployment of a commit that is not on the branch', async () => {
    const ev = evidenceBuilder();
    await ev.deploy('f'.repeat(40), '2026-01-05T12:30:00Z');
    const f = runCheck(check, { git: await readHistory(repo), evidence: await ev.read() });
    expect(outcomes(f)).toEqual(['fail']);
    expect(f[0]!.message).toContain('not in the history of main');
  });

  it('is not_available when no evidence ledger exists, saying how to start one', async () => {
    const f = runCheck(check, { git: await readHistory(repo), evidence: await noLedgerEvidence() });
    expect(outcomes(f)).toEqual(['not_available']);
    expect(f[0]!.message).toContain('greenlight init');
  });

  it('is not_available when no deployment was ever recorded', async () => {
    const f = runCheck(check, { git: await readHistory(repo), evidence: await evidenceBuilder().read() });
    expect(outcomes(f)).toEqual(['not_available']);
  });

  it('is not_applicable when no deployment falls in the window', async () => {
    const ev = evidenceBuilder();
    await ev.deploy(sha.base!, '2025-01-01T00:00:00Z');
    const git = await readHistory(repo, { since: new Date('2026-01-01T00:00:00Z') });
    expect(outcomes(runCheck(check, { git, evidence: await ev.read() }))).toEqual(['not_applicable']);
  });
});
