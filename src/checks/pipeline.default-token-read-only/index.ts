import { isUnavailable, liveRepositories } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass, type Finding } from '../define-check.js';

export default defineCheck({
  id: 'pipeline.default-token-read-only',
  title: 'The default workflow token is read-only (organisation and repositories)',
  needs: ['github'],
  remediation:
    'Organisation settings → Actions → General → Workflow permissions: "Read repository contents and packages permissions" (this binds every repository); grant write per job with `permissions:`.',
  evaluate({ github }) {
    const out: Finding[] = [];
    const org = github.workflowPermissions;
    if (isUnavailable(org)) out.push(notAvailable(org.reason, github.org));
    else if (org.defaultWorkflowPermissions === 'read')
      out.push(
        pass(
          'the organisation default GITHUB_TOKEN is read-only, and repositories cannot widen it',
          github.org,
        ),
      );
    else
      out.push(
        fail(
          'the organisation default GITHUB_TOKEN has write access to contents, packages and more',
          github.org,
        ),
      );
    for (const r of liveRepositories(github)) {
      const wp = r.workflowPermissions;
      if (isUnavailable(wp)) out.push(notAvailable(wp.reason, r.fullName));
      else if (wp.inheritedFromOrganization) continue;
      else if (wp.defaultWorkflowPermissions === 'write')
        out.push(fail('workflows get a read-write GITHUB_TOKEN by default', r.fullName));
      else out.push(pass('workflows get a read-only GITHUB_TOKEN by default', r.fullName));
    }
    return out;
  },
});
