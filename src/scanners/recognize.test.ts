import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../config/index.js';
import {
  cronFrequency,
  eventsOf,
  makeJob,
  makeWorkflow,
  requiredScanTypes,
  runsOnPullRequests,
  runsOnPush,
  scansInWorkflows,
  scheduleOf,
} from './index.js';

const set = (...files: ReturnType<typeof makeWorkflow>[]) => ({ files, errors: [] });

describe('scansInWorkflows', () => {
  it('reports type, location and the workflow triggers', () => {
    const wf = makeWorkflow(
      '.github/workflows/codeql.yml',
      ['pull_request', 'push', { event: 'schedule', cron: '17 3 * * *' }],
      [
        makeJob('analyze', [
          { uses: 'github/codeql-action/init@v3' },
          { uses: 'github/codeql-action/analyze@v3' },
        ]),
      ],
    );
    const [u, ...rest] = scansInWorkflows(set(wf));
    expect(rest).toEqual([]);
    expect(u).toMatchObject({
      type: 'sast',
      scanner: 'codeql',
      workflow: '.github/workflows/codeql.yml',
      job: 'analyze',
      step: 1,
      via: 'action',
      match: 'github/codeql-action/analyze',
      location: { path: '.github/workflows/codeql.yml', line: 11 },
      blocking: true,
    });
    expect(runsOnPullRequests(u!)).toBe(true);
    expect(runsOnPush(u!)).toBe(true);
    expect(scheduleOf(u!)).toBe('daily');
  });

  it('narrows triggers to job.events and to a step `if:` on github.event_name', () => {
    const wf = makeWorkflow(
      '.github/workflows/ci.yml',
      ['pull_request', 'push', { event: 'schedule', cron: '0 4 * * 1' }],
      [
        makeJob('nightly', [{ run: 'npm audit' }], { events: ['schedule'] }),
        makeJob('pr', [{ run: 'gitleaks detect', if: "github.event_name == 'pull_request'" }]),
        makeJob('notsched', [{ run: 'semgrep ci', if: "github.event_name != 'schedule'" }]),
      ],
    );
    const uses = scansInWorkflows(set(wf));
    expect(uses.map((u) => [u.job, eventsOf(u)])).toEqual([
      ['nightly', ['schedule']],
      ['pr', ['pull_request']],
      ['notsched', ['pull_request', 'push']],
    ]);
    expect(scheduleOf(uses[0]!)).toBe('less-often');
  });

  it('treats a push on every branch as covering pull requests, but not a push to main only', () => {
    const all = makeWorkflow('.github/workflows/a.yml', ['push'], [makeJob('s', [{ run: 'semgrep ci' }])]);
    const main = makeWorkflow(
      '.github/workflows/b.yml',
      [{ event: 'push', branches: ['main'] }],
      [makeJob('s', [{ run: 'semgrep ci' }])],
    );
    const [a, b] = scansInWorkflows(set(all, main));
    expect(runsOnPullRequests(a!)).toBe(true);
    expect(runsOnPullRequests(b!)).toBe(false);
  });

  it('gives a reusable workflow the triggers of the jobs that call it', () => {
    const reusable = makeWorkflow(
      '.github/workflows/scan.yml',
      ['workflow_call'],
      [makeJob('gitleaks', [{ uses: 'gitleaks/gitleaks-action@v2' }])],
    );
    const caller = makeWorkflow(
      '.github/workflows/ci.yml',
      ['pull_request', 'push'],
      [makeJob('scan', [], { uses: './.github/workflows/scan.yml' })],
    );
    const [u] = scansInWorkflows(set(reusable, caller));
    expect(u?.workflow).toBe('.github/workflows/scan.yml');
    expect(eventsOf(u!)).toEqual(['pull_request', 'push']);
  });

  it('recognises an external reusable workflow called by a job', () => {
    const wf = makeWorkflow(
      '.github/workflows/osv.yml',
      ['pull_request'],
      [
        makeJob('osv', [], {
          uses: 'google/osv-scanner-action/.github/workflows/osv-scanner-reusable-pr.yml@v2.0.0',
        }),
      ],
    );
    expect(scansInWorkflows(set(wf)).map((u) => [u.scanner, u.type, u.via])).toEqual([
      ['osv-scanner', 'sca', 'action'],
    ]);
  });

  it('looks inside local composite actions', () => {
    const wf = makeWorkflow(
      '.github/workflows/ci.yml',
      ['pull_request'],
      [makeJob('build', [{ uses: './.github/actions/scan' }])],
      {
        localActions: {
          './.github/actions/scan': {
            path: '.github/actions/scan/action.yml',
            steps: [
              {
                index: 0,
                run: 'trivy fs --exit-code 1 .',
                with: {},
                env: {},
                continueOnError: false,
                location: { path: '.github/actions/scan/action.yml', line: 7 },
              },
            ],
          },
        },
      },
    );
    const [u] = scansInWorkflows(set(wf));
    expect(u).toMatchObject({
      scanner: 'trivy-fs',
      type: 'sca',
      location: { path: '.github/actions/scan/action.yml', line: 7 },
    });
  });

  it('marks scans that cannot fail the pipeline as advisory, saying why', () => {
    const gh = makeWorkflow(
      '.github/workflows/ci.yml',
      ['pull_request'],
      [
        makeJob('a', [{ run: 'semgrep ci', continueOnError: true }]),
        makeJob('b', [{ run: 'semgrep ci' }], { continueOnError: true }),
        makeJob('c', [{ run: 'set +e\nsemgrep ci\necho done' }]),
        makeJob('d', [{ run: 'semgrep ci | tee semgrep.txt' }]),
        makeJob('e', [{ run: 'set -o pipefail\nsemgrep ci | tee semgrep.txt' }]),
        makeJob('f', [{ run: 'semgrep ci || exit 0' }]),
        makeJob('g', [{ run: 'semgrep ci \\\n  --config auto || true' }]),
      ],
    );
    const gl = makeWorkflow(
      '.gitlab-ci.yml',
      ['pull_request'],
      [makeJob('sast', [{ run: 'semgrep ci' }], { continueOnError: true })],
    );
    const advisory = Object.fromEntries(
      scansInWorkflows(set(gh, gl)).map((u) => [`${u.workflow}#${u.job}`, u.advisory ?? null]),
    );
    expect(advisory).toEqual({
      '.github/workflows/ci.yml#a': 'continue-on-error: true on the step',
      '.github/workflows/ci.yml#b': 'continue-on-error: true on the job',
      '.github/workflows/ci.yml#c': '`set +e` lets the script go on after it fails',
      '.github/workflows/ci.yml#d': 'its exit status is lost in a pipe (no `set -o pipefail`)',
      '.github/workflows/ci.yml#e': null,
      '.github/workflows/ci.yml#f': '`|| exit 0` swallows its failure',
      '.github/workflows/ci.yml#g': '`|| true` swallows its failure',
      '.gitlab-ci.yml#sast': '`allow_failure: true` on the job',
    });
  });

  it('keeps GitLab job events even when the file lists no such trigger', () => {
    const gl = makeWorkflow(
      '.gitlab-ci.yml',
      ['push'],
      [makeJob('deps', [{ run: 'npm audit' }], { events: ['schedule'] })],
    );
    const [u] = scansInWorkflows(set(gl));
    expect(eventsOf(u!)).toEqual(['schedule']);
    expect(scheduleOf(u!)).toBe('unknown');
  });
});

