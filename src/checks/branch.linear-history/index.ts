import { requireBranchRule } from '../branch-rule.js';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  id: 'branch.linear-history',
  title: 'Linear history is required',
  needs: ['github'],
  remediation:
    'Turn on "Require linear history" in the ruleset or classic branch protection (squash or rebase merges only).',
  evaluate({ github }) {
    return requireBranchRule(github, (r) => r.linearHistory, {
      what: 'linear history',
      failure: () => 'merge commits are allowed: linear history is not required',
    });
  },
});
