import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/index.js';
import { isUnavailable, type Workflow, type WorkflowSet } from '../../facts/index.js';
import { collect, fixture, lineOf, repoWith } from './__fixtures__/fixtures.js';
import { collectWorkflows, MAX_FILE_BYTES } from './index.js';

const byPath = (set: WorkflowSet, p: string): Workflow => {
  const wf = set.files.find((f) => f.path === p);
  if (!wf) throw new Error(`${p} not parsed; errors: ${JSON.stringify(set.errors)}`);
  return wf;
};
const at = (file: string, needle: string, nth = 1) => ({
  path: file,
  ...lineOf(`${fixtureRoot}/${file}`, needle, nth),
});
let fixtureRoot = '';

describe('GitHub Actions workflows', () => {
  it('reads triggers, permissions, jobs and steps with their locations', async () => {
    fixtureRoot = 'github-good';
    const set = await fixture('github-good');
    expect(set.errors).toEqual([]);
    expect(set.files.map((f) => f.path)).toEqual([
      '.github/workflows/ci.yml',
      '.github/workflows/deploy.yml',
      '.github/workflows/label.yml',
    ]);
    const f = '.github/workflows/ci.yml';
    const ci = byPath(set, f);
    expect(ci.system).toBe('github-actions');
    expect(ci.name).toBe('CI');
    expect(ci.triggers).toEqual([
      { event: 'pull_request', branches: ['main'], location: at(f, 'pull_request:') },
      { event: 'push', branches: ['main'], location: at(f, 'push:') },
      { event: 'schedule', cron: '0 3 * * *', location: at(f, "'0 3 * * *'") },
    ]);
    expect(ci.permissions).toEqual({ contents: 'read' });
    expect(ci.permissionsLocation).toEqual(at(f, 'permissions:'));
    expect(ci.jobs.map((j) => j.id)).toEqual(['test', 'lint']);

    const [test, lint] = ci.jobs;
    expect(test?.location).toEqual(at(f, 'test:'));
    expect(test?.runsOn).toEqual(['ubuntu-latest']);
    expect(test?.events).toBeUndefined();
    expect(test?.steps.map((s) => s.uses ?? s.run)).toEqual([
      'actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11',
      './.github/actions/setup',
      'npm ci\nnpm test -- --coverage\n',
    ]);
    expect(test?.steps[0]?.location).toEqual(at(f, 'uses: actions/checkout'));
    const unit = test?.steps[2];
    expect(unit?.name).toBe('Unit tests');
    expect(unit?.location).toEqual(at(f, 'name: Unit tests'));
    // A literal block: the script starts on the line after `run: |`, at its indentation.
    expect(unit?.runLocation).toEqual(at(f, 'npm ci'));

    expect(lint?.runsOn).toEqual(['self-hosted', 'linux']);
    expect(lint?.if).toBe("github.event_name == 'push'");
    expect(lint?.events).toEqual(['push']);
    expect(lint?.steps[1]?.runLocation).toEqual(at(f, 'npm run lint'));

    const action = ci.localActions?.['./.github/actions/setup'];
    expect(action?.path).toBe('.github/actions/setup/action.yml');
    expect(action?.steps.map((s) => s.uses ?? s.run)).toEqual([
      'actions/setup-node@60edb5dd545a775178f52524783378180af0d1f8',
      'npm ci',
    ]);
    expect(action?.steps[0]?.with).toEqual({ 'node-version': '20' });
    expect(action?.steps[1]?.location).toEqual(at('.github/actions/setup/action.yml', 'run: npm ci'));
  });

  it('reads environments, reusable workflow calls, secrets and with locations', async () => {
    fixtureRoot = 'github-good';
    const set = await fixture('github-good');
    const deploy = byPath(set, '.github/workflows/deploy.yml');
    expect(deploy.permissions).toBe('read-all');
    const [job, release] = deploy.jobs;
    expect(job?.environment).toBe('production');
    expect(job?.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(job?.steps[1]?.with['role-to-assume']).toBe('arn:aws:iam::123456789012:role/deploy');
    expect(release?.uses).toBe(
      'example/shared/.github/workflows/release.yml@0123456789abcdef0123456789abcdef01234567',
    );
    expect(release?.needs).toEqual(['deploy']);
    expect(release?.inheritsSecrets).toBe(true);
    expect(release?.steps).toEqual([]);

    const f = '.github/workflows/label.yml';
    const label = byPath(set, f);
    expect(label.triggers).toEqual([
      { event: 'pull_request_target', location: at(f, 'pull_request_target') },
    ]);
    const script = label.jobs[0]?.steps[2];
    expect(script?.withLocations?.script).toEqual(at(f, 'const n'));
    expect(label.jobs[0]?.steps[1]?.env).toEqual({ TITLE: '${{ github.event.pull_request.title }}' });
  });

  it('collects secret references and continue-on-error', async () => {
    fixtureRoot = 'github-bad';
    const set = await fixture('github-bad');
    expect(set.errors).toEqual([]);
    const deploy = byPath(set, '.github/workflows/deploy.yml');
    expect(deploy.permissions).toBe('write-all');
    expect(deploy.env).toEqual({ AWS_DEFAULT_REGION: 'eu-west-1' });
    expect(deploy.jobs.map((j) => [j.id, j.secrets])).toEqual([
      ['deploy', ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']],
      ['gcp', ['GCP_SA_KEY']],
      ['cli', ['AWS_KEY', 'AWS_SECRET']],
    ]);
    expect(deploy.jobs[2]?.envLocation).toEqual(at('.github/workflows/deploy.yml', 'env:', 2));
    const ci = byPath(set, '.github/workflows/ci.yml');
    expect(ci.triggers.map((t) => t.event)).toEqual(['push', 'workflow_dispatch']);
    // `if: ${{ github.event_name == 'pull_request' }}` can never hold for push or workflow_dispatch.
    expect(ci.jobs[1]?.events).toEqual([]);
  });

  it('reports invalid files with their line and still parses the others', async () => {
    fixtureRoot = 'github-invalid';
    const set = await fixture('github-invalid');
    expect(set.files.map((f) => f.path)).toEqual(['.github/workflows/ok.yml']);
    expect(byPath(set, '.github/workflows/ok.yml').permissions).toEqual({});
    const bad = '.github/workflows/bad-job.yml';
    expect(set.errors).toEqual([
      {
        path: bad,
        ...lineOf(`github-invalid/${bad}`, 'build:'),
        message: 'job `build` has neither `runs-on:` nor `uses:`',
      },
      {
        path: bad,
        ...lineOf(`github-invalid/${bad}`, 'run: make test'),
        message: '`steps:` of job `test` must be a list, found a mapping',
      },
      {
        path: '.github/workflows/broken.yml',
        line: 5,
        column: 1,
        message: 'invalid YAML: All mapping items must start at the same column',
      },
      {
        path: '.github/workflows/no-jobs.yml',
        line: 1,
        column: 1,
        message: 'missing `jobs:`: a workflow must define at least one job',
      },
      {
        path: '.github/workflows/no-on.yml',
        line: 1,
        column: 1,
        message: 'missing `on:`: a workflow must say which events trigger it',
      },
    ]);
  });

  it('accepts `on:` as a string or a list and validates permissions, needs and steps', async () => {
    const root = repoWith({
      '.github/workflows/a.yml':
        'on: [push, pull_request]\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: make\n',
      '.github/workflows/b.yaml':
        'on: push\npermissions: admin\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: make\n',
      '.github/workflows/c.yml':
        'on: push\njobs:\n  t:\n    runs-on: x\n    needs: build\n    permissions:\n      contents: all\n    steps:\n      - name: nothing\n      - run: a\n        uses: b@v1\n',
      '.github/workflows/d.yml': 'on: push\njobs:\n  t:\n    runs-on: x\n    steps: []\n  u: 3\n',
      '.github/workflows/empty.yml': '# nothing yet\n',
      '.github/workflows/list.yml': '- on: push\n',
      '.github/workflows/notes.txt': 'not a workflow',
      '.github/workflows/sub/e.yml': 'not: read',
    });
    const set = await collect(root);
    expect(
      set.files.map((f) => [f.path, f.triggers.map((t) => [t.event, t.location?.line, t.location?.column])]),
    ).toEqual([
      [
        '.github/workflows/a.yml',
        [
          ['push', 1, 6],
          ['pull_request', 1, 12],
        ],
      ],
    ]);
    expect(set.errors.map((e) => `${e.path}:${e.line}:${e.column} ${e.message}`)).toEqual([
      '.github/workflows/b.yaml:2:14 `permissions:` must be read-all, write-all or a mapping of scopes, found "admin"',
      '.github/workflows/c.yml:7:17 permission `contents` must be read, write or none, found "all"',
      '.github/workflows/c.yml:9:9 step 1 of job `t` has neither `uses:` nor `run:`',
      '.github/workflows/c.yml:10:9 step 2 of job `t` has both `uses:` and `run:`',
      '.github/workflows/c.yml:3:3 job `t` needs `build`, which is not a job of this workflow',
      '.github/workflows/d.yml:5:5 `steps:` of job `t` is empty',
      '.github/workflows/d.yml:6:6 job `u` must be a mapping, found 3',
      '.github/workflows/empty.yml:1:1 the file is empty',
      '.github/workflows/list.yml:1:1 a workflow must be a mapping, found a list',
    ]);
  });

  it('expands anchors and merge keys and rejects duplicate keys', async () => {
    const root = repoWith({
      '.github/workflows/anchors.yml':
        'on: push\njobs:\n  a: &job\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n  b:\n    <<: *job\n    runs-on: macos-latest\n',
      '.github/workflows/dup.yml':
        'on: push\non: pull_request\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: make\n',
      '.github/workflows/bomb.yml': [
        'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
        ...Array.from({ length: 8 }, (_, i) => {
          const prev = i === 0 ? 'a' : `l${i - 1}`;
          return `l${i}: &l${i} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`;
        }),
        'on: push',
        'jobs: {}',
      ].join('\n'),
    });
    const set = await collect(root);
    const wf = byPath(set, '.github/workflows/anchors.yml');
    expect(wf.jobs.map((j) => [j.id, j.runsOn, j.steps[0]?.run])).toEqual([
      ['a', ['ubuntu-latest'], 'make test'],
      ['b', ['macos-latest'], 'make test'],
    ]);
    expect(set.errors.map((e) => [e.path, e.line, e.message])).toEqual([
      ['.github/workflows/bomb.yml', 6, 'YAML is too large or too deeply nested once aliases are expanded'],
      ['.github/workflows/dup.yml', 2, 'invalid YAML: Map keys must be unique'],
    ]);
  });

  it('derives job events from if: conditions on github.event_name', async () => {
    const cond = (c: string) => `    if: ${c}\n    runs-on: x\n    steps:\n      - run: make\n`;
    const root = repoWith({
      '.github/workflows/w.yml': [
        'on: [push, pull_request, schedule, workflow_dispatch]',
        'jobs:',
        '  eq:',
        cond("github.event_name == 'schedule'"),
        '  ne:',
        cond("${{ github.event_name != 'push' }}"),
        '  contains:',
        cond(`contains(fromJSON('["push", "workflow_dispatch"]'), github.event_name)`),
        '  mixed:',
        cond("github.event_name == 'pull_request' && !cancelled()"),
        '  other:',
        cond("github.actor != 'dependabot[bot]'"),
        '  either:',
        cond("github.event_name == 'push' || github.ref == 'refs/heads/main'"),
      ].join('\n'),
    });
    const wf = byPath(await collect(root), '.github/workflows/w.yml');
    expect(Object.fromEntries(wf.jobs.map((j) => [j.id, j.events]))).toEqual({
      eq: ['schedule'],
      ne: ['pull_request', 'schedule', 'workflow_dispatch'],
      contains: ['push', 'workflow_dispatch'],
      mixed: ['pull_request'],
      other: undefined,
      either: undefined,
    });
  });
});

describe('repository edge cases', () => {
  it('returns empty facts when there is no workflow at all', async () => {
    expect(await collect(repoWith({ 'README.md': '# hi\n' }))).toEqual({ files: [], errors: [] });
  });

  it('is unavailable when the repository folder does not exist', async () => {
    const r = await collectWorkflows({
      root: '/nonexistent/greenlight-repo',
      since: null,
      until: new Date(),
      config: defaultConfig(),
      progress: () => {},
    });
    expect(isUnavailable(r) && r.reason).toBe(
      'the repository folder /nonexistent/greenlight-repo cannot be read',
    );
  });

  it('skips looping, dangling and escaping symlinks and oversized files', async () => {
    const ok = 'on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: make\n';
    const outside = repoWith({ 'evil.yml': ok });
    const root = repoWith({ '.github/workflows/real.yml': ok, 'shared/linked.yml': ok });
    const dir = path.join(root, '.github/workflows');
    symlinkSync('loop-b.yml', path.join(dir, 'loop-a.yml'));
    symlinkSync('loop-a.yml', path.join(dir, 'loop-b.yml'));
    symlinkSync('missing.yml', path.join(dir, 'dangling.yml'));
    symlinkSync(path.join(outside, 'evil.yml'), path.join(dir, 'outside.yml'));
    symlinkSync('../../shared/linked.yml', path.join(dir, 'inside.yml'));
    writeFileSync(path.join(dir, 'huge.yml'), `on: push\n#${'x'.repeat(MAX_FILE_BYTES)}\n`);
    mkdirSync(path.join(dir, 'folder.yml'));
    const set = await collect(root);
    expect(set.files.map((f) => f.path)).toEqual([
      '.github/workflows/inside.yml',
      '.github/workflows/real.yml',
    ]);
    expect(set.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      '.github/workflows/dangling.yml: dangling symbolic link, skipped',
      '.github/workflows/folder.yml: not a regular file, skipped',
      `.github/workflows/huge.yml: file is ${MAX_FILE_BYTES + 11} bytes, larger than the ${MAX_FILE_BYTES}-byte limit; not parsed`,
      '.github/workflows/loop-a.yml: symbolic link loop, skipped',
      '.github/workflows/loop-b.yml: symbolic link loop, skipped',
      '.github/workflows/outside.yml: symbolic link points outside the repository, skipped',
    ]);
  });

  it('does not follow a local action outside the repository and reports a broken action file', async () => {
    const wf = (uses: string) =>
      `on: pull_request\njobs:\n  t:\n    runs-on: x\n    steps:\n      - uses: ${uses}\n`;
    const root = repoWith({
      '.github/workflows/a.yml': wf('./../../etc'),
      '.github/workflows/b.yml': wf('./actions/broken'),
      '.github/workflows/c.yml': wf('./not/checked/in'),
      'actions/broken/action.yaml': 'name: x\nruns:\n  using: composite\n  steps: run\n',
    });
    const set = await collect(root);
    expect(set.files.map((f) => [f.path, f.localActions])).toEqual([
      ['.github/workflows/a.yml', undefined],
      ['.github/workflows/b.yml', undefined],
      ['.github/workflows/c.yml', undefined],
    ]);
    expect(set.errors).toEqual([
      { path: '../../etc/action.yml', message: 'path points outside the repository' },
      {
        path: 'actions/broken/action.yaml',
        line: 4,
        column: 10,
        message: 'a composite action needs `runs.steps:` as a list',
      },
    ]);
  });
});
