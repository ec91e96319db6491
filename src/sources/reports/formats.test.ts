/**
 * Each format read from a fixture shaped exactly like the tool's documented output (these tools
 * are not installed here; see real-tools.test.ts for reports produced at test time).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReport, type ScanFinding, type ScanReport } from './index.js';

const fixture = (name: string) => join(import.meta.dirname, '__fixtures__', name);
const read = (name: string, options = {}) => parseReport({ path: fixture(name) }, options);
const byRule = (report: ScanReport, ruleId: string): ScanFinding => {
  const found = report.findings.find((f) => f.ruleId === ruleId);
  if (!found) throw new Error(`no finding ${ruleId} in ${report.findings.map((f) => f.ruleId).join(', ')}`);
  return found;
};
/** Every string anywhere in the report. */
const allText = (report: ScanReport) => JSON.stringify(report);

describe('SARIF (hand-written CodeQL + Semgrep runs)', () => {
  it('normalizes results from rules held in tool extensions, with security-severity and CWE tags', async () => {
    const report = await read('codeql.sarif', { root: '/home/runner/work/shop/shop' });
    expect(report.format).toBe('sarif');
    expect(report.tool).toEqual({ name: 'CodeQL', version: '2.17.2' });
    expect(report.scanType).toBe('sast');
    const sqli = byRule(report, 'js/sql-injection');
    expect(sqli).toMatchObject({
      tool: 'CodeQL',
      scanType: 'sast',
      severity: 'high', // security-severity 8.8
      title: 'This query string depends on a [user-provided value](1).',
      location: { path: 'src/db/orders.js', line: 27, column: 19 },
      ids: ['CWE-89', 'CWE-90'],
    });
    expect(sqli.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('resolves message strings with arguments and artifact locations given by index', async () => {
    const report = await read('codeql.sarif');
    const creds = byRule(report, 'js/hardcoded-credentials');
    expect(creds.severity).toBe('critical'); // 9.8
    expect(creds.title).toBe('The hard-coded value "fake-codeql-argument-value" is used as password.');
    expect(creds.location).toEqual({ path: 'src/config/secrets.js', line: 3, column: 20 });
  });

  it('skips passes and results absent since the baseline, and marks accepted suppressions', async () => {
    const report = await read('codeql.sarif');
    expect(report.findings.filter((f) => f.tool === 'CodeQL').map((f) => f.ruleId)).toEqual([
      'js/sql-injection',
      'js/hardcoded-credentials',
      'js/unused-local-variable',
    ]);
    const unused = byRule(report, 'js/unused-local-variable');
    expect(unused).toMatchObject({ severity: 'low', suppressed: true });
    expect(report.stats.suppressed).toBe(1);
  });

  it('reads each run with its own tool, and makes absolute file URIs relative to the root', async () => {
    const report = await read('codeql.sarif', { root: '/home/runner/work/shop/shop' });
    const semgrep = report.findings.find((f) => f.tool === 'Semgrep OSS')!;
    expect(semgrep).toMatchObject({
      scanType: 'sast',
      severity: 'medium',
      location: { path: 'src/routes/search.js', line: 14, column: 5 },
      ids: ['CWE-79'],
    });
  });

  it('resolves URIs against an absolute base (originalUriBaseIds) when the root is known', async () => {
    const doc = {
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'Lint' } },
          originalUriBaseIds: { PKG: { uri: 'file:///repo/packages/api/' } },
          results: [
            {
              ruleId: 'r',
              message: { text: 'm' },
              locations: [{ physicalLocation: { artifactLocation: { uri: 'lib/a.js', uriBaseId: 'PKG' } } }],
            },
          ],
        },
      ],
    };
    const bytes = Buffer.from(JSON.stringify(doc));
    const withRoot = await parseReport({ bytes, name: 'x.sarif' }, { root: '/repo' });
    expect(withRoot.findings[0]!.location).toEqual({ path: 'packages/api/lib/a.js' });
    const withoutRoot = await parseReport({ bytes, name: 'x.sarif' });
    expect(withoutRoot.findings[0]!.location).toEqual({ path: 'lib/a.js' });
  });

  it('never copies region snippets into findings', async () => {
    const text = allText(await read('codeql.sarif'));
    expect(text).not.toContain('fake-codeql-snippet-value-0011');
    expect(text).not.toContain('SELECT * FROM orders');
  });

  it('keeps the fingerprint of a result with partialFingerprints when its line moves', async () => {
    const doc = JSON.parse(readFileSync(fixture('codeql.sarif'), 'utf8'));
    const moved = structuredClone(doc);
    moved.runs[0].results[0].locations[0].physicalLocation.region.startLine = 127;
    moved.runs[1].results[0].locations[0].physicalLocation.region.startLine = 114;
    const parse = (d: unknown) => parseReport({ bytes: Buffer.from(JSON.stringify(d)), name: 'x.sarif' });
    const [before, after] = [await parse(doc), await parse(moved)];
    // CodeQL's result carries partialFingerprints: same identity on another line.
    expect(after.findings[0]!.fingerprint).toBe(before.findings[0]!.fingerprint);
    // Semgrep's carries none: the line is part of its identity.
    const sg = (r: ScanReport) => r.findings.find((f) => f.tool === 'Semgrep OSS')!.fingerprint;
    expect(sg(after)).not.toBe(sg(before));
  });

  it('takes the scan type from the tool name, or from the caller', async () => {
    const doc = { version: '2.1.0', runs: [{ tool: { driver: { name: 'tfsec' } }, results: [] }] };
    const bytes = Buffer.from(JSON.stringify(doc));
    expect((await parseReport({ bytes, name: 'tfsec.sarif' })).scanType).toBe('iac');
    const overridden = await parseReport({ bytes, name: 'tfsec.sarif' }, { scanType: 'sast' });
    expect(overridden.scanType).toBe('sast');
  });
});

