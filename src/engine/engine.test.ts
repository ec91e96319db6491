import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCheck, fail, pass, type AnyCheck } from '../checks/index.js';
import { configSchema } from '../config/index.js';
import { unavailable, type CollectedFacts, type WorkflowSet } from '../facts/index.js';
import { evaluateChecks, unimplementedResults } from './evaluate.js';
import {
  computeMaturity,
  fold,
  rankGaps,
  rollUpControls,
  rollUpCriteria,
  summarizeChecks,
} from './rollup.js';

const now = new Date('2026-11-01T12:00:00Z');
const workflows: WorkflowSet = { files: [], errors: [] };

const pinned = defineCheck({
  id: 'pipeline.actions-pinned',
  title: 'Actions are pinned',
  needs: ['workflows'],
  options: z.object({ failOn: z.array(z.string()).default(['a.yml', 'b.yml']) }),
  remediation: 'Pin actions to a SHA.',
  evaluate: (_facts, options) => [
    ...options.failOn.map((p) => fail(`${p} is not pinned`, p, { location: { path: p, line: 3 } })),
    pass('c.yml is pinned', 'c.yml'),
  ],
});

const throwing: AnyCheck = {
  ...pinned,
  id: 'pipeline.tests-run',
  controls: ['CM-3'],
  evaluate: () => {
    throw new Error('boom');
  },
};
const empty: AnyCheck = {
  ...pinned,
  id: 'pipeline.permissions-declared',
  controls: ['CI-1'],
  evaluate: () => [],
};
const needsGit: AnyCheck = { ...pinned, id: 'change.no-direct-push', controls: ['CM-1'], needs: ['git'] };

function config(extra: object = {}) {
  return configSchema.parse(extra);
}

describe('evaluateChecks', () => {
  it('runs checks with parsed options and keeps locations', () => {
    const results = evaluateChecks([pinned], { workflows }, { config: config(), now });
    expect(results.map((r) => [r.outcome, r.resource])).toEqual([
      ['fail', 'a.yml'],
      ['fail', 'b.yml'],
      ['pass', 'c.yml'],
    ]);
    expect(results[0]).toMatchObject({
      checkId: 'pipeline.actions-pinned',
      severity: 'high',
      location: { path: 'a.yml', line: 3 },
    });
  });

  it('turns a throwing or empty check into an error and missing facts into not_available', () => {
    const facts: CollectedFacts = { workflows, git: unavailable('not a git repository') };
    const results = evaluateChecks([throwing, empty, needsGit], facts, { config: config(), now });
    expect(results.map((r) => [r.checkId, r.outcome, r.message])).toEqual([
      ['pipeline.tests-run', 'error', 'the check failed: boom'],
      ['pipeline.permissions-declared', 'error', 'the check returned no result'],
      ['change.no-direct-push', 'not_available', 'not a git repository'],
    ]);
  });

  it('reports invalid per-check options as an error naming the key', () => {
    const results = evaluateChecks(
      [pinned],
      { workflows },
      {
        config: config({ checks: { 'pipeline.actions-pinned': { failOn: 'x' } } }),
        now,
      },
    );
    expect(results).toHaveLength(1);
    expect(results[0]!.outcome).toBe('error');
    expect(results[0]!.message).toMatch(/checks\.pipeline\.actions-pinned\.failOn/);
  });

  it('passes optional facts (uses) only when they are available', () => {
    const seen: unknown[] = [];
    const optional = defineCheck({
      title: 'Secret detection runs',
      needs: ['workflows'],
      remediation: 'Run a secret scanner.',
      id: 'scan.secrets',
      uses: ['git'],
      evaluate: (facts) => {
        seen.push(facts.git);
        return [pass('ok', 'x')];
      },
    });
    evaluateChecks([optional], { workflows, git: unavailable('no git') }, { config: config(), now });
    expect(seen).toEqual([undefined]);
    const results = evaluateChecks([optional], { workflows }, { config: config(), now });
    expect(results[0]!.outcome).toBe('pass');
  });

  it('applies severity overrides', () => {
    const results = evaluateChecks(
      [pinned],
      { workflows },
      { config: config({ severity: { 'pipeline.actions-pinned': 'low' } }), now },
    );
    expect(results.every((r) => r.severity === 'low')).toBe(true);
  });

  it("keeps a result's own severity over the check's, and ranks gaps and summaries by the highest", () => {
    const mixed = defineCheck({
      ...pinned,
      evaluate: () => [
        fail('a.yml is a fixture', 'a.yml', { severity: 'low' }),
        fail('b.yml is not pinned', 'b.yml'),
      ],
    });
    const results = evaluateChecks([mixed], { workflows }, { config: config(), now });
    expect(results.map((r) => [r.resource, r.severity])).toEqual([
      ['a.yml', 'low'],
      ['b.yml', pinned.severity],
    ]);
    expect(rankGaps(results)[0]!.severity).toBe(pinned.severity);
    const onlyLow = results.filter((r) => r.severity === 'low');
    expect(rankGaps(onlyLow)[0]!.severity).toBe('low');
    expect(summarizeChecks(onlyLow, new Set([mixed.id]))[0]!.severity).toBe('low');
  });

  it('excepts matching fails until the exception expires, then says it expired', () => {
    const exceptions = [
      {
        check: 'pipeline.actions-pinned',
        resource: 'a.*',
        reason: 'vendor',
        approvedBy: 'sec',
        expires: '2026-12-31',
      },
      {
        check: 'pipeline.actions-pinned',
        resource: 'b.yml',
        reason: 'old',
        approvedBy: 'sec',
        expires: '2026-10-31',
      },
    ];
    const results = evaluateChecks([pinned], { workflows }, { config: config({ exceptions }), now });
    expect(results[0]).toMatchObject({
      outcome: 'excepted',
      exception: { approvedBy: 'sec', expired: false },
    });
    expect(results[1]).toMatchObject({ outcome: 'fail', exception: { expired: true } });
    expect(results[1]!.message).toBe('b.yml is not pinned (exception expired on 2026-10-31)');
    expect(results[2]!.outcome).toBe('pass');
  });

  it('an exception is valid through its whole expiry day', () => {
    const exceptions = [
      { check: 'pipeline.actions-pinned', reason: 'r', approvedBy: 's', expires: '2026-11-01' },
    ];
    const results = evaluateChecks([pinned], { workflows }, { config: config({ exceptions }), now });
    expect(results.filter((r) => r.outcome === 'excepted')).toHaveLength(2);
  });
});

