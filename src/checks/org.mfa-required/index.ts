import { isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'org.mfa-required',
  title: 'The organisation requires two-factor authentication',
  needs: ['github'],
  remediation:
    'Organisation settings → Authentication security → "Require two-factor authentication for everyone". Members without 2FA are removed, so warn them first.',
  evaluate({ github }) {
    const s = github.settings;
    if (isUnavailable(s)) return [notAvailable(s.reason, github.org)];
    const v = s.twoFactorRequired;
    if (isUnavailable(v)) return [notAvailable(v.reason, github.org)];
    return v
      ? [pass('two-factor authentication is required for every member', github.org)]
      : [
          fail(
            'two-factor authentication is not required: members can sign in with a password alone',
            github.org,
          ),
        ];
  },
});
