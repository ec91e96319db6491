import { isUnavailable, liveRepositories } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass, type Finding } from '../define-check.js';

export default defineCheck({
  id: 'pipeline.actions-cannot-approve',
  title: 'Workflows cannot create or approve pull requests',
  needs: ['github'],
  remediation:
    'Organisation settings → Actions → General: untick "Allow GitHub Actions to create and approve pull requests" (this binds every repository), so a workflow cannot satisfy the approval rule.',
  evaluate({ github }) {
    const out: Finding[] = [];
    const org = github.workflowPermissions;
    if (isUnavailable(org)) out.push(notAvailable(org.reason, github.org));
    else if (org.canApprovePullRequestReviews)
      out.push(
        fail(
          'GitHub Actions may create and approve pull requests: a workflow can approve its own change',
          github.org,
        ),
      );
    else
      out.push(pass('GitHub Actions cannot approve pull requests anywhere in the organisation', github.org));
    for (const r of liveRepositories(github)) {
      const wp = r.workflowPermissions;
      if (isUnavailable(wp)) out.push(notAvailable(wp.reason, r.fullName));
      else if (wp.inheritedFromOrganization) continue;
      else if (wp.canApprovePullRequestReviews)
        out.push(fail('workflows may create and approve pull requests', r.fullName));
      else out.push(pass('workflows cannot approve pull requests', r.fullName));
    }
    return out;
  },
});
