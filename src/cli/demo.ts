import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assess } from '../engine/index.js';
import { UsageError } from '../errors.js';
import { renderReport, type Format } from '../report/index.js';
import { loadScenarioFile, parseScenario, startSimulator, type Scenario } from '../sim/github/index.js';
import { acmeScenario } from '../sim/github/scenarios/acme.js';
import { checkOutFile, writeAtomic } from './output.js';
import { progressReporter } from './progress.js';

export interface DemoFlags {
  format: Format;
  out?: string;
  scenario?: string;
  /** Only start the simulator and print how to point greenlight at it. */
  serve?: boolean;
  port?: string;
  latency?: string;
  keep?: boolean;
  quiet?: boolean;
}

/**
 * `greenlight demo`: starts the local GitHub simulator with the bundled "acme" organisation (or a
 * scenario file), writes a checkout of acme/web with its workflows, and assesses both end to end
 * through the real GitHub client. No network, no token.
 */
export async function run(flags: DemoFlags): Promise<number> {
  if (flags.out) checkOutFile(flags.out);
  const scenario = flags.scenario
    ? loadScenarioFile(flags.scenario)
    : parseScenario(acmeScenario(), 'bundled acme scenario');
  const latency = flags.latency === undefined ? 0 : Number(flags.latency);
  if (!Number.isFinite(latency) || latency < 0)
    throw new UsageError(`--latency ${flags.latency}: expected milliseconds`);
  const port = flags.port === undefined ? 0 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port ${flags.port}: expected a TCP port`);
  scenario.faults.latency_ms = latency;
  const sim = await startSimulator(scenario, { port });

  if (flags.serve) return serve(sim.url, scenario, () => sim.close());

  const dir = mkdtempSync(path.join(tmpdir(), 'greenlight-demo-'));
  const progress = progressReporter(!flags.quiet);
  try {
    const root = writeCheckout(dir, scenario.org.login);
    const now = new Date();
    progress.update(`GitHub simulator at ${sim.url}: ${scenario.repositories.length} repositories`);
    const { assessment } = await assess({
      root,
      now,
      progress: progress.update,
      github: {
        target: scenario.org.login,
        apiUrl: sim.url,
        token: scenario.token.value,
        cacheFile: null,
      },
    });
    progress.done();
    const color =
      !flags.out && flags.format === 'table' && process.stdout.isTTY === true && !process.env.NO_COLOR;
    const text = await renderReport(assessment, flags.format, { color });
    if (flags.out) writeAtomic(flags.out, text);
    else process.stdout.write(text);
    if (!flags.quiet && flags.format === 'table')
      process.stderr.write(
        `\ndemo: ${sim.stats.requests} API requests to the simulator (${sim.stats.graphql} GraphQL); checkout of ${scenario.org.login}/web at ${flags.keep ? root : '(removed)'}\n`,
      );
    return 0;
  } finally {
    progress.done();
    await sim.close();
    if (!flags.keep) rmSync(dir, { recursive: true, force: true });
  }
}

async function serve(url: string, scenario: Scenario, close: () => Promise<void>): Promise<number> {
  process.stdout.write(
    [
      `GitHub simulator for "${scenario.org.login}" listening on ${url}`,
      `  REST ${url}  ·  GraphQL ${url}/graphql  ·  as Enterprise Server: ${url}/api/v3`,
      '',
      'Assess it from another shell:',
      `  GITHUB_TOKEN=${scenario.token.value} greenlight assess --github ${scenario.org.login} --github-url ${url}`,
      '',
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await close();
  return 0;
}

/** A small checkout of ORG/web: the workflow files and config the demo's local checks read. */
function writeCheckout(dir: string, org: string): string {
  const root = path.join(dir, 'web');
  const files: Record<string, string> = {
    'package.json':
      JSON.stringify({ name: 'web', private: true, scripts: { test: 'node --test' } }, null, 2) + '\n',
    'src/index.js': "export const hello = () => 'hello';\n",
    'README.md': `# ${org}/web\n\nThe storefront.\n`,
    'greenlight.yml': [
      '# The demo organisation allows its on-call SRE team to bypass rulesets in an emergency.',
      'checks:',
      '  branch.no-bypass:',
      '    breakGlass: [sre-oncall]',
      '',
    ].join('\n'),
    '.github/workflows/ci.yml': [
      'name: ci',
      'on:',
      '  pull_request:',
      '  push:',
      '    branches: [main]',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: actions/setup-node@v4',
      '      - run: npm ci',
      '      - run: npm test',
      '',
    ].join('\n'),
    '.github/workflows/preview.yml': [
      'name: preview',
      'on: pull_request_target',
      'permissions: write-all',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          ref: ${{ github.event.pull_request.head.sha }}',
      '      - run: npm install && npm run build',
      '      - run: echo "Preview for ${{ github.event.pull_request.title }}"',
      '',
    ].join('\n'),
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  // A real repository with a GitHub remote, so the subject and history are those of acme/web.
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: root,
      stdio: 'ignore',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Demo',
        GIT_AUTHOR_EMAIL: 'demo@acme.example',
        GIT_COMMITTER_NAME: 'Demo',
        GIT_COMMITTER_EMAIL: 'demo@acme.example',
      },
    });
  try {
    git('init', '-q', '-b', 'main');
    git('remote', 'add', 'origin', `https://github.com/${org}/web.git`);
    git('add', '-A');
    git('commit', '-q', '--no-gpg-sign', '-m', 'ENG-1: storefront skeleton');
  } catch {
    // Without git the local history checks say not_available; the GitHub part is unaffected.
  }
  return root;
}