describe('cronFrequency', () => {
  it.each([
    ['0 3 * * *', 'daily'],
    ['*/15 * * * *', 'daily'],
    ['0 0,12 * * 0-6', 'daily'],
    ['0 0 * * 0-7', 'daily'],
    ['0 0 */1 * *', 'daily'],
    ['30 2 * * SUN-SAT', 'daily'],
    ['@daily', 'daily'],
    ['0 3 * * 1-5', 'less-often'],
    ['0 3 * * MON', 'less-often'],
    ['0 3 1 * *', 'less-often'],
    ['0 3 */2 * *', 'less-often'],
    ['0 3 * 1-6 *', 'less-often'],
    ['@weekly', 'less-often'],
    ['0 3 * *', 'invalid'],
    ['61 3 * * *', 'invalid'],
    ['0 3 * * FUNDAY', 'invalid'],
  ])('%s → %s', (cron, expected) => {
    expect(cronFrequency(cron)).toBe(expected);
  });
});

describe('requiredScanTypes', () => {
  it('uses scans.required, or the classes that match the repository', () => {
    expect(requiredScanTypes(defaultConfig())).toEqual(['sast', 'sca', 'secrets']);
    const config = parseConfig(
      'scans:\n  required: [sast, sca, secrets]\n  classes:\n    - name: docs\n      repositories: ["acme/docs-*"]\n      required: [secrets]\n',
      'greenlight.yml',
    );
    expect(requiredScanTypes(config, 'acme/docs-site')).toEqual(['secrets']);
    expect(requiredScanTypes(config, 'acme/api')).toEqual(['sast', 'sca', 'secrets']);
  });
});