describe('CycloneDX with vulnerabilities (Trivy-style 1.5)', () => {
  it('lists components (nested ones too) and maps vulnerabilities to the components they affect', async () => {
    const report = await read('cyclonedx-vulns.json');
    expect(report).toMatchObject({
      format: 'cyclonedx',
      scanType: 'sca',
      tool: { name: 'trivy', version: '0.51.1' },
    });
    expect(report.components).toEqual([
      { name: 'express', version: '4.18.2', purl: 'pkg:npm/express@4.18.2' },
      { name: '@babel/traverse', version: '7.22.5', purl: 'pkg:npm/%40babel/traverse@7.22.5' },
      { name: 'alpine', version: '3.19.1' },
      {
        name: 'libcrypto3',
        version: '3.1.4-r5',
        purl: 'pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=3.19.1',
      },
    ]);
    const babel = byRule(report, 'CVE-2023-45133');
    expect(babel).toMatchObject({
      severity: 'critical', // the highest rating wins
      resource: '@babel/traverse@7.22.5',
      cve: 'CVE-2023-45133',
      fixedVersion: '7.23.2',
    });
    expect(babel.ids).toEqual(
      expect.arrayContaining(['CVE-2023-45133', 'GHSA-67hx-6x53-jw92', 'CWE-184', 'CWE-697']),
    );
    // A rating with a score only maps like CVSS.
    expect(byRule(report, 'CVE-2024-2511')).toMatchObject({
      severity: 'medium',
      resource: 'libcrypto3@3.1.4-r5',
    });
    // `not_affected` analysis: reported, but suppressed.
    expect(byRule(report, 'CVE-2024-29041')).toMatchObject({ suppressed: true, resource: 'express@4.18.2' });
  });
});

