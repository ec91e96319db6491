/**
 * The gate driven through GitLab-CI-shaped environments, and --fail-open when the ledger is
 * unreachable (a dead PostgreSQL).
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
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
import { nodeJunit, secretlintSarif, eslintSarif } from './scanner-output.js';
import { EVIDENCE_PREDICATES, spoolPlace } from '../src/evidence/index.js';
import { openLedger } from '../src/ledger/index.js';

/** Every pipeline statement in the repository's ledger, as JSON text. */
async function ledgerText(root: string): Promise<string> {
  const ledger = await openLedger({ root });
  try {
    return JSON.stringify(await ledger.readStatements({ predicateTypes: EVIDENCE_PREDICATES }));
  } finally {
    await ledger.close();
  }
}

/** Nothing listens on port 9 of localhost: the ledger cannot be reached. */
const DEAD_PG = 'postgres://greenlight:secret-pw@127.0.0.1:9/none';

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
    const ledger = await ledgerText(repo.dir);
    expect(ledger).toContain('"system":"gitlab-ci"');
    expect(ledger).not.toContain('glcbt-never-recorded');
  });

  it('with --fail-open, passes and spools (outside the checkout) when the ledger cannot be reached', async () => {
    // Replay into the ledger once it is back, and every refusal: test/fail-open-spool.test.ts.
    const other = createRepo();
    other.commit({ subject: 'x' });
    const cache = tempDir('greenlight-gitlab-cache-');
    const env = gitlab({
      CI_PIPELINE_SOURCE: 'push',
      CI_COMMIT_SHA: other.head(),
      CI_ENVIRONMENT_NAME: 'production',
      GREENLIGHT_DATABASE_URL: DEAD_PG,
      GREENLIGHT_LEDGER_KEY: generateKeyPairSync('ed25519')
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
      XDG_CACHE_HOME: cache,
    });
    const closed = await runCli(['gate', '--repo', other.dir], { env });
    expect(closed.code).toBe(4);
    expect(closed.stderr).toContain('cannot reach PostgreSQL at postgres://');
    expect(closed.stderr).toContain('@127.0.0.1:9/none');
    expect(closed.stderr).not.toContain('secret-pw');
    const open = await runCli(['gate', '--repo', other.dir, '--fail-open'], { env });
    expect(open.code).toBe(0);
    expect(open.stdout).toContain('passed without evidence (fail-open)');
    expect(open.stdout).toContain('unsigned until replayed into the ledger');
    const spool = path.join(spoolPlace(other.dir, env).dir, 'statements.jsonl');
    expect(spool.startsWith(cache)).toBe(true);
    expect(readFileSync(spool, 'utf8')).toContain('fail-open');
    expect(existsSync(path.join(other.dir, '.greenlight', 'spool'))).toBe(false);

    // A recorder without --fail-open fails (exit 4); with it, it spools too.
    const junit = nodeJunit(work, false);
    expect((await runCli(['record', 'tests', junit, '--repo', other.dir], { env })).code).toBe(4);
    const spooled = await runCli(['record', 'tests', junit, '--repo', other.dir, '--fail-open'], { env });
    expect(spooled.code).toBe(0);
    expect(spooled.stdout).toContain('spooled test results');
    expect(readFileSync(spool, 'utf8')).not.toContain('glcbt-never-recorded');
  });
});
