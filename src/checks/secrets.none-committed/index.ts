import { isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'secrets.none-committed',
  title: 'No hardcoded credential is committed to the tree',
  needs: ['repoFiles'],
  remediation:
    'Revoke and rotate each credential found (it is compromised once committed), remove it from the file and read it from a secret store or CI secret instead; purge it from history if the repository is shared. Mark a proven false positive with a `secretlint-disable-line` comment.',
  evaluate({ repoFiles }) {
    const { secrets } = repoFiles;
    if (isUnavailable(secrets)) return [notAvailable(secrets.reason, repoFiles.repository ?? repoFiles.root)];
    const skipped = Object.entries(repoFiles.skipped)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([reason, n]) => `${n} ${reason}`)
      .join(', ');
    if (!secrets.length)
      return [
        pass(
          `No hardcoded credential found in ${repoFiles.filesScanned} text file(s) scanned with secretlint's recommended rules${skipped ? ` (not scanned: ${skipped})` : ''}`,
          repoFiles.repository ?? repoFiles.root,
          { details: { filesScanned: repoFiles.filesScanned, skipped: repoFiles.skipped } },
        ),
      ];
    // The source already redacted every message; only the rule, kind and a masked hint remain.
    return secrets.map((s) =>
      fail(`Possible hardcoded credential at ${s.path}:${s.line}: ${s.message}`, s.path, {
        location: { path: s.path, line: s.line, ...(s.column ? { column: s.column } : {}) },
        details: { ruleId: s.ruleId },
      }),
    );
  },
});
