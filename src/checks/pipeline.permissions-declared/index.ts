import type { Location, Permissions, Workflow } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, pass, type Finding } from '../define-check.js';

function writeScopes(p: Permissions | undefined): string[] {
  if (p === undefined || typeof p === 'string') return [];
  return Object.entries(p)
    .filter(([, level]) => level === 'write')
    .map(([scope]) => scope);
}

const at = (loc: Location | undefined): { location?: Location } => (loc ? { location: loc } : {});

function evaluateWorkflow(wf: Workflow): Finding[] {
  const problems: Finding[] = [];
  if (wf.permissions === 'write-all') {
    problems.push(
      fail(`${wf.path} grants \`permissions: write-all\` to every job`, wf.path, at(wf.permissionsLocation)),
    );
  } else {
    const writes = writeScopes(wf.permissions);
    if (writes.length) {
      problems.push(
        fail(
          `${wf.path} grants write scopes at the top level (${writes.map((s) => `${s}: write`).join(', ')}); ` +
            'every job gets them: move them to the jobs that need them',
          wf.path,
          { ...at(wf.permissionsLocation), details: { scopes: writes } },
        ),
      );
    }
  }
  for (const job of wf.jobs) {
    if (job.permissions === 'write-all') {
      problems.push(
        fail(
          `${wf.path} job \`${job.id}\` grants \`permissions: write-all\``,
          wf.path,
          at(job.permissionsLocation ?? job.location),
        ),
      );
    }
  }
  if (wf.permissions === undefined) {
    const undeclared = wf.jobs.filter((j) => j.permissions === undefined);
    if (undeclared.length) {
      problems.push(
        fail(
          `${wf.path} sets no top-level \`permissions:\` and ${undeclared.length === wf.jobs.length ? 'no job sets them either' : `job(s) ${undeclared.map((j) => `\`${j.id}\``).join(', ')} do not`}: ` +
            'they run with the repository default token permissions',
          wf.path,
          { ...at(undeclared[0]?.location), details: { jobs: undeclared.map((j) => j.id) } },
        ),
      );
    }
  }
  if (problems.length) return problems;
  const how = wf.permissions !== undefined ? 'at the top level' : 'on every job';
  return [
    pass(`${wf.path} declares least-privilege \`permissions:\` ${how}`, wf.path, at(wf.permissionsLocation)),
  ];
}

export default defineCheck({
  id: 'pipeline.permissions-declared',
  title: 'Each workflow declares least-privilege token permissions',
  needs: ['workflows'],
  remediation:
    'Add `permissions: { contents: read }` (or `{}`) at the top of each workflow and grant write scopes ' +
    '(`contents: write`, `id-token: write`…) only on the jobs that need them; never use `write-all`.',
  evaluate({ workflows }) {
    const github = workflows.files.filter((w) => w.system === 'github-actions');
    const others = workflows.files.filter((w) => w.system !== 'github-actions');
    const findings = github.flatMap(evaluateWorkflow);
    for (const wf of others) {
      findings.push(notApplicable(`${wf.path}: GitLab CI has no per-workflow token permissions`, wf.path));
    }
    if (!findings.length) findings.push(notApplicable('no GitHub Actions workflow in the repository', '.'));
    return findings;
  },
});
