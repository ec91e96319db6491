/**
 * Reports produced at test time by the real tools (pinned dev dependencies), then read back:
 * secretlint (SARIF formatter) on planted fake credentials, ESLint with
 * @microsoft/eslint-formatter-sarif, @cyclonedx/cyclonedx-npm on a self-contained npm project,
 * and Vitest's JUnit reporter.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseReport, redactReport } from './index.js';

const require = createRequire(import.meta.url);
const repoRoot = join(import.meta.dirname, '..', '..', '..');
const bin = (...parts: string[]) => join(repoRoot, 'node_modules', ...parts);

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `greenlight-${prefix}-`));
  made.push(dir);
  return dir;
}

function write(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
}

/** Runs a Node CLI; scanners exit non-zero when they find something, so the status is returned, not thrown. */
function run(script: string, args: string[], cwd: string): { status: number | null; stderr: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
  const child = spawnSync(process.execPath, [script, ...args], {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (child.error) throw child.error;
  return { status: child.status, stderr: child.stderr };
}

// Fake credentials, assembled at run time so that no source file in this repository holds one.
const FAKE_GITHUB_TOKEN = 'ghp' + '_' + 'Zq8Xr4Wm2Tn6Yb1Vc9Lp3Hd7Fs5Gk0Jr2UaE';
const FAKE_SLACK_TOKEN = ['xoxb', '7730021984', '4490218830561', 'Qm3tJ8wZ1pVf6Yc2Rk9Ls4Dn'].join('-');

describe('secretlint → SARIF', () => {
  it('reads the planted credentials as secret findings and never keeps their values', async () => {
    const dir = tempDir('secretlint');
    write(dir, {
      '.secretlintrc.json': JSON.stringify({
        rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }],
      }),
      'src/config.js': `// settings\nexport const token = "${FAKE_GITHUB_TOKEN}";\nexport const retries = 3;\n`,
      'deploy/notify.sh': `#!/bin/sh\nSLACK_TOKEN="${FAKE_SLACK_TOKEN}"\n`,
      'README.md': '# nothing secret here\n',
    });
    const out = join(dir, 'secretlint.sarif');
    // --no-maskSecrets: the tool then quotes each secret in its messages; the reader must not.
    const { status, stderr } = run(
      bin('secretlint', 'bin', 'secretlint.js'),
      ['--format', '@secretlint/secretlint-formatter-sarif', '--no-maskSecrets', '--output', out, '**/*'],
      dir,
    );
    expect([0, 1], stderr).toContain(status); // 1 when it finds secrets (0 when writing --output)
    expect(readFileSync(out, 'utf8')).toContain(FAKE_GITHUB_TOKEN); // the raw report does hold them

    const report = await parseReport({ path: out });
    expect(report).toMatchObject({ format: 'sarif', scanType: 'secrets', tool: { name: 'secretlint' } });
    const byFile = Object.fromEntries(report.findings.map((f) => [f.location?.path, f]));
    expect(byFile['src/config.js']).toMatchObject({
      tool: 'secretlint',
      scanType: 'secrets',
      ruleId: expect.stringContaining('secretlint-rule-github'),
      severity: 'high',
      location: { path: 'src/config.js', line: 2 },
    });
    expect(byFile['deploy/notify.sh']).toMatchObject({
      ruleId: expect.stringContaining('secretlint-rule-slack'),
      location: { path: 'deploy/notify.sh', line: 2 },
    });
    expect(report.findings).toHaveLength(2);
    const text = JSON.stringify(report);
    expect(text).not.toContain(FAKE_GITHUB_TOKEN);
    expect(text).not.toContain(FAKE_SLACK_TOKEN);
    expect(text).not.toContain(FAKE_GITHUB_TOKEN.slice(4, 20));

    // The copy kept as evidence: secretlint's messages quote the secrets; the redacted copy does not.
    const blob = await redactReport({ path: out }, 'sarif');
    expect(blob.toString()).not.toContain(FAKE_GITHUB_TOKEN);
    expect(blob.toString()).not.toContain(FAKE_SLACK_TOKEN);
    const again = await parseReport({ bytes: blob, name: 'secretlint.sarif' });
    expect(again.findings).toEqual(report.findings);
  });
});

