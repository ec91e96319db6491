import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { cleanupRepos, cloneRepo, createRepo, GITHUB_ACTIONS, readHistory } from '../../../test/git-repo.js';
import { configSchema } from '../../config/index.js';
import type { TestRepo } from '../../../test/git-repo.js';
import check from './index.js';

afterAll(cleanupRepos);

const gpgHomes: string[] = [];
afterAll(() => {
  for (const d of gpgHomes) rmSync(d, { recursive: true, force: true });
});
const gpgHome = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-gnupg-'));
  gpgHomes.push(dir);
  return dir;
};

/**
 * Commits signed with a GPG key from a keyring greenlight never sees, as GitHub signs web-flow
 * commits: read with another (empty) keyring, git reports `%G?` = E (the key is missing).
 */
function signWithForeignGpgKey(repo: TestRepo, count: number): void {
  const home = gpgHome();
  const env = { GNUPGHOME: home };
  execFileSync(
    'gpg',
    [
      '--batch',
      '--passphrase',
      '',
      '--quick-gen-key',
      'Forge <noreply@forge.test>',
      'ed25519',
      'sign',
      'never',
    ],
    {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < count; i += 1)
    repo.git(
      [
        '-c',
        'user.name=Forge',
        '-c',
        'user.email=noreply@forge.test',
        '-c',
        'gpg.format=openpgp',
        '-c',
        'user.signingKey=noreply@forge.test',
        'commit',
        '-q',
        '-S',
        '--allow-empty',
        '-m',
        `web-flow ${i}`,
      ],
      { env },
    );
}

/** Reads the history with an empty keyring, so the foreign GPG signatures cannot be checked. */
async function readWithoutKeys(repo: TestRepo): ReturnType<typeof readHistory> {
  const saved = process.env.GNUPGHOME;
  process.env.GNUPGHOME = gpgHome();
  try {
    return await readHistory(repo);
  } finally {
    if (saved === undefined) delete process.env.GNUPGHOME;
    else process.env.GNUPGHOME = saved;
  }
}

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

  it('is not available, not "0%", when git cannot check any signature (GPG key missing: %G? = E)', async () => {
    const repo = createRepo();
    signWithForeignGpgKey(repo, 3);
    const git = await readWithoutKeys(repo);
    expect(git.commits.map((c) => c.signature)).toEqual(['cannot-check', 'cannot-check', 'cannot-check']);
    const findings = runCheck(check, { git });
    expect(outcomes(findings)).toEqual(['not_available']);
    expect(findings[0]?.message).toMatch(
      /^none of the 3 changes on main could be checked: 3 signatures git cannot check here/,
    );
    expect(findings[0]?.message).toMatch(/connect GitHub so the forge's verification decides/);
    expect(findings[0]?.message).not.toMatch(/0%/);
  });

  it('decides around unverifiable signatures only when they cannot change the outcome', async () => {
    // 2 good + 1 unverifiable of 3: below the floor of 90% unless the unverifiable one is valid.
    const repo = createRepo();
    repo.enableSshSigning();
    repo.commit({ sign: true });
    repo.commit({ sign: true });
    signWithForeignGpgKey(repo, 1);
    const undecided = runCheck(check, { git: await readWithoutKeys(repo) });
    expect(outcomes(undecided)).toEqual(['not_available']);
    expect(undecided[0]?.message).toMatch(
      /^2 of 2 checkable changes on main carry a valid signature.*1 signature git cannot check/,
    );
    // 2 unsigned commits more: even if the unverifiable one were valid, 3 of 5 is below the floor.
    repo.commit();
    repo.commit();
    const failed = runCheck(check, { git: await readWithoutKeys(repo) });
    expect(outcomes(failed)).toEqual(['fail']);
    expect(failed[0]?.message).toMatch(
      /\(2 none, 1 cannot-check\); even counting as valid the 1 signature git cannot check/,
    );
    // A floor the good ones alone meet: decided as pass.
    const config = configSchema.parse({ thresholds: { signedCommitsFloor: 0.4 } });
    expect(outcomes(runCheck(check, { git: await readWithoutKeys(repo) }, { config }))).toEqual(['pass']);
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
