import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { defaultConfig } from '../../config/index.js';
import { isUnavailable, unavailable, type RepoFiles } from '../../facts/index.js';
import { collectRepoFiles, placeholderReason } from '../../sources/repo-files/index.js';
import { cleanupRepos, createRepo } from '../../../test/git-repo.js';
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

  describe('placeholders and fixture paths', () => {
    afterAll(cleanupRepos);
    // FAKE credentials, assembled at run time so no scanner flags this file.
    const realPw = ['Zx8fK2pLq9', 'Wm3Rt7Yv1B'].join('');
    const awsSecret = ['Zx8fK2pLq9', 'Wm3Rt7Yv1B', 'n6Hs4Jd0Gc', '5Ue2Ai8Ko3'].join('');

    async function scan(files: Record<string, string>) {
      const repo = createRepo();
      repo.commit({ files });
      const facts = await collectRepoFiles({
        root: repo.dir,
        since: null,
        until: new Date(),
        config: defaultConfig(),
        progress: () => {},
      });
      if (isUnavailable(facts)) throw new Error(facts.reason);
      return facts;
    }

    it('keeps a real-looking credential critical and lowers placeholders and fixture paths with the reason', async () => {
      const facts = await scan({
        'settings.py': `AWS_SECRET_ACCESS_KEY = "${awsSecret}"\n`,
        'app/client.py': `URL = "https://user:pass@example.com/api"\n`,
        'deploy/db.txt': `DB = "mysql://REDACTED:REDACTED@db.internal/app"\n`,
        'testdata/conn.txt': `DB = "https://bob:${realPw}@api.corp.io/x"\n`,
        'README.md': `Try https://bob:${realPw}@api.corp.io/x\n`,
      });
      const byPath = new Map(runCheck(check, { repoFiles: facts }).map((f) => [f.resource, f]));
      expect([...byPath.keys()].sort()).toEqual([
        'README.md',
        'app/client.py',
        'deploy/db.txt',
        'settings.py',
        'testdata/conn.txt',
      ]);
      expect(byPath.get('settings.py')?.severity).toBeUndefined();
      expect(byPath.get('settings.py')?.outcome).toBe('fail');
      expect(byPath.get('app/client.py')).toMatchObject({ outcome: 'fail', severity: 'low' });
      expect(byPath.get('app/client.py')?.message).toMatch(
        /placeholder credential \(the password is a well-known placeholder\)$/,
      );
      expect(byPath.get('deploy/db.txt')).toMatchObject({ severity: 'low' });
      expect(byPath.get('deploy/db.txt')?.message).toMatch(/placeholder credential/);
      expect(byPath.get('testdata/conn.txt')).toMatchObject({ severity: 'low' });
      expect(byPath.get('testdata/conn.txt')?.message).toMatch(/— in test fixtures \(testdata\/\)$/);
      expect(byPath.get('README.md')?.message).toMatch(/— in documentation \(\*\.md\)$/);
      expect(JSON.stringify([...byPath.values()])).not.toContain(realPw);
    });

    it('keeps every finding at the check severity when configured so', async () => {
      const facts = await scan({
        'app/client.py': `URL = "https://user:pass@example.com/api"\n`,
        'testdata/conn.txt': `DB = "https://bob:${realPw}@api.corp.io/x"\n`,
      });
      const strict = runCheck(
        check,
        { repoFiles: facts },
        { options: { placeholders: false, lowerSeverityPaths: [] } },
      );
      expect(strict.map((f) => [f.outcome, f.severity])).toEqual([
        ['fail', undefined],
        ['fail', undefined],
      ]);
      const custom = runCheck(
        check,
        { repoFiles: facts },
        { options: { placeholders: false, lowerSeverityPaths: ['app/**'], lowerSeverity: 'medium' } },
      );
      const app = custom.find((f) => f.resource === 'app/client.py');
      expect(app).toMatchObject({ severity: 'medium' });
      expect(app?.message).toMatch(/in a lower-severity path \(app\/\*\*\)$/);
      expect(custom.find((f) => f.resource === 'testdata/conn.txt')?.severity).toBeUndefined();
    });

    it('recognises placeholder values and leaves real-looking ones alone', () => {
      for (const v of [
        'https://user:pass@example.com',
        'postgres://admin:admin@localhost:5432/db',
        'http://user:password@127.0.0.1/',
        'mysql://REDACTED:REDACTED@host/db',
        'https://app:${DB_PASSWORD}@db/x',
        'https://app:<token>@db/x',
        'https://app:changeme@db.corp.io',
        'https://app:xxx@db.corp.io',
        'AKIAIOSFODNN7EXAMPLE',
        'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      ])
        expect(placeholderReason(v), v).toMatch(/^placeholder credential/);
      for (const v of [
        `https://bob:${realPw}@api.corp.io`,
        `postgres://app:${realPw}@localhost/db`,
        awsSecret,
      ])
        expect(placeholderReason(v), v).toBeUndefined();
    });
  });
});