describe('ESLint → SARIF (@microsoft/eslint-formatter-sarif)', () => {
  it('reads each problem with rule, severity and repository-relative location', async () => {
    const dir = tempDir('eslint');
    write(dir, {
      'src/app.js': 'const unused = 1;\nexport function run(code) {\n  return eval(code);\n}\n',
      'src/ok.js': 'export const ok = 1;\n',
    });
    const out = join(dir, 'eslint.sarif');
    const { status, stderr } = run(
      bin('eslint', 'bin', 'eslint.js'),
      [
        '--no-config-lookup',
        '--rule',
        'no-unused-vars: error',
        '--rule',
        'no-eval: error',
        '--rule',
        'eqeqeq: warn',
        '--format',
        require.resolve('@microsoft/eslint-formatter-sarif'),
        '--output-file',
        out,
        'src',
      ],
      dir,
    );
    expect(status, stderr).toBe(1); // errors found

    const report = await parseReport({ path: out }, { root: dir });
    expect(report).toMatchObject({ format: 'sarif', scanType: 'sast', tool: { name: 'ESLint' } });
    expect(report.tool.version).toMatch(/^9\./);
    const findings = report.findings.map((f) => [f.ruleId, f.severity, f.location]);
    expect(findings).toEqual([
      ['no-unused-vars', 'high', { path: 'src/app.js', line: 1, column: 7 }],
      ['no-eval', 'high', { path: 'src/app.js', line: 3, column: 10 }],
    ]);
    expect(report.findings[1]!.title).toBe('eval can be harmful.');
    expect(new Set(report.findings.map((f) => f.fingerprint)).size).toBe(2);
  });
});

describe('@cyclonedx/cyclonedx-npm → CycloneDX JSON', () => {
  it('lists the components of a self-contained npm project', async () => {
    const dir = tempDir('cyclonedx');
    write(dir, {
      'package.json': JSON.stringify({
        name: 'fixture-shop',
        version: '1.0.0',
        license: 'MIT',
        dependencies: { 'left-util': 'file:./vendor/left-util', '@fixture/money': 'file:./vendor/money' },
      }),
      'vendor/left-util/package.json': JSON.stringify({
        name: 'left-util',
        version: '2.3.4',
        license: 'MIT',
      }),
      'vendor/left-util/index.js': 'module.exports = (s) => s.trimStart();\n',
      'vendor/money/package.json': JSON.stringify({
        name: '@fixture/money',
        version: '0.9.0',
        license: 'Apache-2.0',
      }),
      'vendor/money/index.js': 'module.exports = { cents: (n) => Math.round(n * 100) };\n',
    });
    // Local `file:` dependencies: nothing is fetched.
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: dir,
      stdio: 'pipe',
    });
    const out = join(dir, 'bom.json');
    const { status, stderr } = run(
      bin('@cyclonedx', 'cyclonedx-npm', 'bin', 'cyclonedx-npm-cli.js'),
      ['--output-format', 'JSON', '--spec-version', '1.6', '--output-file', out],
      dir,
    );
    expect(status, stderr).toBe(0);

    const report = await parseReport({ path: out });
    expect(report).toMatchObject({ format: 'cyclonedx', scanType: 'sbom', findings: [] });
    expect(report.tool.name).toBe('cyclonedx-npm');
    expect(report.tool.version).toMatch(/^\d+\.\d+\.\d+/);
    expect([...report.components!].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: '@fixture/money', version: '0.9.0', purl: 'pkg:npm/%40fixture/money@0.9.0' },
      { name: 'left-util', version: '2.3.4', purl: 'pkg:npm/left-util@2.3.4' },
    ]);
  });
});

describe('Vitest → JUnit XML', () => {
  it('reads passed, failed and skipped cases from a real run', async () => {
    const dir = tempDir('vitest-junit');
    write(dir, {
      'math.test.js': [
        "describe('math', () => {",
        "  it('adds', () => { expect(1 + 1).toBe(2); });",
        "  it('divides', () => { expect(1 / 4).toBe(0.3); });",
        "  it.skip('integrates', () => {});",
        '});',
        "it('top level', () => { expect([1]).toHaveLength(1); });",
        '',
      ].join('\n'),
    });
    const out = join(dir, 'junit.xml');
    const { status, stderr } = run(
      bin('vitest', 'vitest.mjs'),
      ['run', '--root', dir, '--globals', '--reporter=junit', `--outputFile=${out}`],
      dir,
    );
    expect(status, stderr).toBe(1); // one test fails

    const report = await parseReport({ path: out });
    expect(report).toMatchObject({ format: 'junit', scanType: 'tests', findings: [] });
    const t = report.tests!;
    expect([t.total, t.passed, t.failed, t.errored, t.skipped]).toEqual([4, 2, 1, 0, 1]);
    const failed = t.cases.find((c) => c.status === 'failed')!;
    expect(failed.name).toContain('divides');
    expect(failed.message).toContain('expected 0.25 to be 0.3');
  });
});
