import { describe, expect, it } from 'vitest';
import type { CiContext } from '../ci-context/index.js';
import { UsageError } from '../errors.js';
import type { ScanFindingRecord, ScanRecord, TestRecord } from '../facts/index.js';
import type { ChangeRow, Population } from '../population/index.js';
import { decideDeploy, decidePullRequest, detectContext, type PullRequestEvidence } from './decide.js';

const HEAD = 'a'.repeat(40);
const BASE = 'b'.repeat(40);
const ci: CiContext = { system: 'local', event: 'other' };
const at = (index: number) => ({
  index,
  predicateType: 'https://example.test/p',
  recordedAt: '2026-11-01T00:00:00Z',
});

const finding = (over: Partial<ScanFindingRecord> = {}): ScanFindingRecord => ({
  fingerprint: 'fp-1',
  ruleId: 'no-eval',
  severity: 'high',
  scanType: 'sast',
  location: 'src/a.ts:3',
  ...over,
});

const scan = (findings: ScanFindingRecord[], over: Partial<ScanRecord> = {}): ScanRecord => ({
  ref: at(1),
  ci,
  commit: HEAD,
  tool: 'semgrep',
  format: 'sarif',
  scanTypes: ['sast'],
  scannedAt: '2026-11-01T00:00:00Z',
  reportSha256: '0'.repeat(64),
  summary: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
  findings,
  ...over,
});

const tests = (over: Partial<TestRecord> = {}): TestRecord => ({
  ref: at(2),
  ci,
  commit: HEAD,
  format: 'junit',
  total: 10,
  failed: 0,
  errors: 0,
  skipped: 1,
  passed: true,
  reportSha256: '1'.repeat(64),
  ...over,
});

const pr = (over: Partial<PullRequestEvidence> = {}): PullRequestEvidence => ({
  head: HEAD,
  prNumber: 7,
  scans: [scan([])],
  baseScans: [],
  tests: [tests()],
  requiredScanTypes: ['sast'],
  blockingSeverities: ['critical', 'high'],
  ...over,
});

describe('decidePullRequest', () => {
  it('passes with the required scans, no blocking finding and green tests, saying what it checked', () => {
    expect(decidePullRequest(pr())).toEqual({
      context: 'pull_request',
      decision: 'pass',
      commit: HEAD,
      prNumber: 7,
      reasons: [],
      notes: [
        'required scans recorded: sast',
        'no blocking finding (critical/high new since the base, none recorded for the base, or any secret)',
        'tests passed: 9 run, 1 skipped',
      ],
    });
  });

  it('fails when a required scan type was not recorded for the head', () => {
    const d = decidePullRequest(pr({ requiredScanTypes: ['sast', 'sca', 'secrets'] }));
    expect(d.decision).toBe('fail');
    expect(d.reasons).toEqual([
      'required scans not recorded for aaaaaaa: sca, secrets (run the scanner and `greenlight record scan`)',
    ]);
  });

  it('fails on a new blocking finding, and not on one the base already had', () => {
    const found = [finding(), finding({ fingerprint: 'fp-2', ruleId: 'sqli', location: 'src/b.ts:9' })];
    const d = decidePullRequest(
      pr({ scans: [scan(found)], baseScans: [scan([finding()], { commit: BASE })] }),
    );
    expect(d.decision).toBe('fail');
    expect(d.reasons).toEqual(['1 blocking finding:', '  - new high finding sqli at src/b.ts:9 (semgrep)']);
  });

  it('fails on a secret even when the base had it and its severity does not block', () => {
    const { location: _, ...unlocated } = finding({
      scanType: 'secrets',
      severity: 'low',
      ruleId: 'aws-key',
    });
    const secret: ScanFindingRecord = unlocated;
    const d = decidePullRequest(
      pr({ scans: [scan([secret])], baseScans: [scan([secret], { commit: BASE })] }),
    );
    expect(d.reasons).toEqual(['1 blocking finding:', '  - secret finding aws-key (semgrep)']);
  });

  it('counts a finding reported twice once, and ignores severities that do not block', () => {
    const d = decidePullRequest(
      pr({
        scans: [scan([finding(), finding({ fingerprint: 'fp-3', severity: 'medium' })]), scan([finding()])],
      }),
    );
    expect(d.reasons).toEqual([
      '1 blocking finding:',
      '  - new high finding no-eval at src/a.ts:3 (semgrep)',
    ]);
  });

  it('lists at most 20 blocking findings and says how many more', () => {
    const many = Array.from({ length: 23 }, (_, i) => finding({ fingerprint: `fp-${i}`, ruleId: `r${i}` }));
    const d = decidePullRequest(pr({ scans: [scan(many)] }));
    expect(d.reasons[0]).toBe('23 blocking findings:');
    expect(d.reasons).toHaveLength(22);
    expect(d.reasons.at(-1)).toBe('  - … and 3 more');
  });

  it('fails when no test results were recorded for the head', () => {
    expect(decidePullRequest(pr({ tests: [] })).reasons).toEqual([
      'no test results recorded for aaaaaaa (run `greenlight record tests`)',
    ]);
  });

  it('judges the latest test record: a later failure fails, a later success passes', () => {
    const failed = tests({ ref: at(5), passed: false, failed: 2, errors: 1 });
    expect(decidePullRequest(pr({ tests: [tests(), failed] })).reasons).toEqual([
      'tests failed on aaaaaaa: 2 failed, 1 errored of 10',
    ]);
    const rerun = tests({ ref: at(9) });
    expect(decidePullRequest(pr({ tests: [failed, rerun] })).decision).toBe('pass');
  });

  it('with no scan recorded and none required, says nothing of findings; missing evidence still fails', () => {
    const { prNumber: _, ...unnumbered } = pr({ scans: [], requiredScanTypes: [], tests: [] });
    const d = decidePullRequest(unnumbered);
    expect(d).toEqual({
      context: 'pull_request',
      decision: 'fail',
      commit: HEAD,
      reasons: ['no test results recorded for aaaaaaa (run `greenlight record tests`)'],
      notes: [],
    });
  });

  it('gives every reason at once', () => {
    const d = decidePullRequest(
      pr({
        requiredScanTypes: ['sast', 'sca'],
        scans: [scan([finding()])],
        tests: [tests({ passed: false })],
      }),
    );
    expect(d.reasons.map((r) => r.split(' ')[0])).toEqual(['required', '1', '', 'tests']);
  });
});

