import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Assessment, Status } from '../../engine/index.js';
import { sampleAssessment } from '../__fixtures__/assessment.js';
import { engineAssessment } from '../__fixtures__/engine-run.js';
import { REPORT_SCHEMA_FILE, reportErrors } from '../__fixtures__/validate.js';
import { renderJson } from './index.js';

const outcomes = (a: Assessment) => new Set<Status>(a.results.map((r) => r.outcome));

describe('json report', () => {
  it('is the assessment as is, pretty-printed, one trailing newline', () => {
    const a = sampleAssessment();
    const text = renderJson(a);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(a);
    expect(text).toContain('  "schemaVersion": "1.0",');
  });

  it('a hand-built assessment with every outcome, exceptions and locations validates against the schema', () => {
    const a = sampleAssessment();
    expect(outcomes(a).size).toBe(6);
    expect(reportErrors(JSON.parse(renderJson(a)))).toEqual([]);
  });

  it('a real engine run over a temp repository (every outcome, live and expired exceptions) validates', async () => {
    const a = await engineAssessment('test');
    // The run really exercised what the schema must describe.
    expect([...outcomes(a)].sort()).toEqual(
      ['error', 'excepted', 'fail', 'not_applicable', 'not_available', 'pass'].sort(),
    );
    const expired = a.results.find((r) => r.exception?.expired);
    expect(expired?.outcome).toBe('fail');
    expect(a.results.some((r) => r.outcome === 'excepted' && r.exception?.owner === 'bob')).toBe(true);
    expect(a.results.some((r) => r.location?.line)).toBe(true);
    expect(a.subject.name).toBe('acme/demo');
    expect(a.window.since).toBeNull();
    expect(reportErrors(JSON.parse(renderJson(a)))).toEqual([]);
  });

  it('a real engine run with the real check registry validates', async () => {
    const a = await engineAssessment('real');
    expect(a.results.length).toBeGreaterThan(0);
    expect(reportErrors(JSON.parse(renderJson(a)))).toEqual([]);
  });

  it('the schema is strict enough to catch drift', () => {
    const good = JSON.parse(renderJson(sampleAssessment())) as Record<string, unknown>;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form edits of parsed JSON
    const broken = (mutate: (a: Record<string, any>) => void) => {
      const copy = structuredClone(good);
      mutate(copy);
      return reportErrors(copy).map((e) => `${e.instancePath} ${e.message}`);
    };
    expect(broken((a) => (a.results[0].outcome = 'passed'))).toContain(
      '/results/0/outcome must be equal to one of the allowed values',
    );
    expect(broken((a) => delete a.summary.excepted)).toContain(
      "/summary must have required property 'excepted'",
    );
    expect(broken((a) => (a.undocumented = true))).toContain(' must NOT have additional properties');
    expect(broken((a) => (a.schemaVersion = '2.0'))).toContain(
      '/schemaVersion must match pattern "^1\\.[0-9]+$"',
    );
    expect(broken((a) => (a.results[0].location.line = 0))).toContain(
      '/results/0/location/line must be >= 1',
    );
    expect(broken((a) => (a.generatedAt = 'yesterday'))).toContain(
      '/generatedAt must match format "date-time"',
    );
    // A later 1.x minor is still valid for 1.x readers.
    expect(broken((a) => (a.schemaVersion = '1.7'))).toEqual([]);
  });

  it('documents every top-level field in docs/report-format.md', () => {
    const schema = JSON.parse(readFileSync(REPORT_SCHEMA_FILE, 'utf8')) as {
      properties: Record<string, unknown>;
      definitions: Record<string, { properties?: Record<string, unknown> }>;
    };
    const doc = readFileSync(new URL('../../../docs/report-format.md', import.meta.url), 'utf8');
    const fields = [
      ...Object.keys(schema.properties),
      ...Object.values(schema.definitions).flatMap((d) => Object.keys(d.properties ?? {})),
    ];
    const missing = [...new Set(fields)].filter((f) => !doc.includes(`\`${f}\``));
    expect(missing).toEqual([]);
  });
});
