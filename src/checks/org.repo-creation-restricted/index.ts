import { isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'org.repo-creation-restricted',
  title: 'Members cannot create public repositories',
  needs: ['github'],
  remediation: 'Organisation settings → Member privileges → Repository creation: untick "Public".',
  evaluate({ github }) {
    const s = github.settings;
    if (isUnavailable(s)) return [notAvailable(s.reason, github.org)];
    const v = s.membersCanCreatePublicRepositories;
    if (isUnavailable(v)) return [notAvailable(v.reason, github.org)];
    return v
      ? [fail('any member can create a public repository and publish code', github.org)]
      : [pass('members cannot create public repositories', github.org)];
  },
});
