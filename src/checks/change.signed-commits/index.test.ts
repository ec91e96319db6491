import { afterAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { cleanupRepos, cloneRepo, createRepo, GITHUB_ACTIONS, readHistory } from '../../../test/git-repo.js';
import { configSchema } from '../../config/index.js';
import check from './index.js';

afterAll(cleanupRepos);

describe('change.signed-commits', () => {
  it('passes when the share of validly signed changes meets the floor, bots left out', async () => {
    const repo = createRepo();
    repo.enableSshSigning();
    for (let i = 0; i < 3; i += 1) repo.commit({ sign: true });
    repo.commit({ subject: 'chore: release', author: GITHUB_ACTIONS });
    const findings = runCheck(check, { git: await readHistory(repo) });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.message).toBe('3 of 3 changes on main (100%) carry a valid signature (floor 90%)');
    expect(
      outcomes(runCheck(check, { git: await readHistory(repo) }, { options: { includeBots: true } })),
    ).toEqual(['fail']);
  });

  it('fails below the floor with the count, the share and what is wrong', async () => {
    const repo = createRepo();
    repo.enableSshSigning();
    repo.commit({ sign: true });
    repo.commit();
    repo.commit();
    const git = await readHistory(repo);
    const findings = runCheck(check, { git });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toBe(
      'only 1 of 3 changes on main (33.3%) carry a valid signature, below the floor of 90% (2 none)',
    );
    const config = configSchema.parse({ thresholds: { signedCommitsFloor: 0.3 } });
    expect(outcomes(runCheck(check, { git }, { config }))).toEqual(['pass']);
  });

  it('says when signatures could not be verified', async () => {
    const repo = createRepo();
    repo.enableSshSigning({ allowedSigners: false });
    repo.commit({ sign: true });
    const findings = runCheck(check, { git: await readHistory(repo) });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/gpg\.ssh\.allowedSignersFile/);
  });

  it('is not applicable without changes, and not available on a shallow clone', async () => {
    const repo = createRepo();
    expect(outcomes(runCheck(check, { git: await readHistory(repo) }))).toEqual(['not_applicable']);
    repo.commit();
    repo.commit();
    const shallow = runCheck(check, { git: await readHistory(cloneRepo(repo, { depth: 1 })) });
    expect(outcomes(shallow)).toEqual(['not_available']);
  });
});