describe('SPDX 2.3 (syft)', () => {
  it('lists the packages with versions and purls', async () => {
    const report = await read('spdx.json');
    expect(report).toMatchObject({
      format: 'spdx',
      scanType: 'sbom',
      tool: { name: 'syft', version: '1.4.1' },
    });
    expect(report.findings).toEqual([]);
    expect(report.components).toEqual([
      { name: 'express', version: '4.18.2', purl: 'pkg:npm/express@4.18.2' },
      { name: '@types/node', version: '20.12.7', purl: 'pkg:npm/%40types/node@20.12.7' },
      { name: 'shop-api' },
    ]);
  });
});

describe('Trivy JSON', () => {
  it('reads an image scan: OS and language packages as container findings, secrets without their values', async () => {
    const report = await read('trivy-image.json');
    expect(report).toMatchObject({ format: 'trivy', scanType: 'container', tool: { name: 'trivy' } });
    expect(report.findings.map((f) => [f.ruleId, f.severity, f.scanType])).toEqual([
      ['CVE-2024-2511', 'medium', 'container'],
      ['CVE-2023-42366', 'low', 'container'],
      ['CVE-2024-29041', 'medium', 'container'],
      ['CVE-2022-24999', 'high', 'container'],
      ['CVE-2021-44906', 'critical', 'container'],
      ['slack-web-hook', 'medium', 'secrets'],
    ]);
    expect(byRule(report, 'CVE-2024-2511')).toMatchObject({
      resource: 'libcrypto3@3.1.4-r5',
      fixedVersion: '3.1.4-r6',
      cve: 'CVE-2024-2511',
      ids: ['CVE-2024-2511', 'CWE-1325'],
    });
    expect(byRule(report, 'CVE-2024-2511').location).toBeUndefined();
    expect(byRule(report, 'CVE-2021-44906').location).toEqual({
      path: 'app/node_modules/minimist/package.json',
    });
    expect(byRule(report, 'slack-web-hook')).toMatchObject({
      title: 'Slack Webhook',
      location: { path: '/app/.env', line: 3 },
    });
    const text = allText(report);
    expect(text).not.toContain('fake-trivy-code-line-value-0001');
    expect(text).not.toContain('fake-trivy-match-value-0002');
  });

  it('reads a filesystem scan: lockfile vulnerabilities, failed misconfigurations only, secrets', async () => {
    const report = await read('trivy-fs.json');
    expect(report.scanType).toBe('sca');
    expect(report.findings.map((f) => [f.ruleId, f.scanType])).toEqual([
      ['CVE-2022-25883', 'sca'],
      ['AVD-DS-0002', 'iac'],
      ['AVD-AWS-0086', 'iac'],
      ['github-pat', 'secrets'],
    ]);
    expect(byRule(report, 'CVE-2022-25883').location).toEqual({ path: 'package-lock.json' });
    expect(byRule(report, 'AVD-AWS-0086')).toMatchObject({
      severity: 'high',
      resource: 'aws_s3_bucket.logs',
      location: { path: 'infra/main.tf', line: 12 },
    });
    expect(allText(report)).not.toMatch(/fake-trivy-fs-(code|match)-value/);
  });
});

describe('Grype JSON', () => {
  it('reads matches with related CVEs, fix versions and the source type', async () => {
    const report = await read('grype.json');
    expect(report).toMatchObject({
      format: 'grype',
      scanType: 'sca',
      tool: { name: 'grype', version: '0.74.0' },
    });
    expect(byRule(report, 'GHSA-c2qf-rxjj-qqgw')).toMatchObject({
      severity: 'high',
      resource: 'semver@7.5.1',
      location: { path: 'package-lock.json' },
      fixedVersion: '7.5.2',
      cve: 'CVE-2022-25883',
      ids: ['GHSA-c2qf-rxjj-qqgw', 'CVE-2022-25883'],
    });
    expect(byRule(report, 'GHSA-grv7-fg5c-xmjg').fixedVersion).toBeUndefined();
    expect(byRule(report, 'CVE-2005-2541').severity).toBe('low'); // Negligible
  });

  it('counts an image scan as a container scan', async () => {
    const doc = JSON.parse(readFileSync(fixture('grype.json'), 'utf8'));
    doc.source = { type: 'image', target: { userInput: 'debian:12' } };
    const report = await parseReport({ bytes: Buffer.from(JSON.stringify(doc)), name: 'grype-image.json' });
    expect(report.scanType).toBe('container');
    expect(new Set(report.findings.map((f) => f.scanType))).toEqual(new Set(['container']));
  });
});

