import { describe, expect, it } from 'vitest';
import { collect, fixture, lineOf, repoWith } from '../../sources/workflows/__fixtures__/fixtures.js';
import { runCheck } from '../../../test/check-tester.js';
import check from './index.js';

const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';

describe('pipeline.actions-pinned', () => {
  it('passes workflows whose actions, local actions and reusable workflows are pinned to SHAs', async () => {
    const findings = runCheck(check, { workflows: await fixture('github-good') });
    expect(findings.map((f) => [f.outcome, f.message])).toEqual([
      ['pass', '.github/workflows/ci.yml: all 3 action reference(s) are pinned'],
      ['pass', '.github/workflows/deploy.yml: all 3 action reference(s) are pinned'],
      ['pass', '.github/workflows/label.yml: all 2 action reference(s) are pinned'],
    ]);
  });

  it('fails each tag-pinned step with its line', async () => {
    const findings = runCheck(check, { workflows: await fixture('github-bad') });
    const line = (file: string, needle: string) =>
      lineOf(`github-bad/.github/workflows/${file}`, needle).line;
    expect(findings.map((f) => [f.outcome, f.resource, f.location?.line, f.details?.uses])).toEqual([
      ['pass', '.github/workflows/after-ci.yml', undefined, undefined],
      ['fail', '.github/workflows/ci.yml', line('ci.yml', 'actions/checkout@v4'), 'actions/checkout@v4'],
      ['fail', '.github/workflows/ci.yml', line('ci.yml', 'actions/setup-node@v4'), 'actions/setup-node@v4'],
      [
        'fail',
        '.github/workflows/deploy.yml',
        line('deploy.yml', 'actions/checkout@v4'),
        'actions/checkout@v4',
      ],
      [
        'fail',
        '.github/workflows/deploy.yml',
        line('deploy.yml', 'configure-aws-credentials@v4'),
        'aws-actions/configure-aws-credentials@v4',
      ],
      [
        'fail',
        '.github/workflows/deploy.yml',
        line('deploy.yml', 'google-github-actions/auth@v2'),
        'google-github-actions/auth@v2',
      ],
      ['pass', '.github/workflows/inject.yml', undefined, undefined],
      ['pass', '.github/workflows/pr-target.yml', undefined, undefined],
    ]);
    expect(findings[1]?.message).toBe(
      `.github/workflows/ci.yml:${line('ci.yml', 'actions/checkout@v4')} job \`test\` step 1 uses \`actions/checkout@v4\`: a movable ref (v4)`,
    );
  });

  it('lets the allow option exempt actions by glob', async () => {
    const findings = runCheck(
      check,
      { workflows: await fixture('github-bad') },
      { options: { allow: ['actions/*', 'Google-GitHub-Actions/*'] } },
    );
    expect(findings.filter((f) => f.outcome === 'fail').map((f) => f.details?.uses)).toEqual([
      'aws-actions/configure-aws-credentials@v4',
    ]);
  });

  it('checks Docker actions, short SHAs, reusable workflows and composite action steps', async () => {
    const root = repoWith({
      '.github/workflows/w.yml': [
        'on: push',
        'jobs:',
        '  call:',
        '    uses: org/pipelines/.github/workflows/build.yml@main',
        '  local-call:',
        '    uses: ./.github/workflows/other.yml',
        '  steps:',
        '    runs-on: x',
        '    steps:',
        '      - uses: docker://alpine:3.20',
        '      - uses: docker://alpine@sha256:' + 'a'.repeat(64),
        `      - uses: actions/cache/save@${SHA}`,
        '      - uses: actions/cache/restore@b4ffde6',
        '      - uses: ./.github/actions/setup',
        '',
      ].join('\n'),
      '.github/workflows/other.yml': `on: workflow_call\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@${SHA}\n`,
      '.github/actions/setup/action.yml':
        'runs:\n  using: composite\n  steps:\n    - uses: pnpm/action-setup@v4\n',
    });
    const findings = runCheck(check, { workflows: await collect(root) });
    expect(
      findings.map((f) => [f.outcome, f.location?.path, f.location?.line, f.message.replace(/^\S+ /, '')]),
    ).toEqual([
      ['pass', undefined, undefined, 'all 1 action reference(s) are pinned'],
      [
        'fail',
        '.github/workflows/w.yml',
        3,
        'job `call` uses `org/pipelines/.github/workflows/build.yml@main`: a movable ref (main)',
      ],
      [
        'fail',
        '.github/workflows/w.yml',
        10,
        'job `steps` step 1 uses `docker://alpine:3.20`: a Docker image not pinned by `@sha256:` digest',
      ],
      [
        'fail',
        '.github/workflows/w.yml',
        13,
        'job `steps` step 4 uses `actions/cache/restore@b4ffde6`: a short SHA (b4ffde6)',
      ],
      [
        'fail',
        '.github/actions/setup/action.yml',
        4,
        'action ./.github/actions/setup step 1 uses `pnpm/action-setup@v4`: a movable ref (v4)',
      ],
    ]);
  });

  it('is not applicable without GitHub workflows', async () => {
    expect(runCheck(check, { workflows: await fixture('gitlab') }).map((f) => f.outcome)).toEqual([
      'not_applicable',
    ]);
  });
});
