import { defineCheck, fail, pass, type Finding } from '../define-check.js';

/** Where forges read CODEOWNERS (the repo-files source takes the first found, in this order). */
const CODEOWNERS_LOCATIONS_TEXT = '.github/, the root, docs/ and .gitlab/';

const FORGE_NOTE =
  'whether code-owner review is required, and whether the owners exist and have write access, needs a forge connection (GitHub or GitLab)';

export default defineCheck({
  id: 'branch.codeowners-review',
  title: 'CODEOWNERS exists, parses and names owners for every rule',
  severity: 'medium',
  controls: ['CM-2'],
  needs: ['repoFiles'],
  remediation:
    'Add a CODEOWNERS file (.github/CODEOWNERS on GitHub, CODEOWNERS or .gitlab/CODEOWNERS on GitLab) whose rules each name @users, @org/teams or emails; fix every syntax error it reports; then require code-owner review in branch protection.',
  evaluate({ repoFiles }) {
    const co = repoFiles.codeowners;
    if (!co)
      return [
        fail(
          `No CODEOWNERS file (looked in ${CODEOWNERS_LOCATIONS_TEXT})`,
          repoFiles.repository ?? repoFiles.root,
        ),
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
    if (findings.length) return findings;
    const owners = new Set(co.rules.flatMap((r) => r.owners));
    return [
      pass(
        `${co.path} parses and each of its ${co.rules.length} rule(s) names owners (${owners.size} distinct); ${FORGE_NOTE}`,
        co.path,
        { location: { path: co.path }, details: { rules: co.rules.length, owners: [...owners].sort() } },
      ),
    ];
  },
});