describe('roll-up', () => {
  it('folds worst first, never reading partial evidence as a pass', () => {
    expect(fold(['pass', 'fail'])).toBe('fail');
    expect(fold(['pass', 'not_available'])).toBe('not_available');
    expect(fold(['pass', 'excepted'])).toBe('pass');
    expect(fold(['excepted'])).toBe('excepted');
    expect(fold(['not_applicable', 'pass'])).toBe('pass');
    expect(fold(['not_applicable'])).toBe('not_applicable');
    expect(fold(['error', 'not_available'])).toBe('error');
    expect(fold([])).toBe('not_available');
  });

  it('rolls checks up to controls and criteria, and lists unimplemented catalog checks as not_available', () => {
    const cfg = config();
    const results = [
      ...evaluateChecks([pinned], { workflows }, { config: cfg, now }),
      ...unimplementedResults(new Set(['pipeline.actions-pinned']), cfg),
    ];
    const forge = results.find((r) => r.checkId === 'branch.protected')!;
    expect(forge.outcome).toBe('not_available');
    expect(forge.message).toMatch(/connect GitHub or GitLab/);
    const ledger = results.find((r) => r.checkId === 'evidence.continuous')!;
    expect(ledger.message).toMatch(/ledger/);
    const checks = summarizeChecks(results, new Set(['pipeline.actions-pinned']));
    const controls = rollUpControls(checks, results);
    expect(controls.find((c) => c.id === 'CI-2')!.status).toBe('fail');
    const criteria = rollUpCriteria(controls);
    expect(criteria.find((c) => c.id === 'CC6.6')!.status).toBe('fail');
    expect(criteria.find((c) => c.id === 'CC8.1')!.status).toBe('not_available');
    expect(rankGaps(results)[0]).toMatchObject({ checkId: 'pipeline.actions-pinned', failing: 2 });
  });
});

describe('maturity', () => {
  const mk = (id: string, outcome: 'pass' | 'fail' | 'not_available', severity: 'high' | 'low' = 'high') => ({
    checkId: id,
    title: id,
    severity,
    controls: [],
    outcome,
    message: '',
    resource: '-',
    remediation: `fix ${id}`,
  });

  it('stays at 1 without pipelines and names the fix', () => {
    const m = computeMaturity([], [], [], { 'pipelines-exist': false });
    expect(m).toMatchObject({ level: 1, next: { level: 2, fixes: [{ requirement: 'ci-pipelines' }] } });
  });

  it('reaches 2 with pipelines and lists exactly the level-3 checks not passing', () => {
    const ids = [
      'scan.sast',
      'scan.sca',
      'scan.secrets',
      'branch.pr-required',
      'branch.approvals-required',
      'org.mfa-required',
      'audit-log.streaming',
    ];
    const results = ids.map((id) =>
      mk(id, id === 'scan.sca' ? 'fail' : id.startsWith('scan.') ? 'pass' : 'not_available'),
    );
    const checks = summarizeChecks(results, new Set(ids));
    const m = computeMaturity(checks, rollUpControls(checks, results), results, { 'pipelines-exist': true });
    expect(m.level).toBe(2);
    expect(m.next!.level).toBe(3);
    expect(m.next!.fixes.map((f) => f.requirement)).toEqual(['sca', 'prs-required', 'mfa', 'audit-events']);
    expect(m.next!.fixes[0]!.checks[0]).toEqual({
      id: 'scan.sca',
      status: 'fail',
      remediation: 'fix scan.sca',
    });
  });
});
