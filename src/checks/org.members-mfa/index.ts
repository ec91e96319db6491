import { isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass, type Finding } from '../define-check.js';

export default defineCheck({
  id: 'org.members-mfa',
  title: 'No member or outside collaborator lacks two-factor authentication',
  needs: ['github'],
  remediation:
    'Ask each listed account to enable 2FA (or remove it), then require 2FA for the organisation so it cannot recur.',
  evaluate({ github }) {
    const out: Finding[] = [];
    const groups = [
      { label: 'member', list: github.membersWithout2fa },
      { label: 'outside collaborator', list: github.outsideCollaboratorsWithout2fa },
    ];
    for (const g of groups) {
      if (isUnavailable(g.list)) out.push(notAvailable(`${g.label}s' 2FA: ${g.list.reason}`, github.org));
      else
        for (const login of g.list)
          out.push(fail(`${g.label} ${login} has two-factor authentication disabled`, login));
    }
    if (!out.length)
      out.push(pass('every member and outside collaborator has two-factor authentication', github.org));
    else if (!out.some((f) => f.outcome === 'fail') && out.length < groups.length)
      out.push(pass('no account without two-factor authentication among those visible', github.org));
    return out;
  },
});