const row = (commit: string, over: Partial<ChangeRow> = {}): ChangeRow => ({
  commit,
  repository: 'acme/app',
  kind: 'pr-merge',
  mergedAt: '2026-10-30T10:00:00Z',
  title: `change ${commit.slice(0, 3)}`,
  pr: 1,
  prUrl: null,
  author: 'alice',
  headSha: null,
  lastPusher: 'alice',
  approvals: [],
  independentApproval: true,
  checks: [],
  checksPassed: true,
  ticket: null,
  emergency: null,
  deployments: [],
  scans: [],
  status: 'compliant',
  reasons: [],
  evidence: [],
  ...over,
});

const population = (rows: ChangeRow[]): Population => ({
  repository: 'acme/app',
  branch: 'main',
  since: null,
  until: '2026-11-01T00:00:00Z',
  rows,
  offBranchDeployments: [],
  deployments: [],
  approvalSources: ['forge'],
  warnings: [],
});

const C1 = '1'.repeat(40);
const C2 = '2'.repeat(40);
const C3 = '3'.repeat(40);

describe('decideDeploy', () => {
  it('passes when every shipped change is approved and tested, ignoring rows not shipped', () => {
    const pop = population([row(C1), row(C2), row(C3, { independentApproval: false })]);
    expect(decideDeploy(pop, [C1, C2], C2, 'production')).toEqual({
      context: 'deploy',
      decision: 'pass',
      commit: C2,
      environment: 'production',
      reasons: [],
      notes: ['2 changes shipped to production by 2222222; 2 traceable to an approved, tested change'],
      offending: [],
    });
  });

  it('fails naming each untraceable change and why', () => {
    const pop = population([
      row(C1, { kind: 'direct-push', pr: null, checksPassed: null, title: 'hotfix' }),
      row(C2, { independentApproval: null, checksPassed: false, title: 'feature' }),
      row(C3, { kind: 'force-push', title: 'rewrite' }),
    ]);
    const d = decideDeploy(pop, [C1, C2, C3], C3, 'production');
    expect(d.decision).toBe('fail');
    expect(d.offending).toEqual([
      {
        commit: C1,
        title: 'hotfix',
        why: ['pushed directly, without a pull request', 'no test results recorded'],
      },
      { commit: C2, title: 'feature', why: ['no approval recorded', 'tests or checks failed'] },
      { commit: C3, title: 'rewrite', why: ['force push'] },
    ]);
    expect(d.reasons).toEqual([
      '1111111 "hotfix": pushed directly, without a pull request; no test results recorded',
      '2222222 "feature": no approval recorded; tests or checks failed',
      '3333333 "rewrite": force push',
    ]);
    expect(d.notes).toEqual([
      '3 changes shipped to production by 3333333; 0 traceable to an approved, tested change',
    ]);
  });

  it('uses the approval reason the population gave when the change was not independently approved', () => {
    const pop = population([
      row(C1, { independentApproval: false, reasons: ['approved only by its author'] }),
    ]);
    expect(decideDeploy(pop, [C1], C1, 'prod').reasons).toEqual([
      '1111111 "change 111": approved only by its author',
    ]);
  });

  it('passes an emergency change excepted by an override, and counts it traceable', () => {
    const emergency = {
      source: 'override' as const,
      ticket: 'INC-1',
      openedAt: '2026-10-30T10:00:00Z',
      dueAt: '2026-11-06T10:00:00Z',
      reviewState: 'open' as const,
    };
    const pop = population([
      row(C1, {
        kind: 'direct-push',
        independentApproval: null,
        checksPassed: null,
        status: 'excepted',
        emergency,
      }),
    ]);
    const d = decideDeploy(pop, [C1], C1, 'production');
    expect(d.decision).toBe('pass');
    expect(d.notes).toEqual([
      '1 change shipped to production by 1111111; 1 traceable to an approved, tested change',
    ]);
  });

  it('never passes a shipped commit the population has no row for', () => {
    const d = decideDeploy(population([row(C1)]), [C1, C2], C2, 'production');
    expect(d.decision).toBe('fail');
    expect(d.offending).toEqual([
      { commit: C2, title: '', why: ['not in the change population read for this deploy'] },
    ]);
    expect(d.reasons).toEqual(['2222222 "": not in the change population read for this deploy']);
  });

  it('fails a deploy against an empty population', () => {
    expect(decideDeploy(population([]), [C1], C1, 'production').decision).toBe('fail');
  });
});

