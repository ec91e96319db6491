import { ciResource, describeUse, requiredScanTypes, scansInWorkflows } from '../../scanners/index.js';
import { defineCheck, fail, notApplicable, pass } from '../define-check.js';

export default defineCheck({
  id: 'policy.as-code',
  title: 'A policy engine is enforced in the pipeline',
  needs: ['workflows', 'repoFiles'],
  remediation:
    'Run the policies in CI so a violation fails the build: e.g. `conftest test --policy policy/ <files>`, `opa eval --fail-defined ...`, `kyverno apply policies/ --resource ...` or `gator verify`; do not pass --no-fail or allow the job to fail.',
  evaluate({ workflows, repoFiles }, _options, ctx) {
    const uses = scansInWorkflows(workflows).filter((u) => u.type === 'policy');
    const enforced = uses.filter((u) => u.blocking);
    const [first] = enforced;
    if (first)
      return [
        pass(
          `A policy engine is enforced in the pipeline: ${enforced.map(describeUse).join('; ')}`,
          first.workflow,
          {
            location: first.location,
          },
        ),
      ];
    if (uses.length)
      return uses.map((u) =>
        fail(`${describeUse(u)} evaluates policies but cannot fail the pipeline: ${u.advisory}`, u.workflow, {
          location: u.location,
        }),
      );
    const policies = repoFiles.policies;
    if (policies.length) {
      const engines = [...new Set(policies.map((p) => p.engine))].join(', ');
      const shown = policies.slice(0, 10).map((p) => p.path);
      const more = policies.length > shown.length ? ` and ${policies.length - shown.length} more` : '';
      return [
        fail(
          `Policy files (${engines}: ${shown.join(', ')}${more}) exist but no policy engine runs them in CI`,
          policies[0]?.path ?? '-',
          {
            location: { path: policies[0]?.path ?? '-' },
            details: { policies: policies.map((p) => p.path) },
          },
        ),
      ];
    }
    const required = requiredScanTypes(ctx.config, repoFiles.repository).includes('policy');
    if (repoFiles.iac.length || required) {
      const why = repoFiles.iac.length
        ? `infrastructure code (${[...new Set(repoFiles.iac.map((i) => i.kind))].join(', ')}) is not governed by policy`
        : 'policy-as-code is required by config (scans.required)';
      return [
        fail(
          `No policy engine (OPA/Conftest, Gatekeeper, Kyverno, Sentinel) runs in the pipeline: ${why}`,
          ciResource(workflows),
        ),
      ];
    }
    return [
      notApplicable(
        'No infrastructure code or policy files here, and policy-as-code is not required by config',
        repoFiles.repository ?? repoFiles.root,
      ),
    ];
  },
});