describe('Gitleaks JSON', () => {
  it('reads leaks as high-severity secret findings and never keeps Secret or Match', async () => {
    const report = await read('gitleaks.json');
    expect(report).toMatchObject({ format: 'gitleaks', scanType: 'secrets', tool: { name: 'gitleaks' } });
    expect(report.findings).toHaveLength(2);
    expect(byRule(report, 'generic-api-key')).toMatchObject({
      severity: 'high',
      title: 'Generic API Key',
      location: { path: 'src/config/settings.js', line: 4, column: 16 },
      resource: 'commit:3f7c2b1a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b',
    });
    const text = allText(report);
    expect(text).not.toContain('fake-gitleaks-secret-value');
    expect(text).not.toContain('fake-gitleaks-match-value');
  });
});

describe('Checkov JSON', () => {
  it('reads a single framework: failed checks only, with file and line', async () => {
    const report = await read('checkov-terraform.json');
    expect(report).toMatchObject({
      format: 'checkov',
      scanType: 'iac',
      tool: { name: 'checkov', version: '3.2.40' },
    });
    expect(report.findings.map((f) => f.ruleId)).toEqual(['CKV_AWS_18', 'CKV_AWS_145']);
    expect(byRule(report, 'CKV_AWS_18')).toMatchObject({
      severity: 'medium', // no severity without a platform key
      resource: 'aws_s3_bucket.logs',
      location: { path: 'infra/main.tf', line: 1 },
    });
    expect(byRule(report, 'CKV_AWS_145').severity).toBe('high');
  });

  it('reads an array of frameworks, each with its scan type, and never keeps code blocks', async () => {
    const report = await read('checkov-multi.json');
    expect(report.findings.map((f) => [f.ruleId, f.scanType])).toEqual([
      ['CKV_DOCKER_3', 'iac'],
      ['CKV_SECRET_6', 'secrets'],
      ['CVE-2022-25883', 'sca'],
    ]);
    expect(byRule(report, 'CKV_DOCKER_3').location).toEqual({ path: 'Dockerfile' });
    expect(byRule(report, 'CKV_SECRET_6').resource).toBeUndefined();
    expect(byRule(report, 'CVE-2022-25883')).toMatchObject({
      resource: 'semver@7.5.1',
      fixedVersion: '7.5.2',
      severity: 'high',
    });
    expect(allText(report)).not.toContain('fake-checkov-code-block-0009');
  });
});

describe('npm audit v2 JSON', () => {
  it('reads one finding per advisory, named by its GHSA id', async () => {
    const report = await read('npm-audit.json');
    expect(report).toMatchObject({ format: 'npm-audit', scanType: 'sca', tool: { name: 'npm audit' } });
    expect(report.findings.map((f) => [f.ruleId, f.resource, f.severity])).toEqual([
      ['GHSA-jf85-cpcp-j695', 'lodash', 'critical'],
      ['GHSA-35jh-r3h4-6jhm', 'lodash', 'high'],
      ['GHSA-xvch-5gv4-984h', 'minimist', 'critical'],
    ]);
    expect(byRule(report, 'GHSA-jf85-cpcp-j695')).toMatchObject({
      fixedVersion: '4.17.21',
      ids: ['GHSA-jf85-cpcp-j695', 'CWE-20', 'CWE-1321'],
    });
  });
});

