import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assessmentOf, NASTY_MESSAGE, sampleAssessment, sampleResults } from '../__fixtures__/assessment.js';
import { engineAssessment } from '../__fixtures__/engine-run.js';
import { SARIF_SCHEMA_FILE, sarifErrors } from '../__fixtures__/validate.js';
import { FINGERPRINT_KEY, renderSarif, ruleName, toSarif, toUri } from './index.js';

const parse = (text: string) => JSON.parse(text) as ReturnType<typeof toSarif>;

describe('sarif report', () => {
  it('validates against the official SARIF 2.1.0 schema (draft-07, with formats)', () => {
    const schema = JSON.parse(readFileSync(SARIF_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.title).toBe('Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema');
    const log = parse(renderSarif(sampleAssessment()));
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(sarifErrors(log)).toEqual([]);
  });

  it('the validator does reject a broken log', () => {
    const log = parse(renderSarif(sampleAssessment())) as unknown as {
      runs: { results: Record<string, unknown>[] }[];
    };
    log.runs[0]!.results[0]!.level = 'critical';
    delete log.runs[0]!.results[1]!.message;
    const errors = sarifErrors(log).map((e) => `${e.instancePath} ${e.message}`);
    expect(errors).toContain('/runs/0/results/0/level must be equal to one of the allowed values');
    expect(errors).toContain("/runs/0/results/1 must have required property 'message'");
  });

  it('describes the tool and one rule per check that produced a result', () => {
    const a = sampleAssessment();
    const { driver } = toSarif(a).runs[0].tool;
    expect(driver.name).toBe('greenlight');
    expect(driver.version).toBe('0.1.0');
    expect(driver.informationUri).toMatch(/^https:\/\//);
    expect(driver.rules.map((r) => r.id).sort()).toEqual(a.checks.map((c) => c.id).sort());
    const pinned = driver.rules.find((r) => r.id === 'pipeline.actions-pinned')!;
    expect(pinned).toEqual({
      id: 'pipeline.actions-pinned',
      name: 'PipelineActionsPinned',
      shortDescription: { text: 'Third-party actions are pinned to a full commit SHA' },
      fullDescription: { text: 'Third-party actions are pinned to a full commit SHA' },
      help: { text: 'Pin each `uses:` to a 40-character SHA; keep the tag in a comment.' },
      defaultConfiguration: { level: 'error' },
      properties: {
        tags: ['compliance', 'soc2', 'CI-2', 'CC6.1', 'CC6.6', 'CC6.7', 'CC6.8'],
        severity: 'high',
        'security-severity': '8.0',
      },
    });
    const level = (id: string) => driver.rules.find((r) => r.id === id)!.defaultConfiguration.level;
    expect(level('secrets.none-committed')).toBe('error');
    expect(level('pipeline.workflow-valid')).toBe('warning');
    expect(level('change.signed-commits')).toBe('note');
    expect(driver.rules.find((r) => r.id === 'change.no-direct-push')!.properties.tags).toEqual([
      'compliance',
      'soc2',
      'CM-1',
      'CC8.1',
    ]);
    expect(ruleName('deploy-keys.read-only')).toBe('DeployKeysReadOnly');
  });

  it('has results only for fail, error and excepted findings, each pointing at its rule', () => {
    const log = toSarif(sampleAssessment());
    const run = log.runs[0];
    const outcomes = run.results.map((r) => r.properties.outcome);
    expect(outcomes.sort()).toEqual(['error', 'excepted', 'fail', 'fail', 'fail', 'fail', 'fail']);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
    const levels = Object.fromEntries(
      run.results.map((r) => [`${r.ruleId} ${r.properties.resource}`, r.level]),
    );
    expect(levels['secrets.none-committed config/prod.env']).toBe('error');
    expect(levels['change.no-direct-push 9f1c2e7a0b4d6e8f1a2b3c4d5e6f708192a3b4c5']).toBe('error');
    expect(levels['pipeline.workflow-valid -']).toBe('warning');
    expect(levels['change.signed-commits main']).toBe('note');
  });

  it('locates file results by repository-relative URI and line, and the rest logically', () => {
    const run = toSarif(sampleAssessment()).runs[0];
    const byMessage = (text: string) => run.results.find((r) => r.message.text.startsWith(text))!;
    expect(byMessage('step uses').locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: '.github/workflows/ci.yml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 12, startColumn: 9 },
        },
      },
    ]);
    expect(byMessage('step uses').message.text).toBe(NASTY_MESSAGE);
    expect(byMessage('docker/login-action').locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: '.github/workflows/release%20workflow%20(v2).yml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 30 },
    });
    expect(byMessage('commit 9f1c2e7').locations).toEqual([
      { logicalLocations: [{ name: '9f1c2e7a0b4d6e8f1a2b3c4d5e6f708192a3b4c5', kind: 'resource' }] },
    ]);
    expect(
      byMessage('commit 9f1c2e7').message.text.endsWith('[9f1c2e7a0b4d6e8f1a2b3c4d5e6f708192a3b4c5]'),
    ).toBe(true);
    const broken = byMessage('greenlight could not evaluate this check: ');
    expect(broken.ruleId).toBe('pipeline.workflow-valid');
    expect(broken.locations).toEqual([
      { logicalLocations: [{ name: 'pipeline.workflow-valid', kind: 'resource' }] },
    ]);
    expect(toUri('./a b/#c?.yml')).toBe('a%20b/%23c%3F.yml');
  });

  it('carries an exception as a suppression, and an expired one as a plain fail', () => {
    const run = toSarif(sampleAssessment()).runs[0];
    const excepted = run.results.find((r) => r.ruleId === 'scan.secrets')!;
    expect(excepted.suppressions).toEqual([
      {
        kind: 'external',
        justification:
          'legacy module is being deleted <by Q1> (approved by alice@acme.test, expires 2027-01-31, owner bob, ticket SEC-42)',
      },
    ]);
    expect(excepted.locations[0]!.physicalLocation!.artifactLocation.uri).toBe('src/legacy/config%7Cold.ts');
    const expired = run.results.find((r) => r.ruleId === 'change.signed-commits')!;
    expect(expired.suppressions).toBeUndefined();
    expect(expired.properties.outcome).toBe('fail');
    expect(expired.properties.exception).toMatchObject({ expired: true, expires: '2026-01-31' });
    for (const r of run.results.filter((x) => x.ruleId !== 'scan.secrets'))
      expect(r.suppressions).toBeUndefined();
  });

  it('fingerprints are stable, unique, and follow check, resource and location, not the message', () => {
    const fp = (results = sampleResults()) =>
      toSarif(assessmentOf(results)).runs[0].results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]!);
    const first = fp();
    expect(first.every((f) => /^[0-9a-f]{32}$/.test(f))).toBe(true);
    expect(fp()).toEqual(first);
    expect(new Set(first).size).toBe(first.length);

    const reworded = sampleResults();
    reworded[0]!.message = 'a new wording';
    expect(fp(reworded)[0]).toBe(first[0]);

    const moved = sampleResults();
    moved[0]!.location = { path: '.github/workflows/ci.yml', line: 13, column: 9 };
    expect(fp(moved)[0]).not.toBe(first[0]);

    // The same check failing twice at the same place keeps two identities.
    const twice = sampleResults();
    twice.push({ ...twice[0]!, message: 'again' });
    const both = fp(twice);
    expect(both[0]).not.toBe(both[both.length - 1]);
  });

  it('a real engine run validates and reports what failed', async () => {
    const a = await engineAssessment('test');
    const log = parse(renderSarif(a));
    expect(sarifErrors(log)).toEqual([]);
    const run = log.runs[0];
    expect(run.automationDetails.id).toBe('greenlight/acme/demo/');
    expect(run.properties).toMatchObject({ maturity: { level: a.maturity.level }, summary: a.summary });
    const ci = run.results.filter((r) => r.ruleId === 'pipeline.actions-pinned' && !r.suppressions);
    expect(ci.map((r) => r.locations[0]!.physicalLocation!.region!.startLine).sort()).toEqual([13, 7]);
    const suppressed = run.results.filter((r) => r.suppressions);
    expect(suppressed.map((r) => r.locations[0]!.physicalLocation!.artifactLocation.uri)).toEqual([
      '.github/workflows/release.yml',
      '.github/workflows/release.yml',
    ]);
    expect(
      run.results.some((r) => r.properties.outcome === 'pass' || r.properties.outcome === 'not_available'),
    ).toBe(false);
    const real = parse(renderSarif(await engineAssessment('real')));
    expect(sarifErrors(real)).toEqual([]);
  });
});
