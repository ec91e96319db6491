import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.js';
import { FORMATS, parseReport, redactReport, REDACTED, REPORT_FORMATS, reportMediaType } from '../index.js';

describe('the report format registry', () => {
  it('lists each format once, and the list is what messages offer', async () => {
    expect(new Set(REPORT_FORMATS).size).toBe(FORMATS.length);
    expect(REPORT_FORMATS).toEqual(FORMATS.map((f) => f.id));
    const err = await parseReport({ bytes: Buffer.from('{"x": 1}'), name: 'x.json' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(`one of ${REPORT_FORMATS.join(', ')}`);
  });

  it('refuses an id no module has', async () => {
    const err = await parseReport(
      { bytes: Buffer.from('{}'), name: 'x.json' },
      // A format from outside the registry, as a caller passing user input would.
      { format: 'nessus' as never },
    ).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `x.json: unknown report format "nessus" (one of ${REPORT_FORMATS.join(', ')})`,
    );
  });

  it("masks each format's secret fields in the stored copy, and nothing in formats without any", async () => {
    for (const f of FORMATS) {
      if (!f.secretFields) continue;
      for (const key of f.secretFields.keys) {
        const doc = Buffer.from(JSON.stringify({ [key]: 'AKIAsecretvalue', other: 'kept' }));
        const out = (await redactReport({ bytes: doc, name: 'r.json' }, f.id)).toString('utf8');
        expect(JSON.parse(out), `${f.id} ${key}`).toEqual({ [key]: REDACTED, other: 'kept' });
      }
    }
    const spdx = Buffer.from('{"Secret": "AKIAsecretvalue"}');
    expect(await redactReport({ bytes: spdx, name: 'r.json' }, 'spdx')).toEqual(spdx);
  });

  it('gives SARIF its own media type and other JSON formats application/json', () => {
    expect(reportMediaType('sarif')).toBe('application/sarif+json');
    for (const id of REPORT_FORMATS.filter((f) => f !== 'sarif' && f !== 'junit'))
      expect(reportMediaType(id)).toBe('application/json');
  });
});

describe('SARIF scan types from the one tool table', () => {
  const sarif = (driver: string) =>
    Buffer.from(
      JSON.stringify({
        version: '2.1.0',
        runs: [{ tool: { driver: { name: driver } }, results: [{ ruleId: 'r1', message: { text: 'm' } }] }],
      }),
    );
  it.each([
    ['Snyk IaC', 'iac'],
    ['StackHawk', 'dast'],
    ['conftest', 'policy'],
    ['gitleaks', 'secrets'],
    ['ESLint', 'sast'],
  ])('reads a report from %s as %s, as the scanner catalog classes the tool', async (driver, type) => {
    const report = await parseReport({ bytes: sarif(driver), name: 'r.sarif' });
    expect(report.scanType).toBe(type);
    expect(report.findings.map((f) => f.scanType)).toEqual([type]);
  });
});

describe('each fixture against its module', () => {
  const dir = join(import.meta.dirname, '..', '__fixtures__');
  it.each(readdirSync(dir))('%s: its scan types are among those its format declares', async (name) => {
    const report = await parseReport({ path: join(dir, name) });
    const module = FORMATS.find((f) => f.id === report.format)!;
    const declared: readonly string[] = module.scanTypes;
    expect(declared).toContain(report.scanType);
    for (const f of report.findings) expect(declared).toContain(f.scanType);
  });

  it('has a fixture for every registered format', async () => {
    const read = await Promise.all(readdirSync(dir).map((n) => parseReport({ path: join(dir, n) })));
    expect(new Set(read.map((r) => r.format))).toEqual(new Set(REPORT_FORMATS));
  });
});
