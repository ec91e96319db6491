import { describe, expect, it } from 'vitest';
import { runCheck } from '../../../test/check-tester.js';
import type { RepoFiles } from '../../facts/index.js';
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
    ...fields,
  };
}

describe('repo.security-policy', () => {
  it('passes when SECURITY.md exists', () => {
    expect(runCheck(check, { repoFiles: repoFiles({ securityPolicy: '.github/SECURITY.md' }) })).toEqual([
      {
        outcome: 'pass',
        message: 'Security policy found at .github/SECURITY.md',
        resource: '.github/SECURITY.md',
        location: { path: '.github/SECURITY.md' },
      },
    ]);
  });

  it('fails when there is none', () => {
    expect(runCheck(check, { repoFiles: repoFiles({ repository: 'acme/api' }) })).toEqual([
      {
        outcome: 'fail',
        message: 'No SECURITY.md at the root, in .github/ or in docs/',
        resource: 'acme/api',
      },
    ]);
  });
});
