import { isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'org.base-permission-restricted',
  title: 'The default repository permission is none or read',
  needs: ['github'],
  remediation:
    'Organisation settings → Member privileges → Base permissions: choose "Read" or "No permission", and grant write through teams.',
  evaluate({ github }) {
    const s = github.settings;
    if (isUnavailable(s)) return [notAvailable(s.reason, github.org)];
    const v = s.defaultRepositoryPermission;
    if (isUnavailable(v)) return [notAvailable(v.reason, github.org)];
    return v === 'none' || v === 'read'
      ? [pass(`members get "${v}" on repositories by default`, github.org)]
      : [
          fail(`every member gets "${v}" on every repository by default`, github.org, {
            details: { permission: v },
          }),
        ];
  },
});
