import { isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'org.sso-enforced',
  title: 'SAML single sign-on is enforced',
  needs: ['github'],
  remediation:
    'Organisation settings → Authentication security → enable and enforce SAML single sign-on with your identity provider (GitHub Enterprise Cloud), so leavers lose access when the IdP account is disabled.',
  evaluate({ github }) {
    const s = github.settings;
    if (isUnavailable(s)) return [notAvailable(s.reason, github.org)];
    const plan = isUnavailable(s.plan) ? null : s.plan;
    if (plan !== null && plan !== 'enterprise')
      return [
        notAvailable(
          `the ${plan} plan has no SAML single sign-on; it needs GitHub Enterprise Cloud`,
          github.org,
        ),
      ];
    if (isUnavailable(s.samlSso)) return [notAvailable(s.samlSso.reason, github.org)];
    return s.samlSso.configured
      ? [
          pass(
            'a SAML identity provider is configured (GitHub does not expose whether it is enforced; confirm "Require SAML SSO authentication" is on)',
            github.org,
          ),
        ]
      : [
          fail(
            'no SAML single sign-on is configured: access is not tied to the identity provider',
            github.org,
          ),
        ];
  },
});
