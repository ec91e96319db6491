import { requireBranchRule } from '../branch-rule.js';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  id: 'branch.signed-commits',
  title: 'Signed commits are required',
  needs: ['github'],
  remediation:
    'Turn on "Require signed commits" in the ruleset or classic branch protection, and have developers sign with SSH or GPG keys.',
  evaluate({ github }) {
    return requireBranchRule(github, (r) => r.signedCommits, {
      what: 'signed commits',
      failure: () => 'unsigned commits are accepted',
    });
  },
});
