import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { bundleAction, committedFiles, OUT_DIR } from '../scripts/build-action.mjs';
import { actionArgv, inputVar, readInputs, splitWords } from '../src/action/inputs.js';
import { cleanupRepos, createRepo, tempDir, type TestRepo } from './git-repo.js';
import { testDialects } from './ledger/dialects.js';

/*
 * The GitHub Action as GitHub runs it: action.yml's last step is `node action/github.cjs`, the
 * committed bundle, with the inputs as INPUT_* variables, the event payload in a file, and the
 * files GitHub provides for the step summary and the outputs. These tests run that committed
 * file (not the sources), in a real git repository, against SQLite and PostgreSQL, and check
 * that the committed bundle is what the sources build to now.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const ENTRY = path.join(ROOT, 'action', 'github.cjs');

afterAll(() => cleanupRepos());

describe('the committed action bundle', () => {
  it('is what scripts/build-action.mjs builds from the sources now (run `npm run build:action` if not)', async () => {
    const built = await bundleAction();
    const names = built.map((f) => f.fileName);
    expect(committedFiles(OUT_DIR)).toEqual(names);
    for (const f of built) {
      const committed = readFileSync(path.join(OUT_DIR, f.fileName), 'utf8');
      expect(committed === f.code, `action/${f.fileName} is stale: run \`npm run build:action\``).toBe(true);
    }
  });

  it('is what action.yml runs, with every input it declares passed as INPUT_*', () => {
    const action = parseYaml(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
    expect(action.runs.using).toBe('composite');
    const steps = action.runs.steps as { id?: string; run: string; env?: Record<string, string> }[];
    const run = steps.find((s) => s.id === 'run')!;
    expect(run.run).toBe('node "$GITHUB_ACTION_PATH/action/github.cjs"');
    for (const name of ['command', 'environment', 'files', 'args'])
      expect(run.env?.[inputVar(name)]).toBe(`\${{ inputs.${name} }}`);
    expect(action.outputs['exit-code'].value).toBe('${{ steps.run.outputs.exit-code }}');
    expect(action.outputs.outcome.value).toBe('${{ steps.run.outputs.outcome }}');
    // Nothing is fetched by package name.
    expect(JSON.stringify(action)).not.toMatch(/npx|greenlight@/);
  });
});

describe('action inputs', () => {
  it('names an input as GitHub does: upper case, spaces as _', () => {
    expect(inputVar('command')).toBe('INPUT_COMMAND');
    expect(inputVar('fail open')).toBe('INPUT_FAIL_OPEN');
  });

  it('splits args with quotes and expands nothing', () => {
    expect(splitWords(`--override --reason "db failover at 3am" --ticket 'INC-1' $HOME`, 'args')).toEqual([
      '--override',
      '--reason',
      'db failover at 3am',
      '--ticket',
      'INC-1',
      '$HOME',
    ]);
    expect(() => splitWords('--reason "open', 'args')).toThrow(/input 'args': unterminated " quote/);
  });

  it('maps each command to greenlight arguments', () => {
    const inputs = (env: Record<string, string>) => actionArgv(readInputs(env));
    expect(inputs({})).toEqual(['gate']);
    expect(inputs({ INPUT_COMMAND: 'gate', INPUT_ENVIRONMENT: 'production' })).toEqual([
      'gate',
      '--env',
      'production',
    ]);
    expect(inputs({ INPUT_COMMAND: 'record-scan', INPUT_FILES: 'a.sarif "b c.sarif"' })).toEqual([
      'record',
      'scan',
      'a.sarif',
      'b c.sarif',
    ]);
    expect(() => inputs({ INPUT_COMMAND: 'record-tests' })).toThrow(/input 'files'/);
    expect(() => inputs({ INPUT_COMMAND: 'deploy' })).toThrow(/input 'command': unknown command 'deploy'/);
  });
});

const JUNIT_GREEN = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites><testsuite name="unit" tests="2" failures="0" errors="0">
<testcase classname="cart" name="adds an item" time="0.01"/>
<testcase classname="cart" name="removes an item" time="0.01"/>
</testsuite></testsuites>
`;

const dialects = await testDialects('action');
afterAll(async () => {
  for (const d of dialects) await d.cleanup();
});

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(
    `the action entry point run as GitHub runs it, on ${dialect.name}`,
    () => {
      let repo: TestRepo;
      let work: string;
      let key: string;
      let databaseUrl: string;

      beforeAll(() => {
        repo = createRepo();
        // The policy on the base branch: tests required, no scan types (this test is about the action).
        repo.commit({ subject: 'ENG-1 start', files: { 'greenlight.yml': 'scans:\n  required: []\n' } });
        repo.branch('feature/ENG-2');
        repo.commit({ subject: 'ENG-2 change', files: { 'src/cart.js': 'export const cart = [];\n' } });
        work = tempDir('greenlight-action-');
        key = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
        databaseUrl = dialect.name === 'postgres' ? dialect.fresh(repo.dir) : '';
      });

      /** Runs `node action/github.cjs` with a pull_request event for the head; returns what GitHub would see. */
      function runAction(name: string, inputs: Record<string, string>) {
        const head = repo.head();
        const base = repo.git(['rev-parse', 'main']);
        const event = path.join(work, `${name}-event.json`);
        writeFileSync(
          event,
          JSON.stringify({
            action: 'synchronize',
            number: 2,
            pull_request: {
              number: 2,
              title: 'ENG-2 change',
              user: { login: 'alice' },
              base: { ref: 'main', sha: base },
              head: { ref: 'feature/ENG-2', sha: head },
            },
          }),
        );
        const summary = path.join(work, `${name}-summary.md`);
        const output = path.join(work, `${name}-output.txt`);
        writeFileSync(summary, '');
        writeFileSync(output, '');
        const env: NodeJS.ProcessEnv = {
          PATH: process.env.PATH,
          HOME: work,
          GREENLIGHT_CACHE_DIR: path.join(work, 'cache'),
          NO_COLOR: '1',
          GITHUB_ACTIONS: 'true',
          GITHUB_WORKSPACE: repo.dir,
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_EVENT_PATH: event,
          GITHUB_SHA: head,
          GITHUB_REF: 'refs/pull/2/merge',
          GITHUB_REPOSITORY: 'acme/shop',
          GITHUB_SERVER_URL: 'https://github.com',
          GITHUB_RUN_ID: '1234',
          GITHUB_RUN_ATTEMPT: '1',
          GITHUB_ACTOR: 'alice',
          GITHUB_STEP_SUMMARY: summary,
          GITHUB_OUTPUT: output,
          GREENLIGHT_LEDGER_KEY: key,
          GREENLIGHT_DATABASE_URL: databaseUrl,
          ...inputs,
        };
        // GitHub starts the step in the workspace too, but the entry point must not depend on it.
        const r = spawnSync(process.execPath, [ENTRY], { cwd: work, env, encoding: 'utf8' });
        const outputs = Object.fromEntries(
          readFileSync(output, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
        );
        return {
          code: r.status,
          stdout: r.stdout,
          stderr: r.stderr,
          summary: readFileSync(summary, 'utf8'),
          outputs,
        };
      }

      it('fails the gate of a pull request with no test results, explaining it in the job summary', () => {
        const r = runAction('gate-before', { INPUT_COMMAND: 'gate' });
        expect(r.stderr).not.toMatch(/internal error/);
        expect(r.code).toBe(1);
        expect(r.outputs).toEqual({ 'exit-code': '1', outcome: 'fail' });
        expect(r.summary).toMatch(/^#+ .*greenlight/im);
        expect(r.summary).toMatch(/test/i);
        // The key given as a secret is never printed.
        expect(r.stdout + r.stderr + r.summary).not.toContain(key.split('\n')[1]!);
      });

      it('records test results from the files input (a name with a space, quoted)', () => {
        writeFileSync(path.join(repo.dir, 'junit report.xml'), JUNIT_GREEN);
        const r = runAction('record-tests', {
          INPUT_COMMAND: 'record-tests',
          INPUT_FILES: '"junit report.xml"',
        });
        expect(r.stderr).not.toMatch(/internal error/);
        expect(r.code).toBe(0);
        expect(r.outputs).toEqual({ 'exit-code': '0', outcome: 'pass' });
        expect(r.summary).toBe('**greenlight record tests**: pass (exit 0: done)\n\n');
        if (dialect.name === 'sqlite')
          expect(existsSync(path.join(repo.dir, '.greenlight', 'greenlight.db'))).toBe(true);
      });

      it('then passes the gate, with the explanation in the job summary', () => {
        const r = runAction('gate-after', { INPUT_COMMAND: 'gate' });
        expect(r.stderr).not.toMatch(/internal error/);
        expect(r.code).toBe(0);
        expect(r.outputs).toEqual({ 'exit-code': '0', outcome: 'pass' });
        expect(r.summary).toMatch(/^#+ .*greenlight/im);
        expect(r.summary).toContain(repo.head().slice(0, 7));
      });

      it('exits 2 on an unknown command, saying so on stderr, in the outputs and the summary', () => {
        const r = runAction('unknown', { INPUT_COMMAND: 'deploy-everything' });
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/input 'command': unknown command 'deploy-everything'/);
        expect(r.outputs).toEqual({ 'exit-code': '2', outcome: 'error' });
        expect(r.summary).toMatch(/error \(exit 2: bad usage/);
      });
    },
  );
}
