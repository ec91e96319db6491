import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './index.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '__fixtures__', name));

describe('detectFormat', () => {
  it.each([
    ['codeql.sarif', 'sarif'],
    ['cyclonedx-vulns.json', 'cyclonedx'],
    ['spdx.json', 'spdx'],
    ['trivy-image.json', 'trivy'],
    ['trivy-fs.json', 'trivy'],
    ['grype.json', 'grype'],
    ['gitleaks.json', 'gitleaks'],
    ['checkov-terraform.json', 'checkov'],
    ['checkov-multi.json', 'checkov'],
    ['npm-audit.json', 'npm-audit'],
    ['zap.json', 'zap'],
    ['junit-surefire.xml', 'junit'],
    ['junit-jest.xml', 'junit'],
    ['junit-pytest.xml', 'junit'],
    ['junit-nested.xml', 'junit'],
  ])('reads %s as %s from its content alone', (name, format) => {
    expect(detectFormat(fixture(name), 'report')).toBe(format);
  });

  it('decides from the first bytes of a big report', () => {
    expect(detectFormat(fixture('grype.json').subarray(0, 40))).toBe('grype');
    expect(detectFormat(fixture('codeql.sarif').subarray(0, 120))).toBe('sarif');
  });

  it('looks at top-level keys only, not at words inside values', () => {
    const sarif = JSON.stringify({
      version: '2.1.0',
      runs: [
        { tool: { driver: { name: 'x' } }, results: [{ message: { text: '"bomFormat": "CycloneDX"' } }] },
      ],
    });
    expect(detectFormat(sarif)).toBe('sarif');
    expect(detectFormat('{"data": {"runs": [], "matches": []}}')).toBeNull();
  });

  it('uses the file name only to break ties', () => {
    expect(detectFormat('[]', 'gitleaks-report.json')).toBe('gitleaks');
    expect(detectFormat('[]', 'checkov.json')).toBe('checkov');
    expect(detectFormat('[]', 'report.json')).toBeNull();
    expect(detectFormat('{"version": "2.1.0"}', 'results.sarif')).toBe('sarif');
  });

  it('returns null for what it does not know', () => {
    expect(detectFormat('')).toBeNull();
    expect(detectFormat('hello')).toBeNull();
    expect(
      detectFormat('<?xml version="1.0"?><!-- c --><bom xmlns="http://cyclonedx.org/schema/bom/1.5"/>'),
    ).toBeNull();
    expect(detectFormat('<?xml version="1.0"?>\n<!DOCTYPE x>\n<!-- c -->\n<testsuites/>')).toBe('junit');
  });
});
