import {
  defaultProtection,
  enforcedBy,
  gapReason,
  isUnavailable,
  subjectRepository,
  type GithubRepository,
} from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass, type Finding } from '../define-check.js';

/** Where forges read CODEOWNERS (the repo-files source takes the first found, in this order). */
const CODEOWNERS_LOCATIONS_TEXT = '.github/, the root, docs/ and .gitlab/';

const FORGE_NOTE =
  'whether code-owner review is required, and whether the owners exist and have write access, needs a forge connection (GitHub or GitLab)';

export default defineCheck({
  id: 'branch.codeowners-review',
  title: 'CODEOWNERS exists, parses and names owners for every rule',
  needs: ['repoFiles'],
  uses: ['github'],
  remediation:
    'Add a CODEOWNERS file (.github/CODEOWNERS on GitHub, CODEOWNERS or .gitlab/CODEOWNERS on GitLab) whose rules each name @users, @org/teams or emails; fix every syntax error it reports; then require code-owner review in branch protection.',
  evaluate({ repoFiles, github }, _options, ctx) {
    const names = [repoFiles.repository, ctx.repository];
    const name = names.find((n) => n?.includes('/')) ?? repoFiles.repository;
    const repo = github && subjectRepository(github, { names });
    const forge = repo ? githubHalf(repo) : undefined;
    const co = repoFiles.codeowners;
    if (!co)
      return [
        fail(
          `No CODEOWNERS file (looked in ${CODEOWNERS_LOCATIONS_TEXT})`,
          repoFiles.repository ?? repoFiles.root,
        ),
        ...(forge?.findings.filter((f) => f.outcome !== 'pass') ?? []),
      ];
    const findings: Finding[] = co.errors.map((e) =>
      fail(`${co.path}:${e.line}: ${e.message}`, co.path, { location: { path: co.path, line: e.line } }),
    );
    for (const rule of co.rules.filter((r) => r.owners.length === 0))
      findings.push(
        fail(
          `${co.path}:${rule.line}: rule "${rule.pattern}" names no owner, so changes to it need no code-owner review`,
          co.path,
          {
            location: { path: co.path, line: rule.line },
          },
        ),
      );
    if (!co.rules.length)
      findings.push(
        fail(`${co.path} has no rules: no path has a code owner`, co.path, { location: { path: co.path } }),
      );
    if (forge) findings.push(...forge.findings.filter((f) => f.outcome !== 'pass'));
    if (findings.some((f) => f.outcome === 'fail')) return findings;
    const owners = new Set(co.rules.flatMap((r) => r.owners));
    const note = forge
      ? forge.summary
      : github
        ? `the GitHub facts hold no repository matching ${name ?? 'this checkout'}, so ${FORGE_NOTE}`
        : FORGE_NOTE;
    return [
      pass(
        `${co.path} parses and each of its ${co.rules.length} rule(s) names owners (${owners.size} distinct); ${note}`,
        co.path,
        { location: { path: co.path }, details: { rules: co.rules.length, owners: [...owners].sort() } },
      ),
      // What could not be read from GitHub stays visible (not_available), never folded into the pass.
      ...findings,
    ];
  },
});

/**
 * The GitHub half: code-owner review required on the default branch, and the CODEOWNERS errors
 * GitHub itself reports (unknown owners, owners without write access…), each with its line.
 */
function githubHalf(repo: GithubRepository): { findings: Finding[]; summary: string } {
  const resource = `${repo.fullName}@${repo.defaultBranch}`;
  const findings: Finding[] = [];
  const said: string[] = [];
  const protection = defaultProtection(repo);
  if (protection === undefined)
    findings.push(notAvailable(`the protection of ${resource} was not read from GitHub`, resource));
  else if (isUnavailable(protection))
    findings.push(
      notAvailable(`the protection of ${resource} could not be read: ${protection.reason}`, resource),
    );
  else if (!protection.effective.requireCodeOwnerReview && protection.gaps.length)
    findings.push(
      notAvailable(
        `no visible rule of ${resource} requires code-owner review; ${gapReason(protection)}`,
        resource,
      ),
    );
  else if (!protection.effective.requireCodeOwnerReview)
    findings.push(
      fail(
        `code-owner review is not required on ${resource}, so the owners CODEOWNERS names need not approve`,
        resource,
      ),
    );
  else
    said.push(
      `code-owner review is required on ${resource} by ${enforcedBy(protection, (r) => r.requireCodeOwnerReview).join(', ')}`,
    );

  const errors = repo.codeownersErrors;
  if (errors !== null && isUnavailable(errors))
    findings.push(
      notAvailable(
        `GitHub's CODEOWNERS errors for ${repo.fullName} could not be read: ${errors.reason}`,
        resource,
      ),
    );
  else if (errors) {
    for (const e of errors)
      findings.push(
        fail(
          `${e.path}:${e.line}: ${e.message.split('\n')[0]?.trim()} (${e.kind}, reported by GitHub)`,
          e.path,
          {
            location: { path: e.path, line: e.line },
            details: { repository: repo.fullName, kind: e.kind },
          },
        ),
      );
    if (errors.length === 0) said.push('GitHub reports no CODEOWNERS errors');
  }
  return { findings, summary: said.join('; ') || `the GitHub half of ${resource} is reported separately` };
}