describe('detectContext', () => {
  const gha: CiContext = { system: 'github-actions', event: 'push', commit: HEAD };
  const opts = { protectedEnvironments: ['production'] };

  it('is a deploy when the job targets a protected environment (case-insensitive)', () => {
    expect(detectContext({ ...gha, environment: 'Production' }, opts)).toEqual({
      kind: 'deploy',
      commit: HEAD,
      environment: 'Production',
    });
  });

  it('refuses a deploy gate without an environment or without a commit, saying what to pass', () => {
    expect(() => detectContext(gha, { ...opts, context: 'deploy' })).toThrow(UsageError);
    expect(() => detectContext(gha, { ...opts, context: 'deploy' })).toThrow(/pass --env NAME/);
    expect(() =>
      detectContext({ system: 'github-actions', event: 'push' }, { ...opts, environment: 'production' }),
    ).toThrow('a deploy gate needs the commit being deployed: pass --commit SHA (GITHUB_SHA is not set)');
    expect(() =>
      detectContext({ system: 'gitlab-ci', event: 'push' }, { ...opts, environment: 'production' }),
    ).toThrow('(CI_COMMIT_SHA is not set)');
  });

  it('on a pull request takes the head and base from the event, not the merge commit', () => {
    const event: CiContext = {
      ...gha,
      event: 'pull_request',
      commit: 'f'.repeat(40),
      pullRequest: { number: 7, headSha: HEAD, baseSha: BASE },
    };
    expect(detectContext(event, opts)).toEqual({ kind: 'pull_request', head: HEAD, base: BASE, prNumber: 7 });
  });

  it('on a pull request without a base commit uses the base branch of origin, when it is a plain name', () => {
    const event: CiContext = { ...gha, event: 'pull_request', pullRequest: { number: 7, headSha: HEAD } };
    expect(detectContext(event, { ...opts, baseRef: 'main' })).toMatchObject({
      base: 'refs/remotes/origin/main',
    });
    expect(detectContext(event, { ...opts, baseRef: 'main; rm -rf /' })).not.toHaveProperty('base');
  });

  it('refuses a pull request gate whose head commit is not known', () => {
    const event: CiContext = { system: 'github-actions', event: 'pull_request', commit: 'f'.repeat(40) };
    expect(() => detectContext(event, opts)).toThrow(
      /the event payload GITHUB_EVENT_PATH is missing.*pass --commit SHA/,
    );
    expect(() => detectContext(ci, { ...opts, context: 'pull_request' })).toThrow(
      'a pull request gate needs the head commit: pass --commit SHA (or run it on a pull request event)',
    );
    expect(detectContext(ci, { ...opts, context: 'pull_request', commit: HEAD })).toEqual({
      kind: 'pull_request',
      head: HEAD,
    });
  });

  it('in CI with no commit at all is a usage error; outside CI it has nothing to gate', () => {
    expect(() => detectContext({ system: 'gitlab-ci', event: 'push' }, opts)).toThrow(
      'no commit to gate: CI_COMMIT_SHA is not set in this gitlab-ci run; pass --commit SHA (and --context)',
    );
    expect(detectContext(ci, opts)).toEqual({
      kind: 'other',
      why: 'outside CI, and no --context asked for (pass --context pull_request or deploy with --commit)',
    });
  });

  it('names why a run is neither a pull request nor a protected deploy', () => {
    expect(detectContext({ ...gha, environment: 'staging' }, opts)).toEqual({
      kind: 'other',
      commit: HEAD,
      why: 'environment "staging" is not protected (protected: production)',
    });
    expect(detectContext(gha, opts)).toMatchObject({
      why: 'this run is neither a pull request nor a deploy to a protected environment',
    });
  });
});
