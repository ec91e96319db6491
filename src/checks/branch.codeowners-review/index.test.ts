import { beforeAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { baseScenario, NOW, simulatorHarness, TOKEN } from '../../../test/github-fixtures.js';
import type { GithubFacts, RepoFiles } from '../../facts/index.js';
import type { ScenarioInput } from '../../sim/github/index.js';
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

/** The base organisation with code-owner review required on acme/api, and GitHub's CODEOWNERS errors. */
function requiringCodeOwners(errors: { line: number; kind: string; message: string }[] = []): ScenarioInput {
  const scenario = baseScenario();
  const [api, ...rest] = scenario.repositories ?? [];
  const protection = {
    ...api?.protection,
    required_pull_request_reviews: { required_approving_review_count: 1, require_code_owner_reviews: true },
  };
  return { ...scenario, repositories: [{ ...api!, protection, codeowners_errors: errors }, ...rest] };
}

describe('branch.codeowners-review with GitHub facts', () => {
  const h = simulatorHarness();
  const facts: Record<string, GithubFacts> = {};
  beforeAll(async () => {
    facts.required = (await h.collect(requiringCodeOwners())).facts;
    facts.errors = (
      await h.collect(
        requiringCodeOwners([
          {
            line: 2,
            kind: 'Unknown owner',
            message:
              'Unknown owner on line 2: make sure @acme/ghosts exists and has write access\n\n  /api/ @acme/ghosts\n        ^',
          },
        ]),
      )
    ).facts;
    facts.member = (
      await h.collect({ ...requiringCodeOwners(), token: { value: TOKEN, admin: false } })
    ).facts;
  });
  const codeowners = parseCodeowners(
    '.github/CODEOWNERS',
    '* @acme/platform\n/api/ @acme/ghosts\n',
    'github',
  );
  const files = (repository: string) => repoFiles({ codeowners, repository });

  it('passes when code-owner review is required and GitHub reports no CODEOWNERS error', () => {
    const findings = runCheck(check, { repoFiles: files('acme/api'), github: facts.required! }, { now: NOW });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.message).toBe(
      '.github/CODEOWNERS parses and each of its 2 rule(s) names owners (2 distinct); code-owner review is required on acme/api@main by classic branch protection; GitHub reports no CODEOWNERS errors',
    );
  });

  it('fails on each error GitHub reports, with its line', () => {
    const findings = runCheck(check, { repoFiles: files('acme/api'), github: facts.errors! }, { now: NOW });
    expect(findings).toEqual([
      {
        outcome: 'fail',
        message:
          '.github/CODEOWNERS:2: Unknown owner on line 2: make sure @acme/ghosts exists and has write access (Unknown owner, reported by GitHub)',
        resource: '.github/CODEOWNERS',
        location: { path: '.github/CODEOWNERS', line: 2 },
        details: { repository: 'acme/api', kind: 'Unknown owner' },
      },
    ]);
  });

  it('fails when the default branch does not require code-owner review', () => {
    const findings = runCheck(
      check,
      { repoFiles: files('acme/legacy'), github: facts.required! },
      { now: NOW },
    );
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]).toMatchObject({
      resource: 'acme/legacy@main',
      message:
        'code-owner review is not required on acme/legacy@main, so the owners CODEOWNERS names need not approve',
    });
  });

  it('is not available (beside the file pass) when the token cannot see the whole protection', () => {
    const findings = runCheck(check, { repoFiles: files('acme/api'), github: facts.member! }, { now: NOW });
    expect(outcomes(findings)).toEqual(['pass', 'not_available']);
    expect(findings[1]?.message).toMatch(/^no visible rule of acme\/api@main requires code-owner review; /);
  });

  it('reads the repository from the subject name when repo-files has none', () => {
    const findings = runCheck(
      check,
      { repoFiles: repoFiles({ codeowners, repository: 'api' }), github: facts.required! },
      { now: NOW, repository: 'acme/legacy' },
    );
    expect(findings[0]?.resource).toBe('acme/legacy@main');
  });
});
