import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { STARTER_CONFIG } from '../cli/init.js';
import { ConfigError } from '../errors.js';
import { configJsonSchema, defaultConfig, didYouMean, loadConfig, parseConfig } from './index.js';

function errorOf(text: string): string {
  try {
    parseConfig(text, 'greenlight.yml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('defaults everything when no file exists', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gl-config-'));
    const loaded = loadConfig(dir);
    expect(loaded.file).toBeNull();
    expect(loaded.config.thresholds.approvals).toBe(1);
    expect(loaded.config.thresholds.sla).toEqual({ critical: 7, high: 30, medium: 90, low: 180 });
    expect(loaded.config.window.since).toBe('90d');
  });

  it('reads greenlight.yml and merges defaults', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gl-config-'));
    writeFileSync(path.join(dir, 'greenlight.yml'), 'thresholds:\n  approvals: 2\ndisabled: [scan.dast]\n');
    const { config, file } = loadConfig(dir);
    expect(file).toBe(path.join(dir, 'greenlight.yml'));
    expect(config.thresholds.approvals).toBe(2);
    expect(config.thresholds.orgAdmins).toBe(3);
    expect(config.disabled).toEqual(['scan.dast']);
  });

  it('names file, line and key with a did-you-mean for an unknown key', () => {
    const msg = errorOf('scope:\n  branches: [main]\nthreshold:\n  approvals: 2\n');
    expect(msg).toBe('greenlight.yml:3: unknown key "threshold" (did you mean "thresholds"?)');
  });

  it('finds unknown nested keys', () => {
    const msg = errorOf('thresholds:\n  approvals: 2\n  aprovals: 3\n');
    expect(msg).toBe('greenlight.yml:3: unknown key "aprovals" in thresholds (did you mean "approvals"?)');
  });

  it('reports wrong types at the value line', () => {
    const msg = errorOf('thresholds:\n  sla:\n    critical: soon\n');
    expect(msg).toMatch(/^greenlight\.yml:3: thresholds\.sla\.critical: .*number/);
  });

  it('validates exceptions, including dates', () => {
    const msg = errorOf(
      'exceptions:\n  - check: pipeline.actions-pinned\n    reason: legacy\n    approvedBy: sec\n    expires: someday\n',
    );
    expect(msg).toMatch(/^greenlight\.yml:5: exceptions\.0\.expires: expected a date/);
    const ok = parseConfig(
      'exceptions:\n  - check: pipeline.actions-pinned\n    reason: legacy\n    approvedBy: sec\n    expires: 2027-01-31\n',
      'x.yml',
    );
    expect(ok.exceptions[0]).toMatchObject({ resource: '*', expires: '2027-01-31' });
  });

  it('rejects invalid YAML with line and column', () => {
    expect(errorOf('scope:\n  branches: [main\n')).toMatch(/^greenlight\.yml:\d+:\d+: invalid YAML/);
  });

  it('rejects a non-mapping document and a bad regular expression', () => {
    expect(errorOf('- a\n- b\n')).toMatch(/must be a mapping/);
    expect(errorOf("tickets:\n  pattern: '(['\n")).toMatch(
      /tickets\.pattern: not a valid regular expression/,
    );
  });

  it('treats an empty file as defaults', () => {
    expect(parseConfig('', 'x.yml')).toEqual(defaultConfig());
  });

  it('the starter file from init parses to the defaults', () => {
    const config = parseConfig(STARTER_CONFIG, 'greenlight.yml');
    expect(config).toEqual(defaultConfig());
    expect(parse(STARTER_CONFIG)).toBeTypeOf('object');
  });

  it('suggests close names only', () => {
    expect(didYouMean('exeptions', ['exceptions', 'scope'])).toBe('exceptions');
    expect(didYouMean('zzz', ['exceptions', 'scope'])).toBeUndefined();
  });

  it('the committed JSON Schema is up to date and accepts the starter file', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../schema/greenlight.schema.json', import.meta.url), 'utf8'),
    );
    const { $id: _id, title: _title, ...rest } = committed;
    expect(rest).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
    const ajv = new Ajv2020.default({ strict: false });
    const validate = ajv.compile(committed);
    expect(validate(parse(STARTER_CONFIG))).toBe(true);
    expect(validate({ thresholds: { aprovals: 1 } })).toBe(false);
  });

  it('refuses a YAML alias bomb with the file and the line of its first alias', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g', 'h'].entries()) {
      const prev = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const message = errorOf(`# billion laughs\n${levels.join('\n')}\n`);
    expect(message).toMatch(/^greenlight\.yml:3: YAML aliases expand too far/);
  });

  it('still reads a config that uses a few aliases', () => {
    const { config } = loadConfigText('scope:\n  branches: &b [main, release]\n  releaseBranches: *b\n');
    expect(config.scope.releaseBranches).toEqual(['main', 'release']);
  });

  it('names an unknown check id in checks, severity, disabled and exceptions, with its line', () => {
    const message = errorOf(
      [
        'checks:',
        '  change.tiket-linked: {}',
        'severity:',
        '  vuln.sla: low',
        '  vuln.slaa: high',
        'disabled: [scan.dast, typo.check]',
        'exceptions:',
        '  - check: pipeline.actions-pined',
        '    reason: vendor',
        '    approvedBy: sec',
        '    expires: 2030-01-01',
        '',
      ].join('\n'),
    );
    expect(message.split('\n')).toEqual([
      'greenlight.yml:2: checks: unknown check id "change.tiket-linked" (did you mean "change.ticket-linked"?)',
      'greenlight.yml:5: severity: unknown check id "vuln.slaa" (did you mean "vuln.sla"?)',
      'greenlight.yml:6: disabled: unknown check id "typo.check" (`greenlight controls` lists them)',
      'greenlight.yml:8: exceptions.0.check: unknown check id "pipeline.actions-pined" (did you mean "pipeline.actions-pinned"?)',
    ]);
  });

  it('checks window.since when the config is read', () => {
    expect(errorOf('window:\n  since: fortnight\n')).toMatch(
      /^greenlight\.yml:2: window\.since "fortnight": use a duration/,
    );
    expect(errorOf('window:\n  since: 0d\n')).toMatch(
      /^greenlight\.yml:2: window\.since "0d": the window must be at least one day/,
    );
    expect(errorOf('window:\n  since: 999999y\n')).toMatch(
      /greenlight\.yml:2: window\.since "999999y": longer than 100 years/,
    );
    expect(loadConfigText('window:\n  since: 2026-01-31\n').config.window.since).toBe('2026-01-31');
  });
});

function loadConfigText(text: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-config-'));
  writeFileSync(path.join(dir, 'greenlight.yml'), text);
  return loadConfig(dir);
}
