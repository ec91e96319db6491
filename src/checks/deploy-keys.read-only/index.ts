import { isUnavailable, liveRepositories } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass, type Finding } from '../define-check.js';

export default defineCheck({
  id: 'deploy-keys.read-only',
  title: 'Deploy keys are read-only',
  needs: ['github'],
  remediation:
    'Replace each writable deploy key with a read-only one (repository Settings → Deploy keys), or with a GitHub App whose permissions are reviewed; add an exception only for a documented need to push.',
  evaluate({ github }) {
    const out: Finding[] = [];
    const repos = liveRepositories(github);
    for (const r of repos) {
      if (isUnavailable(r.deployKeys)) {
        out.push(notAvailable(r.deployKeys.reason, r.fullName));
        continue;
      }
      for (const k of r.deployKeys)
        out.push(
          k.readOnly
            ? pass(`deploy key "${k.title}" is read-only`, `${r.fullName}:${k.title}`)
            : fail(`deploy key "${k.title}" can push to ${r.fullName}`, `${r.fullName}:${k.title}`),
        );
    }
    if (!out.length) out.push(notApplicable('no deploy keys in the repositories in scope', github.org));
    return out;
  },
});
