import { requireBranchRule } from '../branch-rule.js';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  id: 'branch.pr-required',
  title: 'Changes to protected branches require a pull request',
  needs: ['github'],
  remediation:
    'Require a pull request before merging: the "Require a pull request before merging" rule in a ruleset, or "Require pull request reviews before merging" in classic branch protection.',
  evaluate({ github }) {
    return requireBranchRule(github, (r) => r.pullRequest, {
      what: 'pull requests',
      failure: (branch) => `${branch} can be changed by a direct push, without a pull request`,
    });
  },
});