describe('OWASP ZAP JSON', () => {
  it('reads alerts with riskcode as severity and the URL without its query string', async () => {
    const report = await read('zap.json');
    expect(report).toMatchObject({
      format: 'zap',
      scanType: 'dast',
      tool: { name: 'zap', version: '2.14.0' },
    });
    expect(report.findings.map((f) => [f.ruleId, f.severity])).toEqual([
      ['40012', 'high'],
      ['10038-1', 'medium'],
      ['10049', 'info'],
    ]);
    expect(byRule(report, '40012')).toMatchObject({
      title: 'Cross Site Scripting (Reflected)',
      resource: 'https://staging.example.com/search',
      ids: ['CWE-79'],
    });
    const text = allText(report);
    expect(text).not.toContain('fake-zap-uri-token-0010');
    expect(text).not.toContain('<scrIpt>');
  });
});

describe('JUnit XML', () => {
  it('reads Maven Surefire: failures, errors, skips; flaky reruns count as passed', async () => {
    const report = await read('junit-surefire.xml');
    expect(report).toMatchObject({ format: 'junit', scanType: 'tests', tool: { name: 'maven-surefire' } });
    const t = report.tests!;
    expect([t.total, t.passed, t.failed, t.errored, t.skipped, t.suites]).toEqual([6, 3, 1, 1, 1, 1]);
    expect(t.cases.find((c) => c.name === 'appliesDiscount')).toEqual({
      suite: 'com.example.shop.CartServiceTest',
      name: 'appliesDiscount',
      classname: 'com.example.shop.CartServiceTest',
      time: 0.118,
      status: 'failed',
      message: 'expected: <90> but was: <100>',
    });
    expect(t.cases.find((c) => c.name === 'flakyCheckout')!.status).toBe('passed');
    expect(t.time).toBe(0.412);
  });

  it('reads jest-junit: failure text without a message attribute gives the first line', async () => {
    const report = await read('junit-jest.xml');
    expect(report.tool.name).toBe('jest');
    const t = report.tests!;
    expect([t.total, t.passed, t.failed, t.errored, t.skipped, t.suites]).toEqual([4, 2, 1, 0, 1, 2]);
    expect(t.cases.find((c) => c.status === 'failed')).toMatchObject({
      suite: 'src/cart.test.ts',
      name: 'cart rejects negative quantities',
      message: 'Error: expect(received).toThrow()',
    });
  });

  it('reads pytest: file and line per case, errors on setup', async () => {
    const report = await read('junit-pytest.xml');
    expect(report.tool.name).toBe('pytest');
    const t = report.tests!;
    expect([t.total, t.passed, t.failed, t.errored, t.skipped]).toEqual([5, 2, 1, 1, 1]);
    expect(t.cases.find((c) => c.name === 'test_cancel_order')).toMatchObject({
      file: 'tests/test_orders.py',
      line: 20,
      status: 'failed',
      message: "AssertionError: assert 'open' == 'cancelled'",
    });
    expect(t.cases.find((c) => c.name === 'test_migrations')!.status).toBe('errored');
  });

  it('reads suites nested in suites, naming each case by its innermost suite', async () => {
    const report = await read('junit-nested.xml');
    const t = report.tests!;
    expect([t.total, t.passed, t.failed, t.suites]).toEqual([3, 2, 1, 4]);
    expect(t.cases.map((c) => [c.suite, c.name, c.status])).toEqual([
      ['Unit\\MoneyTest', 'testAdd', 'passed'],
      ['Unit\\MoneyTest', 'testSubtract', 'passed'],
      ['Integration', 'testCheckout', 'failed'],
    ]);
    expect(t.cases[0]!.file).toBe('tests/Unit/MoneyTest.php');
  });
});

describe('statistics', () => {
  it('counts findings by severity and hashes the report bytes', async () => {
    const report = await read('trivy-image.json');
    expect(report.stats).toMatchObject({
      findings: 6,
      bySeverity: { critical: 1, high: 1, medium: 3, low: 1, info: 0 },
      suppressed: 0,
      bytes: readFileSync(fixture('trivy-image.json')).length,
    });
    expect(report.stats.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
