import type { Location, WorkflowError } from '../../facts/index.js';
import { defineCheck, errorResult, notApplicable, pass } from '../define-check.js';

function locationOf(e: WorkflowError): Location {
  const loc: Location = { path: e.path };
  if (e.line !== undefined) loc.line = e.line;
  if (e.column !== undefined) loc.column = e.column;
  return loc;
}

export default defineCheck({
  id: 'pipeline.workflow-valid',
  title: 'Every workflow file is valid YAML and a valid workflow',
  needs: ['workflows'],
  remediation:
    'Fix the file at the reported line: a workflow that does not parse never runs, and no other pipeline ' +
    'check can vouch for it. `actionlint` (GitHub) or the CI Lint page (GitLab) show the same problems.',
  evaluate({ workflows }) {
    if (workflows.errors.length === 0 && workflows.files.length === 0) {
      return [notApplicable('no CI workflow file in the repository', '.')];
    }
    if (workflows.errors.length === 0) {
      return workflows.files.map((wf) => pass(`${wf.path} parses as a valid ${wf.system} workflow`, wf.path));
    }
    return workflows.errors.map((e) =>
      errorResult(`${e.path}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}`, e.path, {
        location: locationOf(e),
      }),
    );
  },
});
