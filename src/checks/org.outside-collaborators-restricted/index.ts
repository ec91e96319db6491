import { isUnavailable, liveRepositories } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass, type Finding } from '../define-check.js';

const ELEVATED = new Set(['write', 'maintain', 'admin']);

export default defineCheck({
  id: 'org.outside-collaborators-restricted',
  title: 'No outside collaborator has write or admin access',
  needs: ['github'],
  remediation:
    'Lower each listed outside collaborator to read (repository Settings → Collaborators), or add an exception with an owner and an expiry for contractors who must push.',
  evaluate({ github }) {
    if (isUnavailable(github.outsideCollaborators))
      return [notAvailable(github.outsideCollaborators.reason, github.org)];
    const out: Finding[] = [];
    for (const c of github.outsideCollaborators) {
      const elevated = c.repositories.filter((r) => ELEVATED.has(r.permission));
      for (const r of elevated)
        out.push(
          fail(
            `outside collaborator ${c.login} has ${r.permission} on ${r.repository}`,
            `${r.repository}:${c.login}`,
          ),
        );
    }
    const hidden = liveRepositories(github).filter((r) => isUnavailable(r.collaborators));
    if (hidden.length && github.outsideCollaborators.length)
      out.push(
        notAvailable(
          `collaborators of ${hidden.length} repositor${hidden.length === 1 ? 'y' : 'ies'} could not be read (${hidden
            .slice(0, 3)
            .map((r) => r.fullName)
            .join(
              ', ',
            )}${hidden.length > 3 ? '…' : ''}): ${(hidden[0]!.collaborators as { reason: string }).reason}`,
          github.org,
        ),
      );
    if (!out.some((f) => f.outcome === 'fail'))
      out.push(
        pass(
          github.outsideCollaborators.length
            ? `${github.outsideCollaborators.length} outside collaborator(s), none with write or admin`
            : 'no outside collaborators',
          github.org,
        ),
      );
    return out;
  },
});
