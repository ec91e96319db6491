import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
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
    manifests: [
      { ecosystem: 'npm', path: 'package.json' },
      { ecosystem: 'pip', path: 'tools/requirements.txt' },
    ],
    secrets: [],
    filesScanned: 2,
    skipped: {},
    ...fields,
  };
}

describe('scan.dependency-updates', () => {
  it('passes with Dependabot covering every ecosystem', () => {
    const facts = repoFiles({
      dependencyUpdates: [
        { tool: 'dependabot', path: '.github/dependabot.yml', ecosystems: ['npm', 'pip', 'github-actions'] },
      ],
    });
    const findings = runCheck(check, { repoFiles: facts });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.message).toBe(
      'Dependency updates are automated by Dependabot (.github/dependabot.yml) for npm, pip',
    );
  });

  it('passes with Renovate detecting every manager, and notes partial Dependabot coverage', () => {
    const renovate = repoFiles({
      dependencyUpdates: [{ tool: 'renovate', path: 'renovate.json', ecosystems: ['*'] }],
    });
    expect(outcomes(runCheck(check, { repoFiles: renovate }))).toEqual(['pass']);
    const partial = repoFiles({
      dependencyUpdates: [{ tool: 'dependabot', path: '.github/dependabot.yml', ecosystems: ['npm'] }],
    });
    const [f] = runCheck(check, { repoFiles: partial });
    expect(f?.outcome).toBe('pass');
    expect(f?.message).toMatch(/; not covered: pip$/);
  });

  it('fails without any configuration', () => {
    const findings = runCheck(check, { repoFiles: repoFiles() });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toBe(
      'No Dependabot or Renovate configuration: npm, pip dependencies (2 manifest(s)) are never updated automatically',
    );
  });

  it('fails when the configuration covers none of the ecosystems in use, or is disabled', () => {
    const docker = repoFiles({
      dependencyUpdates: [{ tool: 'dependabot', path: '.github/dependabot.yml', ecosystems: ['docker'] }],
    });
    expect(runCheck(check, { repoFiles: docker })[0]?.message).toBe(
      'Dependabot (.github/dependabot.yml) covers none of the ecosystems in use (npm, pip)',
    );
    const off = repoFiles({
      dependencyUpdates: [{ tool: 'renovate', path: 'renovate.json', ecosystems: [] }],
    });
    const findings = runCheck(check, { repoFiles: off });
    expect(outcomes(findings)).toEqual(['fail', 'fail']);
    expect(findings[0]?.message).toBe('renovate.json disables Renovate (enabled: false)');
  });

  it('fails on a configuration file the forge cannot parse, with its line', () => {
    const broken = repoFiles({
      parseErrors: [
        { path: '.github/dependabot.yml', line: 4, column: 4, message: 'not valid YAML: bad indentation' },
      ],
    });
    const findings = runCheck(check, { repoFiles: broken });
    expect(findings).toEqual([
      {
        outcome: 'fail',
        message: '.github/dependabot.yml is not valid YAML: bad indentation (line 4): the forge ignores it',
        resource: '.github/dependabot.yml',
        location: { path: '.github/dependabot.yml', line: 4, column: 4 },
      },
    ]);
  });

  it('is not applicable without dependency manifests', () => {
    expect(outcomes(runCheck(check, { repoFiles: repoFiles({ manifests: [] }) }))).toEqual([
      'not_applicable',
    ]);
  });
});
