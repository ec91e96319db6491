import { defineCheck, fail, notApplicable, pass, type Finding } from '../define-check.js';

const TOOL = { dependabot: 'Dependabot', renovate: 'Renovate' } as const;
const CONFIG_FILE = /(?:^|\/)(?:dependabot\.ya?ml|renovate\.json5?|\.renovaterc(?:\.json5?)?)$/;

export default defineCheck({
  id: 'scan.dependency-updates',
  title: 'Dependabot or Renovate keeps dependencies up to date',
  needs: ['repoFiles'],
  remediation:
    'Add .github/dependabot.yml with an `updates:` entry (package-ecosystem, directory, schedule) for each ecosystem the repository uses, or a renovate.json extending "config:recommended".',
  evaluate({ repoFiles }) {
    const manifests = repoFiles.manifests;
    if (!manifests.length)
      return [
        notApplicable(
          'No dependency manifest (package.json, go.mod, requirements.txt…) in the tree',
          repoFiles.repository ?? repoFiles.root,
        ),
      ];
    const used = [...new Set(manifests.map((m) => m.ecosystem))];
    const findings: Finding[] = (repoFiles.parseErrors ?? [])
      .filter((e) => CONFIG_FILE.test(e.path))
      .map((e) =>
        fail(`${e.path} is ${e.message}${e.line ? ` (line ${e.line})` : ''}: the forge ignores it`, e.path, {
          location: {
            path: e.path,
            ...(e.line ? { line: e.line } : {}),
            ...(e.column ? { column: e.column } : {}),
          },
        }),
      );
    const configs = repoFiles.dependencyUpdates;
    if (!configs.length) {
      if (!findings.length)
        findings.push(
          fail(
            `No Dependabot or Renovate configuration: ${used.join(', ')} dependencies (${manifests.length} manifest(s)) are never updated automatically`,
            repoFiles.repository ?? repoFiles.root,
          ),
        );
      return findings;
    }
    for (const c of configs.filter((c) => c.ecosystems.length === 0))
      findings.push(
        fail(
          c.tool === 'renovate'
            ? `${c.path} disables Renovate (enabled: false)`
            : `${c.path} lists no package-ecosystem under updates:`,
          c.path,
          { location: { path: c.path } },
        ),
      );
    const covered = new Set(configs.flatMap((c) => c.ecosystems));
    const all = covered.has('*');
    const missing = all ? [] : used.filter((e) => !covered.has(e));
    const tools = configs.filter((c) => c.ecosystems.length).map((c) => `${TOOL[c.tool]} (${c.path})`);
    if (missing.length === used.length)
      findings.push(
        fail(
          `${tools.join(', ') || 'The update configuration'} covers none of the ecosystems in use (${used.join(', ')})`,
          configs[0]?.path ?? repoFiles.repository ?? repoFiles.root,
          { location: { path: configs[0]?.path ?? repoFiles.repository ?? repoFiles.root } },
        ),
      );
    if (findings.length) return findings;
    const gap = missing.length ? `; not covered: ${missing.join(', ')}` : '';
    return [
      pass(
        `Dependency updates are automated by ${tools.join(', ')} for ${used.filter((e) => !missing.includes(e)).join(', ')}${gap}`,
        configs[0]?.path ?? repoFiles.repository ?? repoFiles.root,
        {
          details: { ecosystems: used, missing },
        },
      ),
    ];
  },
});
