import { describe, expect, it } from 'vitest';
import type { Job, Workflow } from '../../facts/index.js';
import { collect, fixture, lineOf, repoWith } from './__fixtures__/fixtures.js';
import { evalCondition } from './gitlab-rules.js';

const job = (wf: Workflow | undefined, id: string): Job => {
  const j = wf?.jobs.find((x) => x.id === id);
  if (!j) throw new Error(`no job ${id}`);
  return j;
};
const at = (file: string, needle: string, nth = 1) => ({
  path: file,
  ...lineOf(`gitlab/${file}`, needle, nth),
});
const MAIN = '.gitlab-ci.yml';

describe('GitLab CI', () => {
  it('merges local includes (path, glob), default:, extends: and !reference', async () => {
    const set = await fixture('gitlab');
    expect(set.errors).toEqual([]);
    expect(set.files).toHaveLength(1);
    const wf = set.files[0];
    expect(wf?.system).toBe('gitlab-ci');
    expect(wf?.stages).toEqual(['build', 'test', 'deploy']);
    expect(wf?.env).toEqual({ NODE_VERSION: '20' });
    // Keywords are not jobs; hidden jobs are templates; included jobs come first, as GitLab merges them.
    expect(wf?.jobs.map((j) => j.id)).toEqual([
      'lint',
      'build',
      'unit-tests',
      'nightly-audit',
      'deploy-prod',
    ]);
    expect(wf?.includes).toEqual([
      {
        kind: 'local',
        ref: 'ci/templates.yml',
        resolved: true,
        location: at(MAIN, 'local: ci/templates.yml'),
      },
      { kind: 'local', ref: 'ci/jobs/*.yml', resolved: true, location: at(MAIN, "'ci/jobs/*.yml'") },
      {
        kind: 'remote',
        ref: 'https://example.com/ci/shared.yml',
        resolved: false,
        location: at(MAIN, 'remote:'),
      },
      {
        kind: 'template',
        ref: 'Security/SAST.gitlab-ci.yml',
        resolved: false,
        location: at(MAIN, 'template:'),
      },
      {
        kind: 'project',
        ref: 'group/ci-library:/deploy.yml@v1.2.0',
        resolved: false,
        location: at(MAIN, 'project:'),
      },
    ]);

    const lint = job(wf, 'lint');
    expect(lint.location).toEqual(at('ci/jobs/lint.yml', 'lint:'));
    expect(lint.steps[0]?.run).toBe('npm ci\nnpm run lint');
    expect(lint.steps[0]?.location).toEqual(at('ci/jobs/lint.yml', 'script:'));
    // The default before_script comes first, so the script starts where it is written.
    expect(lint.steps[0]?.runLocation).toEqual(at(MAIN, 'npm ci'));
    expect(lint.image).toBe('node:20');

    const unit = job(wf, 'unit-tests');
    expect(unit.stage).toBe('test');
    expect(unit.services).toEqual(['postgres:16']);
    expect(unit.env).toEqual({ NODE_VERSION: '20', DATABASE_URL: 'postgres://postgres@postgres/test' });
    expect(unit.envLocation).toEqual(at('ci/templates.yml', 'variables:'));
    expect(unit.steps[0]?.run).toBe('npm ci\nnpm test\necho "done with $DEPLOY_TOKEN"');
    expect(unit.secrets).toEqual(['DEPLOY_TOKEN']);

    const audit = job(wf, 'nightly-audit');
    expect(audit.continueOnError).toBe(true);
    expect(audit.steps[0]?.continueOnError).toBe(true);
    expect(audit.image).toBe('node:20-alpine');

    const deploy = job(wf, 'deploy-prod');
    expect(deploy.environment).toBe('production');
    expect(deploy.idTokens).toEqual(['AWS_ID_TOKEN']);
    expect(deploy.steps[0]?.run).toContain('aws sts assume-role-with-web-identity');
    expect(deploy.steps[0]?.run).toContain('aws s3 sync public/');
    // Tokens minted by id_tokens are not stored secrets; ROLE_ARN is a CI/CD variable.
    expect(deploy.secrets).toEqual(['ROLE_ARN']);
  });

  it('maps workflow:rules, rules:, only: and except: to normalized events', async () => {
    const wf = (await fixture('gitlab')).files[0];
    expect(wf?.triggers).toEqual([
      { event: 'push', location: at(MAIN, 'if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH') },
      { event: 'pull_request', location: at(MAIN, 'if: $CI_PIPELINE_SOURCE == "merge_request_event"') },
      { event: 'schedule', location: at(MAIN, 'if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH') },
      { event: 'workflow_dispatch', location: at(MAIN, 'if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH') },
    ]);
    expect(Object.fromEntries(wf?.jobs.map((j) => [j.id, j.events]) ?? [])).toEqual({
      // except: schedules, and workflow:rules drop the default `only: [branches, tags]`
      lint: ['push', 'pull_request', 'workflow_dispatch'],
      build: undefined,
      'unit-tests': undefined,
      'nightly-audit': ['schedule'],
      // the branch rule cannot hold in a merge request pipeline, and the catch-all is `when: never`
      'deploy-prod': ['push', 'schedule', 'workflow_dispatch'],
    });
  });

  it('without workflow:rules, jobs without rules run in branch pipelines only', async () => {
    const root = repoWith({
      '.gitlab-ci.yml': [
        'test:',
        '  script: make test',
        'mr-only:',
        '  script: make check',
        '  only: [merge_requests]',
        'manual:',
        '  script: make deploy',
        '  when: manual',
        'rules-job:',
        '  script: make lint',
        '  rules:',
        '    - if: $CI_MERGE_REQUEST_IID',
        '    - if: $CI_PIPELINE_SOURCE =~ /^(web|api)$/',
        '      when: manual',
        '    - if: $CI_COMMIT_TAG',
        '',
      ].join('\n'),
    });
    const wf = (await collect(root)).files[0];
    expect(wf?.triggers.map((t) => [t.event, t.location?.line])).toEqual([
      ['push', 1],
      ['pull_request', 5],
      ['workflow_dispatch', 1],
    ]);
    expect(Object.fromEntries(wf?.jobs.map((j) => [j.id, j.events]) ?? [])).toEqual({
      test: ['push', 'workflow_dispatch'],
      'mr-only': ['pull_request'],
      manual: [],
      // manual on web/api, but a tag pipeline from a trigger can still run it: every trigger
      'rules-job': undefined,
    });
  });

  it('honours inherit:, multi-parent extends and a spec: header', async () => {
    const root = repoWith({
      '.gitlab-ci.yml': [
        'spec:',
        '  inputs: {}',
        '---',
        'image: ruby:3.3',
        'before_script: [bundle install]',
        'variables: { A: "1", B: "2" }',
        '.base: { stage: build, variables: { C: "3" }, script: [make] }',
        '.extra: { tags: [docker], allow_failure: { exit_codes: [3] } }',
        'job:',
        '  extends: [.base, .extra]',
        '  inherit: { default: false, variables: [B] }',
        '  script: [make all]',
        '',
      ].join('\n'),
    });
    const set = await collect(root);
    expect(set.errors).toEqual([]);
    const j = job(set.files[0], 'job');
    expect(j.stage).toBe('build');
    expect(j.runsOn).toEqual(['docker']);
    expect(j.continueOnError).toBe(true);
    expect(j.image).toBeUndefined();
    expect(j.steps[0]?.run).toBe('make all');
    expect(j.env).toEqual({ B: '2', C: '3' });
  });

  it('reports missing includes, unknown extends, unknown stages and jobs without script', async () => {
    const set = await fixture('gitlab-invalid');
    expect(set.files).toEqual([]);
    const f = (needle: string) => lineOf(`gitlab-invalid/${MAIN}`, needle);
    expect(set.errors).toEqual([
      { path: MAIN, ...f('local: ci/missing.yml'), message: 'included file `ci/missing.yml` does not exist' },
      {
        path: MAIN,
        ...f('.does-not-exist'),
        message: '`test` extends `.does-not-exist`, which is not defined',
      },
      {
        path: MAIN,
        ...lineOf(`gitlab-invalid/${MAIN}`, 'package', 2),
        message: 'job `package` is in stage `package`, which is not listed in `stages:`',
      },
      { path: MAIN, ...f('docs:'), message: 'job `docs` needs a `script:` (or `trigger:`/`run:`)' },
    ]);
  });

  it('reports extends cycles, dangling !reference, bad includes and invalid YAML in an included file', async () => {
    const root = repoWith({
      '.gitlab-ci.yml': [
        'include:',
        '  - local: /ci/broken.yml',
        '  - local: ci/none-*.yml',
        '.a: { extends: .b, script: [x] }',
        '.b: { extends: .a }',
        'loop:',
        '  extends: .a',
        'ref:',
        '  script:',
        '    - !reference [.nowhere, script]',
        'rules-and-only:',
        '  script: x',
        '  rules: [{ when: always }]',
        '  only: [main]',
        'scalar-job: echo',
        '',
      ].join('\n'),
      'ci/broken.yml': 'job: [unclosed\n',
    });
    const set = await collect(root);
    expect(set.files).toEqual([]);
    expect(set.errors.map((e) => `${e.path}:${e.line} ${e.message}`)).toEqual([
      'ci/broken.yml:2 invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
      '.gitlab-ci.yml:3 included pattern `ci/none-*.yml` matches no file',
      '.gitlab-ci.yml:5 `.b` extends `.a` in a cycle (.a → .b → .a)',
      '.gitlab-ci.yml:10 !reference [.nowhere, script] does not point at anything',
      '.gitlab-ci.yml:11 job `rules-and-only` uses `rules:` together with `only:`/`except:`; GitLab rejects that',
      '.gitlab-ci.yml:15 job `scalar-job` must be a mapping, found "echo"',
    ]);
  });
});

