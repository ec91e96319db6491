import { isUnavailable, liveRepositories, type GithubSecret } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass, type Finding } from '../define-check.js';

const DAY = 86_400_000;

export default defineCheck({
  id: 'secrets.rotated',
  title: 'CI secrets were rotated within the configured days',
  needs: ['github'],
  remediation:
    'Rotate each listed secret at its issuer and update it in GitHub (or replace it with OIDC federation), so no CI credential is older than thresholds.secretMaxAgeDays (default 365).',
  evaluate({ github }, _options, ctx) {
    const max = ctx.config.thresholds.secretMaxAgeDays;
    const out: Finding[] = [];
    const check = (secrets: GithubSecret[], owner: string) => {
      for (const s of secrets) {
        const age = Math.floor((ctx.now.getTime() - Date.parse(s.updatedAt)) / DAY);
        const res = `${owner}:${s.name}`;
        out.push(
          age > max
            ? fail(
                `${s.scope} secret ${s.name} was last updated ${age} days ago (${s.updatedAt.slice(0, 10)}), more than ${max}`,
                res,
                {
                  details: { ageDays: age, updatedAt: s.updatedAt },
                },
              )
            : pass(`${s.scope} secret ${s.name} updated ${age} days ago`, res),
        );
      }
    };
    if (isUnavailable(github.secrets)) out.push(notAvailable(github.secrets.reason, github.org));
    else check(github.secrets, github.org);
    for (const r of liveRepositories(github)) {
      if (isUnavailable(r.secrets)) out.push(notAvailable(r.secrets.reason, r.fullName));
      else check(r.secrets, r.fullName);
    }
    if (!out.length) out.push(pass('no Actions secrets are stored', github.org));
    return out;
  },
});
