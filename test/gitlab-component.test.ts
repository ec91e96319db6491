import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { cleanupRepos, createRepo, isolatedGitEnv, tempDir, type TestRepo } from './git-repo.js';
import { testDialects } from './ledger/dialects.js';

/*
 * The GitLab component (templates/greenlight.yml) runs its own commit: its before_script fetches
 * the component's project at $[[ component.sha ]], checks the checkout is that commit, installs
 * the bundle's dependencies from its package-lock.json (npm ci) and defines `greenlight` as
 * `node action/cli.cjs`. These tests run that before_script as the runner would (bash, the
 * job's variables), against a real git repository standing for the component's project.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const [spec, jobs] = parseAllDocuments(
  readFileSync(path.join(ROOT, 'templates', 'greenlight.yml'), 'utf8'),
).map((d) => d.toJS());
const beforeScript = (jobs['.greenlight'].before_script as string[]).join('\n');

afterAll(() => cleanupRepos());

describe('the GitLab component template', () => {
  it('fetches nothing by package name and runs the component commit', () => {
    const text = readFileSync(path.join(ROOT, 'templates', 'greenlight.yml'), 'utf8');
    expect(text).not.toMatch(/npx|greenlight@\$|greenlight@latest|npm install/);
    expect(spec.spec.component).toEqual(expect.arrayContaining(['sha', 'reference']));
    expect(jobs['.greenlight'].variables.GREENLIGHT_SOURCE_SHA).toBe('$[[ component.sha ]]');
    for (const name of ['greenlight-record', 'greenlight-gate-mr', 'greenlight-gate-deploy']) {
      expect(jobs[name].extends).toBe('.greenlight');
      for (const line of jobs[name].script as string[]) expect(line).toMatch(/^greenlight (record|gate)\b/);
    }
    expect(jobs['greenlight-gate-deploy'].variables.GIT_DEPTH).toBe('0');
  });
});

const dialects = await testDialects('gitlab-component');
const pg = dialects.find((d) => d.name === 'postgres')!;
afterAll(() => pg.cleanup());

// With PostgreSQL the install skips the SQLite driver build (GREENLIGHT_SQLITE=auto), and npm ci
// runs offline from npm's cache (filled by the project's own `npm ci`), so the test needs no network.
describe.skipIf(!pg.available)('the component before_script, run as the runner runs it', () => {
  let project: string;
  let sha: string;
  let user: TestRepo;
  let builds: string;
  let reference: string;

  beforeAll(() => {
    // The component's project as GitLab serves it: a bare repository at <server>/acme/greenlight.git,
    // holding this checkout's committed bundle, install script and lockfile.
    const server = tempDir('greenlight-gitlab-');
    const work = path.join(server, 'work');
    mkdirSync(work);
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', args, { cwd, env: isolatedGitEnv(), encoding: 'utf8' }).trim();
    const files = execFileSync(
      'git',
      ['archive', 'HEAD', 'action', 'scripts', 'package.json', 'package-lock.json'],
      {
        cwd: ROOT,
        maxBuffer: 64 << 20,
      },
    );
    execFileSync('tar', ['-x', '-C', work], { input: files });
    git(work, 'init', '-q', '-b', 'main');
    git(work, 'add', '.');
    git(work, '-c', 'user.name=ci', '-c', 'user.email=ci@example.com', 'commit', '-q', '-m', 'release 1.0.0');
    sha = git(work, 'rev-parse', 'HEAD');
    project = path.join(server, 'acme', 'greenlight.git');
    mkdirSync(path.dirname(project), { recursive: true });
    git(server, 'clone', '-q', '--bare', work, project);
    // A later commit on the project, so the fetch must pick the pinned one.
    git(
      work,
      '-c',
      'user.name=ci',
      '-c',
      'user.email=ci@example.com',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'next',
    );
    git(work, 'push', '-q', project, 'main');
    // file:// + /tmp/…/acme/greenlight.git: the server part of the reference is the temp folder.
    reference = `${server}/acme/greenlight/greenlight@1.0.0`;
    user = createRepo();
    user.commit({ subject: 'ENG-1 start' });
    builds = tempDir('greenlight-builds-');
  });

  function job(script: string, vars: Record<string, string>) {
    const r = spawnSync('bash', ['-e', '-c', `${beforeScript}\n${script}`], {
      cwd: user.dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        GITLAB_CI: 'true',
        CI_BUILDS_DIR: builds,
        CI_SERVER_PROTOCOL: 'file',
        GREENLIGHT_COMPONENT: reference,
        GREENLIGHT_SOURCE_SHA: sha,
        GREENLIGHT_SOURCE_REPOSITORY: '',
        GREENLIGHT_SQLITE: 'auto',
        npm_config_offline: 'true',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
        ...vars,
      },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('fetches the pinned commit of the project named by the include, installs, and runs greenlight', () => {
    writeFileSync(
      path.join(user.dir, 'junit.xml'),
      '<testsuite name="u" tests="1" failures="0"><testcase classname="a" name="b"/></testsuite>\n',
    );
    const key = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const r = job('greenlight --version\ngreenlight record tests junit.xml', {
      GREENLIGHT_DATABASE_URL: pg.fresh(user.dir),
      GREENLIGHT_LEDGER_KEY: key,
    });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code, r.stderr).toBe(0);
    const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect(r.stdout).toContain(`${version}\n`);
    expect(r.stdout).toMatch(/recorded test results/);
    const tool = path.join(builds, `.greenlight-${sha}`);
    expect(execFileSync('git', ['-C', tool, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim()).toBe(sha);
    expect(readFileSync(path.join(tool, 'node_modules', '.greenlight-install'), 'utf8')).toMatch(
      /sqlite-skip/,
    );
    expect(r.stdout + r.stderr).not.toContain(key.split('\n')[1]!);
  });

  it('refuses a commit the project does not have', () => {
    const r = job('greenlight --version', { GREENLIGHT_SOURCE_SHA: 'f'.repeat(40) });
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toMatch(/\d+\.\d+\.\d+/);
  });

  it('refuses a checkout that is not at the pinned commit', () => {
    const tool = path.join(builds, `.greenlight-${sha}`);
    const env = isolatedGitEnv({
      GIT_AUTHOR_NAME: 'x',
      GIT_AUTHOR_EMAIL: 'x@x',
      GIT_COMMITTER_NAME: 'x',
      GIT_COMMITTER_EMAIL: 'x@x',
    });
    execFileSync('git', ['-C', tool, 'commit', '-q', '--allow-empty', '-m', 'tampered'], { env });
    const r = job('greenlight --version', {});
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`is not at ${sha}`);
  });
});
