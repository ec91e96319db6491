import { defineCheck, fail, pass } from '../define-check.js';

export default defineCheck({
  id: 'repo.security-policy',
  title: 'The repository publishes a security policy (SECURITY.md)',
  needs: ['repoFiles'],
  remediation:
    'Add SECURITY.md at the root, in .github/ or in docs/: how to report a vulnerability (a private channel), which versions get fixes, and the expected response time.',
  evaluate({ repoFiles }) {
    const found = repoFiles.securityPolicy;
    if (found) return [pass(`Security policy found at ${found}`, found, { location: { path: found } })];
    return [
      fail('No SECURITY.md at the root, in .github/ or in docs/', repoFiles.repository ?? repoFiles.root),
    ];
  },
});
