/**
 * Real scanner output, produced at test time: secretlint (SARIF) on planted fake credentials,
 * ESLint with the SARIF formatter, and Node's test runner as JUnit XML.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

const bin = (name: string): string => path.resolve('node_modules/.bin', name);

function runTool(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  // Scanners exit 1 when they find something; anything else is a broken run.
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

/** secretlint over a file holding a fake AWS key; returns the SARIF file. */
export function secretlintSarif(dir: string, withSecret: boolean): string {
  const src = path.join(dir, 'secrets-fixture');
  mkdirSync(src, { recursive: true });
  writeFileSync(
    path.join(src, '.secretlintrc.json'),
    JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }),
  );
  writeFileSync(
    path.join(src, 'config.env'),
    // Fake credentials shaped like real ones (they grant nothing).
    withSecret
      ? 'GITHUB_TOKEN=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\naws_secret_access_key = "Xb3kQ9mZ7vLp2RtY8wNc4JhF6sDg1AeK5uVo0iTq"\n'
      : 'LOG_LEVEL=info\n',
  );
  const out = path.join(dir, `secretlint-${withSecret ? 'dirty' : 'clean'}.sarif`);
  runTool(
    bin('secretlint'),
    ['--format', '@secretlint/secretlint-formatter-sarif', '--output', out, 'config.env'],
    src,
  );
  return out;
}

/** ESLint (with a security-relevant rule) formatted as SARIF. */
export function eslintSarif(dir: string, withEval: boolean): string {
  const src = path.join(dir, `eslint-fixture-${withEval ? 'dirty' : 'clean'}`);
  mkdirSync(src, { recursive: true });
  writeFileSync(
    path.join(src, 'eslint.config.js'),
    "export default [{ files: ['**/*.js'], rules: { 'no-eval': 'error', 'no-implied-eval': 'error' } }];\n",
  );
  writeFileSync(path.join(src, 'package.json'), '{"type":"module"}\n');
  writeFileSync(
    path.join(src, 'app.js'),
    withEval ? 'export const run = (s) => eval(s);\n' : 'export const run = (s) => s;\n',
  );
  const out = path.join(dir, `eslint-${withEval ? 'dirty' : 'clean'}.sarif`);
  runTool(
    bin('eslint'),
    ['-f', require.resolve('@microsoft/eslint-formatter-sarif'), '-o', out, 'app.js'],
    src,
  );
  return out;
}

/** Node's test runner as JUnit XML: `failing` adds a failing test. */
export function nodeJunit(dir: string, failing: boolean): string {
  const src = path.join(dir, `junit-fixture-${failing ? 'red' : 'green'}`);
  mkdirSync(src, { recursive: true });
  writeFileSync(
    path.join(src, 'app.test.mjs'),
    "import test from 'node:test';\ntest('adds', () => {});\n" +
      (failing ? "test('fails', () => { throw new Error('boom'); });\n" : "test('subtracts', () => {});\n"),
  );
  const out = path.join(dir, `junit-${failing ? 'red' : 'green'}.xml`);
  runTool(
    process.execPath,
    ['--test', '--test-reporter=junit', `--test-reporter-destination=${out}`, 'app.test.mjs'],
    src,
  );
  return out;
}
