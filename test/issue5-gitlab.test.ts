/** The gate driven through GitLab-CI-shaped environments, and --fail-open when the store is unreachable. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BOB,
  cleanupRepos,
  createRepo,
  GITLAB,
  isolateGitConfig,
  tempDir,
  type TestRepo,
} from './git-repo.js';
import { runCli } from './cli.js';
import { nodeJunit, secretlintSarif, eslintSarif } from './issue5-scanners.js';

let repo: TestRepo;
let work: string;
const sha: Record<string, string> = {};

const gitlab = (extra: Record<string, string>) => ({
  GITLAB_CI: 'true',
  CI_SERVER_URL: 'https://gitlab.example.com',
  CI_PROJECT_PATH: 'acme/shop',
  CI_PIPELINE_ID: String(Math.floor(Math.random() * 1e6)),
  CI_PIPELINE_URL: 'https://gitlab.example.com/acme/shop/-/pipelines/1',
  CI_JOB_URL: 'https://gitlab.example.com/acme/shop/-/jobs/1',
  GITLAB_USER_LOGIN: 'bob',
  CI_JOB_TOKEN: 'glcbt-never-recorded',
  ...extra,
});
const cli = (args: string[], env: Record<string, string>) => runCli([...args, '--repo', repo.dir], { env });

beforeAll(async () => {
  isolateGitConfig();
  work = tempDir('greenlight-gitlab-');
  repo = createRepo();
  sha.c0 = repo.commit({
    subject: 'Initial',
    files: { 'greenlight.yml': 'scans:\n  required: [sast, secrets]\n' },
  });
  await cli(
    ['record', 'deployment', '--env', 'production', '--commit', sha.c0, '--at', '2026-01-05T09:10:00Z'],
    {},
  );
  repo.branch('feature/ENG-5');
  sha.h = repo.commit({ subject: 'ENG-5 work', author: BOB });
  repo.checkout('main');
}, 120_000);
afterAll(cleanupRepos);

describe('GitLab CI', () => {
  it('gates a merge request, then the deploy of its merge', async () => {
    const mr = gitlab({
      CI_PIPELINE_SOURCE: 'merge_request_event',
      CI_COMMIT_SHA: sha.h!,
      CI_MERGE_REQUEST_IID: '5',
      CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/ENG-5',
      CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
      CI_MERGE_REQUEST_DIFF_BASE_SHA: sha.c0!,
      GREENLIGHT_NOW: '2026-01-05T10:10:00Z',
    });
    expect((await cli(['gate'], mr)).code).toBe(1); // nothing recorded yet
    await cli(['record', 'scan', secretlintSarif(work, false), eslintSarif(work, false)], mr);
    await cli(['record', 'tests', nodeJunit(work, false)], mr);
    const approved = { ...mr, CI_MERGE_REQUEST_APPROVED: 'true', GITLAB_USER_LOGIN: 'alice' };
    const gate = await cli(['gate'], approved);
    expect(gate.stdout).toContain('Pull request #5');
    expect(gate.code).toBe(0);

    sha.m = repo.merge('feature/ENG-5', {
      committer: GITLAB,
      subject: "Merge branch 'feature/ENG-5' into 'main'",
      body: 'ENG-5 work\n\nSee merge request acme/shop!5',
    });
    const deploy = gitlab({
      CI_PIPELINE_SOURCE: 'push',
      CI_COMMIT_SHA: sha.m!,
      CI_ENVIRONMENT_NAME: 'production',
      GREENLIGHT_NOW: '2026-01-05T12:10:00Z',
    });
    const d = await cli(['gate'], deploy);
    // GitLab says the MR was approved but not by whom: independence cannot be shown.
    expect(d.code).toBe(1);
    expect(d.stdout).toContain('the approver is not named');
    const ledger = readFileSync(path.join(repo.dir, '.greenlight/evidence/statements.jsonl'), 'utf8');
    expect(ledger).toContain('"system":"gitlab-ci"');
    expect(ledger).not.toContain('glcbt-never-recorded');
  });

  it('with --fail-open, passes and spools the decision when the store cannot be reached', async () => {
    const other = createRepo();
    other.commit({ subject: 'x' });
    mkdirSync(path.join(other.dir, '.greenlight'), { recursive: true });
    writeFileSync(path.join(other.dir, '.greenlight/evidence'), 'not a folder'); // the store is unreachable
    const env = gitlab({
      CI_PIPELINE_SOURCE: 'push',
      CI_COMMIT_SHA: other.head(),
      CI_ENVIRONMENT_NAME: 'production',
    });
    const closed = await runCli(['gate', '--repo', other.dir], { env });
    expect(closed.code).toBe(4);
    const open = await runCli(['gate', '--repo', other.dir, '--fail-open'], { env });
    expect(open.code).toBe(0);
    expect(open.stdout).toContain('passed without evidence (fail-open)');
    expect(readFileSync(path.join(other.dir, '.greenlight/spool/statements.jsonl'), 'utf8')).toContain(
      'fail-open',
    );
  });
});
