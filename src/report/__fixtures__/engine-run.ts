/**
 * Real assessments for the report tests: the engine run over a git repository made in a temp
 * folder, with a workflow, a greenlight.yml carrying a live and an expired exception, and a few
 * small checks that read the real facts and produce every outcome.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineCheck, fail, notApplicable, pass, type AnyCheck } from '../../checks/index.js';
import { assess, type Assessment } from '../../engine/index.js';

const WORKFLOW = `name: ci
on: [pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@1d0ff469b7ec7b3cb9d8673fde0c81c44821de2a
      - run: npm test
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/login-action@v3
`;

const CONFIG = `exceptions:
  - check: pipeline.actions-pinned
    resource: ".github/workflows/release.yml"
    reason: release workflow is replaced next quarter
    approvedBy: alice@acme.test
    owner: bob
    ticket: SEC-42
    expires: 2099-12-31
  - check: change.ticket-linked
    reason: ticket linking starts next month
    approvedBy: carol@acme.test
    expires: 2020-01-31
`;

const SHA = /@[0-9a-f]{40}$/;

/** Small checks over real facts: one of each outcome, with locations where the facts have them. */
export const TEST_CHECKS: AnyCheck[] = [
  defineCheck({
    id: 'pipeline.actions-pinned',
    title: 'Third-party actions are pinned to a full commit SHA',
    needs: ['workflows'],
    remediation: 'Pin each `uses:` to a 40-character SHA; keep the tag in a comment.',
    evaluate: ({ workflows }) =>
      workflows.files.flatMap((wf) =>
        wf.jobs.flatMap((job) =>
          job.steps
            .filter((s) => s.uses)
            .map((s) =>
              SHA.test(s.uses!)
                ? pass(`${s.uses} is pinned`, wf.path, { location: s.location })
                : fail(`${s.uses} is not pinned`, wf.path, { location: s.location }),
            ),
        ),
      ),
  }),
  defineCheck({
    id: 'pipeline.tests-run',
    title: 'CI runs tests on pull requests',
    needs: ['workflows'],
    remediation: 'Run the test suite on pull_request.',
    evaluate: ({ workflows }) => {
      const step = workflows.files
        .flatMap((wf) => wf.jobs.flatMap((j) => j.steps.map((s) => ({ wf, s }))))
        .find(({ s }) => s.run?.includes('test'));
      return step
        ? [pass('tests run on pull requests', step.wf.path, { location: step.s.location })]
        : [fail('no test step', '-')];
    },
  }),
  defineCheck({
    id: 'change.ticket-linked',
    title: 'Changes link a ticket',
    needs: ['git'],
    remediation: 'Put the ticket id (ABC-123) in the PR title or commit subject.',
    evaluate: ({ git }) =>
      git.commits.map((c) =>
        /[A-Z]+-\d+/.test(c.subject) ? pass('links a ticket', c.sha) : fail(`"${c.subject}" links no ticket`, c.sha),
      ),
  }),
  defineCheck({
    id: 'deploy.environment-protected',
    title: 'The production environment is protected',
    needs: ['workflows'],
    remediation: 'Require reviewers on the production environment.',
    evaluate: ({ workflows }) => [notApplicable('no job deploys to an environment', `${workflows.files.length} workflows`)],
  }),
  defineCheck({
    id: 'pipeline.workflow-valid',
    title: 'Workflow files are valid',
    needs: ['workflows'],
    remediation: 'Fix the YAML syntax reported for the file.',
    evaluate: () => {
      throw new Error('boom: a deliberately broken check');
    },
  }),
];

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, {
    cwd,
    stdio: 'ignore',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Dev',
      GIT_AUTHOR_EMAIL: 'dev@acme.test',
      GIT_COMMITTER_NAME: 'Dev',
      GIT_COMMITTER_EMAIL: 'dev@acme.test',
      // Inside the window that ends at NOW, whatever today's date is.
      GIT_AUTHOR_DATE: '2026-10-01T12:00:00Z',
      GIT_COMMITTER_DATE: '2026-10-01T12:00:00Z',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: cwd,
    },
  });
}

/** A repository with two workflows, a config with exceptions and two commits. */
export function makeRepo(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'gl-report-'));
  git(root, 'init', '-q', '-b', 'main');
  mkdirSync(path.join(root, '.github/workflows'), { recursive: true });
  writeFileSync(path.join(root, '.github/workflows/ci.yml'), WORKFLOW);
  writeFileSync(path.join(root, '.github/workflows/release.yml'), WORKFLOW.replace('name: ci', 'name: release'));
  writeFileSync(path.join(root, 'greenlight.yml'), CONFIG);
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'ABC-1 add CI');
  writeFileSync(path.join(root, 'README.md'), '# demo\n');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'add readme');
  git(root, 'remote', 'add', 'origin', 'https://github.com/acme/demo.git');
  return root;
}

const NOW = new Date('2026-11-01T00:00:00Z');

/** The engine over the temp repository with TEST_CHECKS (every outcome) or the real registry. */
export async function engineAssessment(registry: 'test' | 'real' = 'test'): Promise<Assessment> {
  const root = makeRepo();
  const { assessment } = await assess({
    root,
    now: NOW,
    since: null,
    ...(registry === 'test' ? { checks: TEST_CHECKS } : {}),
  });
  return assessment;
}
