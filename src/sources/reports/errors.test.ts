/** Malformed reports: an InputError (exit 2) naming the file and the place, and nothing returned. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { parseReport } from './index.js';

const fixture = (name: string) => join(import.meta.dirname, '__fixtures__', name);
const dir = mkdtempSync(join(tmpdir(), 'greenlight-reports-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` to a temp file and returns the error parsing it raises. */
async function failure(name: string, text: string, options = {}): Promise<InputError> {
  const path = join(dir, name);
  writeFileSync(path, text);
  try {
    await parseReport({ path }, options);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    return err as InputError;
  }
  throw new Error(`${name} was accepted`);
}

function sarifWithResults(count: number, bad: (r: Record<string, unknown>, i: number) => void): string {
  const results = Array.from({ length: count }, (_, i) => {
    const r: Record<string, unknown> = {
      ruleId: 'no-eval',
      level: 'error',
      message: { text: `finding ${i}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'a.js' }, region: { startLine: i + 1 } } }],
    };
    bad(r, i);
    return r;
  });
  return JSON.stringify(
    { version: '2.1.0', runs: [{ tool: { driver: { name: 'ESLint' } }, results }] },
    null,
    2,
  );
}

describe('malformed reports', () => {
  it('names the JSON pointer and line of an invalid SARIF value', async () => {
    const text = sarifWithResults(30, (r, i) => {
      if (i === 17) r.level = 'catastrophic';
    });
    const err = await failure('bad-level.sarif', text);
    const line = text.split('\n').findIndex((l) => l.includes('"catastrophic"')) + 1;
    expect(err.message).toContain('bad-level.sarif: invalid SARIF report at /runs/0/results/17/level');
    expect(err.message).toContain(`(line ${line})`);
    expect(err.message).toMatch(/expected one of .*"error"/);
  });

  it('names the pointer of a missing required property', async () => {
    const err = await failure(
      'no-message.sarif',
      sarifWithResults(3, (r, i) => {
        if (i === 2) delete r.message;
      }),
    );
    expect(err.message).toContain('at /runs/0/results/2/message');
    const fp = await failure(
      'bad-fingerprint.sarif',
      sarifWithResults(3, (r, i) => {
        if (i === 1) r.partialFingerprints = { primaryLocationLineHash: 42 };
      }),
    );
    expect(fp.message).toContain('at /runs/0/results/1/partialFingerprints');
    expect(fp.message).toContain('expected an object whose values are strings');
  });

  it('reports JSON syntax errors inside a streamed item with its pointer and line', async () => {
    const text = sarifWithResults(5, () => {}).replace('"finding 3"', '"finding 3",,');
    const err = await failure('syntax.sarif', text);
    expect(err.message).toContain('syntax.sarif: invalid SARIF report at /runs/0/results/3');
    expect(err.message).toContain('invalid JSON');
    const line = text.split('\n').findIndex((l) => l.includes('"finding 3"')) + 1;
    expect(err.message).toContain(`(line ${line})`);
  });

  it('reports syntax errors outside streamed items', async () => {
    const err = await failure(
      'broken-tool.sarif',
      '{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}\n "results": []}]}',
    );
    expect(err.message).toContain('at /runs/0/tool');
    expect(err.message).toContain("expected ',' or '}'");
    expect(err.message).toContain('(line 2)');
  });

  it('reports a truncated report', async () => {
    const text = readFileSync(fixture('codeql.sarif'), 'utf8');
    const err = await failure('truncated.sarif', text.slice(0, Math.floor(text.length * 0.6)));
    expect(err.message).toMatch(/truncated\.sarif: invalid SARIF report at \/runs\/0\/results.*truncated/);
  });

  it('rejects the whole report when only the last item is bad (nothing partial)', async () => {
    const err = await failure(
      'last-bad.sarif',
      sarifWithResults(200, (r, i) => {
        if (i === 199) r.locations = [{ physicalLocation: { region: { startLine: 'ten' } } }];
      }),
    );
    expect(err.message).toContain('at /runs/0/results/199/locations/0/physicalLocation/region/startLine');
  });

  it('rejects unsupported versions with a clear reason', async () => {
    const sarif = await failure('old.sarif', JSON.stringify({ version: '2.0.0', runs: [] }), {
      format: 'sarif',
    });
    expect(sarif.message).toContain('at /version (line 1): only SARIF version 2.1.0 is supported');
    const cdx = await failure(
      'bom.json',
      JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.2', components: [] }),
    );
    expect(cdx.message).toContain('at /specVersion (line 1): unsupported CycloneDX specVersion "1.2"');
    const audit = await failure('audit.json', JSON.stringify({ auditReportVersion: 1, vulnerabilities: {} }));
    expect(audit.message).toContain('only npm audit report version 2');
  });

  it('points into other formats too', async () => {
    const grype = JSON.parse(readFileSync(fixture('grype.json'), 'utf8'));
    grype.matches[1].artifact.version = 3;
    const text = JSON.stringify(grype, null, 2);
    const g = await failure('grype.json', text);
    const line = text.split('\n').findIndex((l) => l.includes('"version": 3')) + 1;
    expect(g.message).toContain(`invalid Grype report at /matches/1/artifact/version (line ${line})`);

    const zap = JSON.parse(readFileSync(fixture('zap.json'), 'utf8'));
    zap.site[0].alerts[2].riskcode = '7';
    const z = await failure('zap.json', JSON.stringify(zap));
    expect(z.message).toContain('at /site/0/alerts/2/riskcode (line 1): riskcode must be 0, 1, 2 or 3');

    const audit = JSON.parse(readFileSync(fixture('npm-audit.json'), 'utf8'));
    audit.vulnerabilities['mini/mist'] = { ...audit.vulnerabilities.minimist, severity: 'urgent' };
    const a = await failure('audit.json', JSON.stringify(audit));
    expect(a.message).toContain('at /vulnerabilities/mini~1mist/severity');
  });

  it('gives the XML line of a malformed JUnit report', async () => {
    const err = await failure(
      'junit.xml',
      '<?xml version="1.0"?>\n<testsuites>\n  <testsuite name="a">\n    <testcase name="x">\n  </testsuite>\n</testsuites>\n',
    );
    expect(err.message).toMatch(/^.*junit\.xml: invalid JUnit report \(line 5\): invalid XML: /);
  });

  it('does not expand entities declared in a DOCTYPE', async () => {
    const err = await failure(
      'lol.xml',
      '<?xml version="1.0"?>\n<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n' +
        '<testsuites><testsuite name="&b;"><testcase name="x"/></testsuite></testsuites>',
    );
    expect(err.message).toContain('lol.xml: invalid JUnit report (line 3): invalid XML: undefined entity');
  });

  it('rejects XML that is not JUnit, and unknown or empty content', async () => {
    const pom = await failure(
      'pom.xml',
      '<?xml version="1.0"?>\n<project><modelVersion>4.0.0</modelVersion></project>',
    );
    expect(pom.message).toContain('cannot tell which scanner report format');
    const forced = await failure('pom.xml', '<project/>', { format: 'junit' });
    expect(forced.message).toContain('not a JUnit report: the root element is <project>');
    const unknown = await failure('data.json', '{"hello": "world"}');
    expect(unknown.message).toContain('data.json: cannot tell which scanner report format this is');
    const empty = await failure('empty.sarif', '', { format: 'sarif' });
    expect(empty.message).toContain('the file is empty');
  });

  it('says when the file cannot be read', async () => {
    await expect(parseReport({ path: join(dir, 'missing.sarif') })).rejects.toThrow(
      /missing\.sarif: cannot read the report \(ENOENT\)/,
    );
    await expect(parseReport({ path: dir })).rejects.toThrow(/not a file/);
  });

  it('does not echo report content in JSON syntax errors', async () => {
    const err = await failure(
      'leak.json',
      '{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x", "token": "fake-syntax-echo-0012" ]}}]}',
      {
        format: 'sarif',
      },
    );
    expect(err.message).not.toContain('fake-syntax-echo-0012');
  });
});
