import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE } from './input.js';
import { parseReport, REDACTED, redactReport, type ReportFormat, type ScanReport } from './index.js';

const fixture = (name: string) => join(import.meta.dirname, '__fixtures__', name);

/** The document with every value under one of `keys` replaced, as the redactor should leave it. */
function expectedRedaction(value: unknown, keys: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => expectedRedaction(v, keys));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, keys.has(k) ? REDACTED : expectedRedaction(v, keys)]),
    );
  }
  return value;
}

const withoutStats = ({ stats: _stats, ...rest }: ScanReport) => rest;

describe('redactReport', () => {
  it.each<[string, ReportFormat, string[], string[]]>([
    [
      'gitleaks.json',
      'gitleaks',
      ['Secret', 'Match', 'Line'],
      ['fake-gitleaks-secret-value', 'fake-gitleaks-match-value'],
    ],
    [
      'trivy-image.json',
      'trivy',
      ['Code', 'Match'],
      ['fake-trivy-code-line-value', 'fake-trivy-match-value'],
    ],
    ['trivy-fs.json', 'trivy', ['Code', 'Match'], ['fake-trivy-fs-code-value', 'fake-trivy-fs-match-value']],
    ['checkov-multi.json', 'checkov', ['code_block'], ['fake-checkov-code-block']],
    ['zap.json', 'zap', ['evidence'], ['max-age=604800']],
  ])(
    '%s: replaces %s values, keeps the rest byte for byte and reads back the same',
    async (name, format, keys, secrets) => {
      const original = readFileSync(fixture(name));
      const redacted = await redactReport({ path: fixture(name) }, format);
      const text = redacted.toString('utf8');
      for (const secret of secrets) {
        expect(original.toString('utf8')).toContain(secret);
        expect(text).not.toContain(secret);
      }
      expect(JSON.parse(text)).toEqual(
        expectedRedaction(JSON.parse(original.toString('utf8')), new Set(keys)),
      );
      // Same layout: every line without a redaction is a line of the original.
      const lines = new Set(original.toString('utf8').split('\n'));
      expect(text.split('\n').filter((l) => !l.includes(REDACTED) && !lines.has(l))).toEqual([]);
      const [before, after] = await Promise.all([
        parseReport({ path: fixture(name) }),
        parseReport({ bytes: redacted, name }),
      ]);
      expect(withoutStats(after)).toEqual(withoutStats(before));
    },
  );

  it('removes SARIF snippets and leaves formats without secret fields untouched', async () => {
    const redacted = await redactReport({ path: fixture('codeql.sarif') }, 'sarif');
    const original = JSON.parse(readFileSync(fixture('codeql.sarif'), 'utf8'));
    expect(redacted.toString()).not.toContain('fake-codeql-snippet-value-0011');
    // CodeQL is not a secret scanner: its messages are kept as written.
    expect(JSON.parse(redacted.toString())).toEqual(expectedRedaction(original, new Set(['snippet'])));
    for (const [name, format] of [
      ['npm-audit.json', 'npm-audit'],
      ['grype.json', 'grype'],
      ['junit-surefire.xml', 'junit'],
    ] as const) {
      expect((await redactReport({ path: fixture(name) }, format)).equals(readFileSync(fixture(name)))).toBe(
        true,
      );
    }
  });

  it('masks messages of secret scanners across chunk boundaries in a large SARIF', async () => {
    const token = (k: number) => `tok${k}Ab9${'x7'.repeat(12)}${k}`;
    const results = Array.from({ length: 12_000 }, (_, k) => ({
      ruleId: 'generic-secret',
      message: { text: `found secret: ${token(k)}`, arguments: [token(k)] },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: `conf/f${k}.env` },
            region: { startLine: 1, snippet: { text: `KEY=${token(k)}` } },
          },
        },
      ],
    }));
    // Two runs: the secret scanner's messages are masked, the linter's are not.
    const doc = {
      version: '2.1.0',
      runs: [
        { tool: { driver: { name: 'gitleaks' } }, results },
        {
          tool: { driver: { name: 'ESLint' } },
          results: [{ ruleId: 'x', message: { text: `keep ${token(1)}` } }],
        },
      ],
    };
    const bytes = Buffer.from(JSON.stringify(doc, null, 1));
    expect(bytes.length).toBeGreaterThan(2 * CHUNK_SIZE);
    const redacted = await redactReport({ bytes, name: 'big.sarif' }, 'sarif');
    const text = redacted.toString();
    expect(text).not.toContain(token(11_999));
    expect(text.match(/tok\d+Ab9/g)).toEqual([`tok1Ab9`]); // only in the linter's message
    const parsed = JSON.parse(text);
    expect(parsed.runs[0].results[5_000].message).toEqual({
      text: 'found secret: [REDACTED]',
      arguments: ['[REDACTED]'],
    });
    expect(parsed.runs[0].results[5_000].locations[0].physicalLocation.region).toEqual({
      startLine: 1,
      snippet: REDACTED,
    });
    const report = await parseReport({ bytes: redacted, name: 'big.sarif' });
    expect(report.findings).toHaveLength(12_001);
  });

  it('refuses a truncated report', async () => {
    const bytes = readFileSync(fixture('gitleaks.json')).subarray(0, 300);
    await expect(redactReport({ bytes, name: 'gitleaks.json' }, 'gitleaks')).rejects.toThrow(/truncated/);
  });
});
