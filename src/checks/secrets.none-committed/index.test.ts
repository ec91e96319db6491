import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { defaultConfig } from '../../config/index.js';
import { isUnavailable, unavailable, type RepoFiles } from '../../facts/index.js';
import { collectRepoFiles } from '../../sources/repo-files/index.js';
import check from './index.js';

function repoFiles(fields: Partial<RepoFiles> = {}): RepoFiles {
  return {
    root: '/repo',
    codeowners: null,
    dependencyUpdates: [],
    securityPolicy: null,
    iac: [],
    policies: [],
    manifests: [],
    secrets: [],
    filesScanned: 120,
    skipped: { 'too-large': 1, binary: 3 },
    ...fields,
  };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('secrets.none-committed', () => {
  it('passes with how many files were scanned and skipped', () => {
    const findings = runCheck(check, { repoFiles: repoFiles() });
    expect(findings).toEqual([
      {
        outcome: 'pass',
        message:
          "No hardcoded credential found in 120 text file(s) scanned with secretlint's recommended rules (not scanned: 3 binary, 1 too-large)",
        resource: '/repo',
        details: { filesScanned: 120, skipped: { 'too-large': 1, binary: 3 } },
      },
    ]);
  });

  it('fails once per finding with path, line and rule', () => {
    const facts = repoFiles({
      secrets: [
        {
          ruleId: '@secretlint/secretlint-rule-github',
          message: 'GitHub token (github): ghp_…[40 characters redacted]',
          path: 'config/app.env',
          line: 3,
          column: 14,
        },
      ],
    });
    expect(runCheck(check, { repoFiles: facts })).toEqual([
      {
        outcome: 'fail',
        message:
          'Possible hardcoded credential at config/app.env:3: GitHub token (github): ghp_…[40 characters redacted]',
        resource: 'config/app.env',
        location: { path: 'config/app.env', line: 3, column: 14 },
        details: { ruleId: '@secretlint/secretlint-rule-github' },
      },
    ]);
  });

  it('is not available when the secret scan could not run', () => {
    const findings = runCheck(check, {
      repoFiles: repoFiles({ secrets: unavailable('secretlint could not be loaded') }),
    });
    expect(outcomes(findings)).toEqual(['not_available']);
    expect(findings[0]?.message).toBe('secretlint could not be loaded');
  });

  it('never repeats the secret from a real scan of a real file', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'gl-secrets-'));
    dirs.push(root);
    // FAKE credential, assembled at run time.
    const secret = ['Zx8fK2pLq9', 'Wm3Rt7Yv1B', 'n6Hs4Jd0Gc', '5Ue2Ai8Ko3'].join('');
    writeFileSync(path.join(root, 'settings.py'), `DEBUG = False\nAWS_SECRET_ACCESS_KEY = "${secret}"\n`);
    const facts = await collectRepoFiles({
      root,
      since: null,
      until: new Date(),
      config: defaultConfig(),
      progress: () => {},
    });
    if (isUnavailable(facts)) throw new Error(facts.reason);
    const findings = runCheck(check, { repoFiles: facts });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]).toMatchObject({
      resource: 'settings.py',
      location: { path: 'settings.py', line: 2 },
    });
    expect(findings[0]?.message).toMatch(
      /^Possible hardcoded credential at settings\.py:2: AWS secret access key \(aws\)/,
    );
    expect(JSON.stringify(findings)).not.toContain(secret);
  });
});
