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

const INJECT = '.github/workflows/inject.yml';
const at = (needle: string) => ({ path: INJECT, ...lineOf(`github-bad/${INJECT}`, needle) });

describe('pipeline.no-script-injection', () => {
  it('fails each attacker-controlled expression at its exact line and column', async () => {
    const findings = runCheck(check, { workflows: await fixture('github-bad') });
    const fails = findings.filter((f) => f.outcome === 'fail');
    expect(fails.map((f) => [f.resource, f.location, f.details?.source])).toEqual([
      // inside a literal block, second line of the script
      [INJECT, at('${{ github.event.issue.title }}'), 'github.event.issue.title'],
      // a plain one-line run
      [INJECT, at('${{ github.head_ref }}'), 'github.head_ref'],
      // an actions/github-script `script:`
      [INJECT, at('${{ github.event.issue.body }}'), 'github.event.issue.body'],
    ]);
    expect(fails[0]?.message).toBe(
      `${INJECT}:${at('${{ github.event.issue.title').line} expands \`\${{ github.event.issue.title }}\` inside a \`run:\` script ` +
        '(job `triage`): github.event.issue.title is attacker-controlled and can inject shell commands',
    );
    expect(findings.filter((f) => f.outcome === 'pass').map((f) => f.resource)).toEqual([
      '.github/workflows/after-ci.yml',
      '.github/workflows/ci.yml',
      '.github/workflows/deploy.yml',
      '.github/workflows/pr-target.yml',
    ]);
  });

  it('passes the fixed workflow that passes values through env:', async () => {
    const fixed = readFileSync(path.join(FIXTURES, 'github-bad', INJECT), 'utf8')
      .replace('echo "Title: ${{ github.event.issue.title }}"', 'echo "Title: $TITLE"')
      .replace(
        '      - run: echo "${{ github.head_ref }}"',
        '      - run: echo "$HEAD_REF"\n        env:\n          HEAD_REF: ${{ github.head_ref }}',
      )
      .replace('`${{ github.event.issue.body }}`', 'process.env.BODY');
    const findings = runCheck(check, { workflows: await collect(repoWith({ [INJECT]: fixed })) });
    expect(findings.map((f) => [f.outcome, f.message])).toEqual([
      ['pass', `${INJECT} expands no attacker-controlled expression inside a script`],
    ]);
    const good = runCheck(check, { workflows: await fixture('github-good') });
    expect(good.map((f) => f.outcome)).toEqual(['pass', 'pass', 'pass']);
  });

  it('follows env indirection, bracket syntax, whole payloads and composite actions', async () => {
    const root = repoWith({
      '.github/workflows/w.yml': [
        'on: pull_request_target',
        'env:',
        '  TITLE: ${{ github.event.pull_request.title }}',
        'jobs:',
        '  j:',
        '    runs-on: x',
        '    steps:',
        '      - run: echo "${{ env.TITLE }}"',
        "      - run: echo '${{ github.event['pull_request']['body'] }}' > body.txt",
        '      - run: echo ${{ toJSON(github.event) }} | jq .',
        '      - run: echo ${{ github.event.pull_request.number }} ${{ github.event.commits[0].message }}',
        '      - uses: ./.github/actions/greet',
        '',
      ].join('\n'),
      '.github/actions/greet/action.yml':
        'runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: |\n        echo hi\n        echo ${{ github.event.pull_request.head.ref }}\n',
    });
    const findings = runCheck(check, { workflows: await collect(root) });
    expect(
      findings.map((f) => [
        f.outcome,
        f.location?.path,
        f.location?.line,
        f.location?.column,
        f.details?.source,
      ]),
    ).toEqual([
      ['fail', '.github/workflows/w.yml', 8, 20, 'env.title (set from untrusted input)'],
      ['fail', '.github/workflows/w.yml', 9, 20, 'github.event.pull_request.body'],
      ['fail', '.github/workflows/w.yml', 10, 19, 'github.event'],
      ['fail', '.github/workflows/w.yml', 11, 59, 'github.event.commits.*.message'],
      ['fail', '.github/actions/greet/action.yml', 7, 14, 'github.event.pull_request.head.ref'],
    ]);
  });

  it('is not applicable without GitHub workflows', async () => {
    expect(runCheck(check, { workflows: await fixture('gitlab') }).map((f) => f.outcome)).toEqual([
      'not_applicable',
    ]);
  });
});
