import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  collect,
  fixture,
  FIXTURES,
  lineOf,
  repoWith,
} from '../../sources/workflows/__fixtures__/fixtures.js';
import { runCheck } from '../../../test/check-tester.js';
import check from './index.js';

const PR_TARGET = '.github/workflows/pr-target.yml';
const read = (rel: string) => readFileSync(path.join(FIXTURES, rel), 'utf8');

describe('pipeline.no-dangerous-triggers', () => {
  it('fails a pull_request_target or workflow_run job that checks out the head and runs it, at the checkout line', async () => {
    const findings = runCheck(check, { workflows: await fixture('github-bad') });
    expect(findings).toEqual([
      {
        outcome: 'fail',
        message:
          '.github/workflows/after-ci.yml job `report` runs on workflow_run, checks out the untrusted head (step 1) ' +
          "and then runs it (`./.github/actions/report`) with the base repository's secrets and token",
        resource: '.github/workflows/after-ci.yml',
        location: {
          path: '.github/workflows/after-ci.yml',
          ...lineOf('github-bad/.github/workflows/after-ci.yml', 'uses: actions/checkout'),
        },
        details: { job: 'report', triggers: ['workflow_run'], checkoutStep: 0, runStep: 1 },
      },
      {
        outcome: 'fail',
        message:
          `${PR_TARGET} job \`build\` runs on pull_request_target, checks out the untrusted head (step 1) ` +
          "and then runs it (`run:` step 2) with the base repository's secrets and token",
        resource: PR_TARGET,
        location: { path: PR_TARGET, ...lineOf(`github-bad/${PR_TARGET}`, 'uses: actions/checkout') },
        details: { job: 'build', triggers: ['pull_request_target'], checkoutStep: 0, runStep: 1 },
      },
    ]);
  });

  it('passes the fixed workflow that checks out the base (no ref)', async () => {
    const fixed = read(`github-bad/${PR_TARGET}`).replace(
      '        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n',
      '',
    );
    const findings = runCheck(check, { workflows: await collect(repoWith({ [PR_TARGET]: fixed })) });
    expect(findings.map((f) => [f.outcome, f.resource, f.message])).toEqual([
      [
        'pass',
        PR_TARGET,
        `${PR_TARGET} uses a privileged trigger but never checks out and runs the untrusted head`,
      ],
    ]);
  });

  it('passes a pull_request_target workflow that only labels, and workflows without privileged triggers', async () => {
    const good = runCheck(check, { workflows: await fixture('github-good') });
    expect(good.map((f) => [f.outcome, f.resource])).toEqual([['pass', '.github/workflows/label.yml']]);
    const plain = runCheck(check, { workflows: await fixture('github-invalid') });
    expect(plain.map((f) => [f.outcome, f.message])).toEqual([
      ['pass', 'no workflow uses pull_request_target or workflow_run'],
    ]);
  });

  it('sees gh pr checkout and head refs fetched through env, and ignores jobs that never run on the trigger', async () => {
    const job = (id: string, extra: string, steps: string) =>
      `  ${id}:\n    runs-on: x\n${extra}    steps:\n${steps}`;
    const root = repoWith({
      '.github/workflows/t.yml': [
        'on: [pull_request_target, pull_request]',
        'jobs:',
        job('gh', '', '      - run: gh pr checkout ${{ github.event.number }}\n      - run: make\n'),
        job(
          'env',
          '',
          '      - env:\n          HEAD: ${{ github.head_ref }}\n        run: git fetch origin "$HEAD" && git checkout FETCH_HEAD\n      - uses: docker/build-push-action@v6\n',
        ),
        job(
          'prOnly',
          "    if: github.event_name == 'pull_request'\n",
          '      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: make\n',
        ),
        job(
          'noRun',
          '',
          '      - uses: actions/checkout@v4\n        with:\n          ref: refs/pull/${{ github.event.number }}/merge\n',
        ),
      ].join('\n'),
    });
    const findings = runCheck(check, { workflows: await collect(root) });
    expect(findings.map((f) => [f.outcome, f.location?.line, f.details?.job])).toEqual([
      ['fail', 6, 'gh'],
      ['fail', 12, 'env'],
    ]);
  });

  it('is not applicable without GitHub workflows', async () => {
    const findings = runCheck(check, { workflows: await fixture('gitlab') });
    expect(findings.map((f) => f.outcome)).toEqual(['not_applicable']);
  });
});
