import { isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'pipeline.allowed-actions-restricted',
  title: 'The organisation allows only selected or verified actions',
  needs: ['github'],
  remediation:
    'Organisation settings → Actions → General → Policies: "Allow enterprise, and select non-enterprise, actions and reusable workflows", allowing GitHub-authored and verified creators plus an explicit list of patterns.',
  evaluate({ github }) {
    const a = github.actions;
    if (isUnavailable(a)) return [notAvailable(a.reason, github.org)];
    if (a.enabledRepositories === 'none' || a.allowedActions === null)
      return [pass('GitHub Actions is disabled for the organisation', github.org)];
    if (a.allowedActions === 'local_only')
      return [pass('only actions defined in the organisation may run', github.org)];
    if (a.allowedActions === 'selected') {
      if (a.selected !== null && isUnavailable(a.selected))
        return [notAvailable(a.selected.reason, github.org)];
      const what = a.selected
        ? [
            a.selected.githubOwnedAllowed && 'GitHub-authored',
            a.selected.verifiedAllowed && 'verified creators',
            a.selected.patternsAllowed.length && `${a.selected.patternsAllowed.length} allowed pattern(s)`,
          ].filter(Boolean)
        : [];
      return [pass(`only selected actions may run${what.length ? `: ${what.join(', ')}` : ''}`, github.org)];
    }
    return [fail('any action from any repository on GitHub may run in workflows', github.org)];
  },
});
