import picomatch from 'picomatch';
import { z } from 'zod';
import { isUnavailable, type SecretFinding } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass } from '../define-check.js';

/**
 * Where a committed credential is most likely a sample, not a leak: vendored code, test fixtures,
 * tests and documentation. A finding there keeps failing, at `lowerSeverity`, with the reason.
 */
export const LOWER_SEVERITY_PATHS: Record<string, string> = {
  '**/vendor/**': 'in vendored code (vendor/)',
  '**/third_party/**': 'in vendored code (third_party/)',
  '**/node_modules/**': 'in vendored code (node_modules/)',
  '**/testdata/**': 'in test fixtures (testdata/)',
  '**/fixtures/**': 'in test fixtures (fixtures/)',
  '**/__fixtures__/**': 'in test fixtures (__fixtures__/)',
  '**/test/**': 'in tests (test/)',
  '**/tests/**': 'in tests (tests/)',
  '**/spec/**': 'in tests (spec/)',
  '**/docs/**': 'in documentation (docs/)',
  '**/*.md': 'in documentation (*.md)',
};

const options = z.strictObject({
  /** Obvious placeholder credentials (`user:pass@example.com`, `changeme`, `${VAR}`…) get `lowerSeverity`. */
  placeholders: z.boolean().default(true),
  /** Globs (from the repository root) whose findings get `lowerSeverity`; replaces the default list. */
  lowerSeverityPaths: z.array(z.string().min(1)).default(Object.keys(LOWER_SEVERITY_PATHS)),
  lowerSeverity: z.enum(['critical', 'high', 'medium', 'low']).default('low'),
});

/** Why a finding is less likely a leak (placeholder, fixture path…), or [] when it looks real. */
function lowered(s: SecretFinding, opts: z.infer<typeof options>, inPath: (p: string) => string | undefined) {
  const reasons: string[] = [];
  if (opts.placeholders && s.placeholder) reasons.push(s.placeholder);
  const where = inPath(s.path);
  if (where) reasons.push(where);
  return reasons;
}

function pathMatcher(globs: string[]): (p: string) => string | undefined {
  const matchers = globs.map((g) => ({ g, is: picomatch(g, { dot: true }) }));
  return (p) => {
    const hit = matchers.find((m) => m.is(p));
    return hit ? (LOWER_SEVERITY_PATHS[hit.g] ?? `in a lower-severity path (${hit.g})`) : undefined;
  };
}

export default defineCheck({
  id: 'secrets.none-committed',
  title: 'No hardcoded credential is committed to the tree',
  needs: ['repoFiles'],
  options,
  remediation:
    'Revoke and rotate each credential found (it is compromised once committed), remove it from the file and read it from a secret store or CI secret instead; purge it from history if the repository is shared. Mark a proven false positive with a `secretlint-disable-line` comment.',
  evaluate({ repoFiles }, opts) {
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
    const inPath = pathMatcher(opts.lowerSeverityPaths);
    return secrets.map((s) => {
      const reasons = lowered(s, opts, inPath);
      const why = reasons.length ? ` — ${reasons.join('; ')}` : '';
      return fail(`Possible hardcoded credential at ${s.path}:${s.line}: ${s.message}${why}`, s.path, {
        location: { path: s.path, line: s.line, ...(s.column ? { column: s.column } : {}) },
        details: { ruleId: s.ruleId, ...(reasons.length ? { lowerSeverity: reasons } : {}) },
        ...(reasons.length ? { severity: opts.lowerSeverity } : {}),
      });
    });
  },
});
