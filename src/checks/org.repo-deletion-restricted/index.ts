import { isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'org.repo-deletion-restricted',
  title: 'Members cannot delete or transfer repositories',
  needs: ['github'],
  remediation:
    'Organisation settings → Member privileges → Admin repository permissions: untick "Allow members to delete or transfer repositories for this organization".',
  evaluate({ github }) {
    const s = github.settings;
    if (isUnavailable(s)) return [notAvailable(s.reason, github.org)];
    const v = s.membersCanDeleteRepositories;
    if (isUnavailable(v)) return [notAvailable(v.reason, github.org)];
    return v
      ? [fail('repository admins who are members can delete or transfer repositories', github.org)]
      : [pass('only owners can delete or transfer repositories', github.org)];
  },
});
