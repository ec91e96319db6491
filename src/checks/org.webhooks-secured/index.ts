import { isUnavailable, liveRepositories, type GithubWebhook } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass, type Finding } from '../define-check.js';

export default defineCheck({
  id: 'org.webhooks-secured',
  title: 'Webhooks use a secret and verify TLS',
  needs: ['github'],
  remediation:
    'For each listed webhook: set a random secret (and verify the X-Hub-Signature-256 header at the receiver), use an https payload URL, and turn SSL verification on.',
  evaluate({ github }) {
    const out: Finding[] = [];
    const check = (hooks: GithubWebhook[], owner: string) => {
      for (const h of hooks) {
        const problems = [
          !h.hasSecret && 'has no secret',
          !h.https && 'posts over plain http',
          h.insecureSsl && 'skips TLS certificate verification',
        ].filter(Boolean);
        const res = `${owner} webhook ${h.id} → ${h.host}`;
        out.push(
          problems.length
            ? fail(`webhook to ${h.host} ${problems.join(', ')}`, res)
            : pass(`webhook to ${h.host} is signed and verified`, res),
        );
      }
    };
    if (isUnavailable(github.webhooks)) out.push(notAvailable(github.webhooks.reason, github.org));
    else check(github.webhooks, github.org);
    for (const r of liveRepositories(github)) {
      if (isUnavailable(r.webhooks)) out.push(notAvailable(r.webhooks.reason, r.fullName));
      else check(r.webhooks, r.fullName);
    }
    if (!out.length) out.push(pass('no webhooks configured', github.org));
    return out;
  },
});