describe('GitLab rules conditions', () => {
  it('evaluates per pipeline source, three-valued', () => {
    const c = (cond: string) =>
      ['push', 'merge_request_event', 'schedule', 'web'].map((s) => evalCondition(cond, s as 'push'));
    expect(c('$CI_PIPELINE_SOURCE == "merge_request_event"')).toEqual([false, true, false, false]);
    expect(c("$CI_PIPELINE_SOURCE != 'push'")).toEqual([false, true, true, true]);
    expect(c('$CI_MERGE_REQUEST_IID')).toEqual([false, true, false, false]);
    expect(c('$CI_COMMIT_BRANCH')).toEqual(['unknown', false, true, 'unknown']);
    expect(c('$CI_COMMIT_TAG == null')).toEqual(['unknown', true, true, 'unknown']);
    expect(c('$CI_PIPELINE_SOURCE =~ /^(push|schedule)$/')).toEqual([true, false, true, false]);
    expect(c('($CI_PIPELINE_SOURCE == "web" || $DEPLOY) && $CI_MERGE_REQUEST_ID == null')).toEqual([
      'unknown',
      false,
      'unknown',
      true,
    ]);
    expect(c('$CI_PIPELINE_SOURCE ==')).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('runs the =~ patterns of a repository on a linear-time engine, flags kept, lookaround unknown', () => {
    expect(evalCondition('$CI_PIPELINE_SOURCE =~ /^PUSH$/i', 'push')).toBe(true);
    expect(evalCondition('$CI_PIPELINE_SOURCE =~ /^PUSH$/', 'push')).toBe(false);
    // A backtracking engine takes exponential time on this subject; RE2 answers in linear time.
    const subject = `${'a'.repeat(5000)}!`;
    expect(evalCondition(`"${subject}" =~ /^(a+)+$/`, 'push')).toBe(false);
    expect(evalCondition('$CI_PIPELINE_SOURCE =~ /^(?=push)/', 'push')).toBe('unknown');
  });
});
