import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import type { RepoFiles } from '../../facts/index.js';
import { parseCodeowners } from '../../sources/repo-files/index.js';
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
    filesScanned: 0,
    skipped: {},
    repository: 'acme/api',
    ...fields,
  };
}

describe('branch.codeowners-review', () => {
  it('passes for a valid CODEOWNERS, saying the forge half needs a connection', () => {
    const codeowners = parseCodeowners(
      '.github/CODEOWNERS',
      '* @acme/platform\n/api/ @alice dev@acme.example\n',
      'github',
    );
    const findings = runCheck(check, { repoFiles: repoFiles({ codeowners }) });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.message).toBe(
      '.github/CODEOWNERS parses and each of its 2 rule(s) names owners (3 distinct); whether code-owner review is required, and whether the owners exist and have write access, needs a forge connection (GitHub or GitLab)',
    );
  });

  it('fails on each syntax error and each rule without owners, with its line', () => {
    const codeowners = parseCodeowners(
      '.github/CODEOWNERS',
      '* @acme/platform\n/docs/ alice\n/generated/\n',
      'github',
    );
    expect(runCheck(check, { repoFiles: repoFiles({ codeowners }) })).toEqual([
      {
        outcome: 'fail',
        message:
          '.github/CODEOWNERS:2: owner "alice" must be @user, @org/team or an email address (missing "@"?)',
        resource: '.github/CODEOWNERS',
        location: { path: '.github/CODEOWNERS', line: 2 },
      },
      {
        outcome: 'fail',
        message:
          '.github/CODEOWNERS:3: rule "/generated/" names no owner, so changes to it need no code-owner review',
        resource: '.github/CODEOWNERS',
        location: { path: '.github/CODEOWNERS', line: 3 },
      },
    ]);
  });

  it('fails for an empty CODEOWNERS', () => {
    const codeowners = parseCodeowners('CODEOWNERS', '# nothing yet\n', 'github');
    expect(runCheck(check, { repoFiles: repoFiles({ codeowners }) })[0]?.message).toBe(
      'CODEOWNERS has no rules: no path has a code owner',
    );
  });

  it('fails when there is no CODEOWNERS', () => {
    expect(runCheck(check, { repoFiles: repoFiles() })).toEqual([
      {
        outcome: 'fail',
        message: 'No CODEOWNERS file (looked in .github/, the root, docs/ and .gitlab/)',
        resource: 'acme/api',
      },
    ]);
  });
});
