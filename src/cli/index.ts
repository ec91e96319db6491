import { Command, CommanderError, Option } from 'commander';
import { GreenlightError } from '../errors.js';
import { installOutputRedaction } from '../redact/index.js';
import { toolVersion } from '../version.js';
import { registerLedgerCommands } from './ledger.js';

/**
 * The CLI's entry point. Each command lives in its own file and is imported only when it runs, so
 * `greenlight --version` stays close to a bare `node` start.
 */
function onStdoutError(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
  process.exit(141);
}

export async function main(argv: string[]): Promise<number> {
  // Everything the command prints (output, notices, errors, logs of libraries) is redacted.
  installOutputRedaction();
  // A reader that stops early (`greenlight controls | head`) ends the command as it ends Unix
  // tools: quietly, with 141 (128 + SIGPIPE), never a pass (a `set -o pipefail` gate fails closed).
  if (process.stdout.listenerCount('error') === 0) process.stdout.on('error', onStdoutError);
  const program = new Command()
    .name('greenlight')
    .description('Make your CI/CD pipeline prove its own SOC 2 compliance.')
    .version(toolVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  let exitCode = 0;
  const run =
    (load: () => Promise<{ run: (...args: never[]) => Promise<number> }>) =>
    async (...args: unknown[]) => {
      // zod compiles each schema with new Function on its first parse: for a command that parses
      // a few documents once, that costs more than it saves (~25 ms of a CI gate).
      (await import('zod')).config({ jitless: true });
      const mod = await load();
      exitCode = await mod.run(...(args as never[]));
    };

  program
    .command('assess')
    .description('Assess the repository at PATH (default: the current folder) and report where it stands')
    .argument('[path]', 'repository working tree', '.')
    .addOption(
      new Option('-f, --format <format>', 'report format')
        .choices(['table', 'json', 'markdown', 'sarif'])
        .default('table'),
    )
    .option('-o, --out <file>', 'write the report to FILE instead of stdout')
    .option('-c, --config <file>', 'config file (default: greenlight.yml in PATH)')
    .option(
      '--since <when>',
      'history window start: a duration (90d, 12w) or a date; default from config (90d)',
    )
    .option('--all', 'read the whole history instead of a window')
    .option('--branch <name>', 'branch whose history is assessed (default: the default branch)')
    .option('--only <ids...>', 'only these checks, by id or prefix (e.g. change. pipeline.actions-pinned)')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 only when a failing check is at least this severe')
        .choices(['critical', 'high', 'medium', 'low'])
        .default('low'),
    )
    .option('--no-record', 'do not record the assessment in the evidence ledger')
    .option('--no-git', 'assess a folder that is not a git repository (its files only, no history)')
    .option('-q, --quiet', 'no progress output')
    .option(
      '--github <target>',
      'also assess GitHub: ORG or ORG/REPO (credentials: GITHUB_TOKEN, or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY)',
    )
    .option('--github-url <url>', 'GitHub Enterprise Server URL (default: github.com)')
    .option('--concurrency <n>', 'parallel GitHub API requests (default 8)')
    .action(run(() => import('./assess.js')));

  program
    .command('controls')
    .description('List the control catalog: criteria, controls and checks')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .action(run(() => import('./controls.js')));

  program
    .command('init')
    .description('Write a commented starter greenlight.yml (and set up the evidence ledger)')
    .argument('[path]', 'repository working tree', '.')
    .option('--force', 'overwrite an existing greenlight.yml')
    .action(run(() => import('./init.js')));

  program
    .command('doctor')
    .description('Show what the GitHub token can and cannot see, and which checks it leaves not_available')
    .option(
      '--github <target>',
      'ORG or ORG/REPO (credentials: GITHUB_TOKEN, or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY)',
    )
    .option('--github-url <url>', 'GitHub Enterprise Server URL (default: github.com)')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .action(run(() => import('./doctor.js')));

  program
    .command('demo')
    .description('Assess the bundled "acme" organisation on a local GitHub simulator (no network, no token)')
    .addOption(
      new Option('-f, --format <format>', 'report format')
        .choices(['table', 'json', 'markdown', 'sarif'])
        .default('table'),
    )
    .option('-o, --out <file>', 'write the report to FILE instead of stdout')
    .option('--scenario <file>', 'a simulator scenario (YAML, see docs/github-simulator.md) instead of acme')
    .option('--serve', 'only start the simulator and print how to assess it; Ctrl-C stops it')
    .option('--port <n>', 'simulator port (default: any free port)')
    .option('--latency <ms>', 'latency injected into every simulated API request')
    .option('--keep', 'keep the demo checkout of acme/web')
    .option('-q, --quiet', 'no progress output')
    .action(run(() => import('./demo.js')));

  // Pipeline evidence, change population, sampling and the CI gate.
  const record = program
    .command('record')
    .description('Record pipeline evidence in the ledger (signed, idempotent, with the CI context)');
  const common = (c: Command) =>
    c
      .option('--repo <path>', 'repository working tree', '.')
      .option('-c, --config <file>', 'config file (default: greenlight.yml in the repository)')
      .option('--at <time>', 'when it happened (ISO 8601); default now')
      .option('--fail-open', 'spool locally and exit 0 when the evidence ledger cannot be reached');
  common(record.command('deployment').description('Record a deployment of a commit to an environment'))
    .requiredOption('--env <name>', 'environment deployed to, e.g. production')
    .option('--commit <sha>', 'commit deployed (default: the CI commit, else HEAD)')
    .option('--artifact <name@digest...>', 'artifact shipped, as NAME@sha256:HEX (repeatable)')
    .option('--pipeline-url <url>', 'link to the deploy pipeline (default: the CI run URL)')
    .action(run(async () => ({ run: (await import('./record.js')).deployment })));
  common(record.command('scan').description('Record scanner reports (format detected from content)'))
    .argument(
      '<files...>',
      'report files: SARIF, CycloneDX, SPDX, Trivy, Grype, Gitleaks, Checkov, npm audit, ZAP',
    )
    .option('--format <format>', 'report format, when detection is not wanted')
    .option('--commit <sha>', 'commit scanned (default: the CI commit, else HEAD)')
    .action(run(async () => ({ run: (await import('./record.js')).scan })));
  common(record.command('tests').description('Record test results (JUnit XML)'))
    .argument('<files...>', 'JUnit XML files')
    .option('--commit <sha>', 'commit tested (default: the CI commit, else HEAD)')
    .action(run(async () => ({ run: (await import('./record.js')).tests })));
  common(record.command('override').description('Record an emergency change; opens a post-incident review'))
    .requiredOption('--reason <text>', 'why the normal process is bypassed')
    .requiredOption('--ticket <key>', 'incident or change ticket')
    .requiredOption('--approver <name>', 'who approved the emergency change')
    .option('--commit <sha>', 'commit shipped as an emergency')
    .option('--env <name>', 'environment')
    .action(run(async () => ({ run: (await import('./record.js')).override })));
  common(
    record.command('review').description('Record the post-incident review closing an emergency override'),
  )
    .requiredOption('--ticket <key>', 'ticket of the emergency override')
    .option('--reviewer <name>', 'who held the review (default: the CI actor)')
    .option('--notes <text>', 'outcome of the review')
    .action(run(async () => ({ run: (await import('./record.js')).review })));
  common(record.command('access-review').description('Record a periodic access review with its sign-off'))
    .requiredOption(
      '--file <file>',
      'the review (YAML or JSON: reviewedAt, signedOffBy, reviewers, systems, identities)',
    )
    .action(run(async () => ({ run: (await import('./record.js')).accessReview })));

  const windowed = (c: Command) =>
    c
      .option('--since <when>', 'window start: a duration (90d, 12w) or a date; default from config')
      .option('--until <date>', 'window end (default now)')
      .option('--repo <path>', 'repository working tree', '.')
      .option('--branch <name>', 'protected branch (default: the default branch)')
      .option('-c, --config <file>', 'config file')
      .option(
        '--github <owner/repo>',
        'read pull requests from GitHub (default: the origin, when GITHUB_TOKEN is set)',
      )
      .option('--github-url <url>', 'GitHub Enterprise Server URL (default: github.com)');
  windowed(
    program
      .command('changes')
      .description('List every change that reached the protected branch, with its evidence'),
  )
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'),
    )
    .option('-o, --out <file>', 'write to FILE instead of stdout')
    .option('--env <names...>', 'production environments (default: production prod)')
    .action(run(() => import('./changes.js')));
  windowed(
    program.command('sample').description('Draw a reproducible sample of changes and export its evidence'),
  )
    .requiredOption('--size <n>', 'sample size (25, 40, 60 or any number)')
    .requiredOption('--seed <seed>', 'seed: the same seed and population give the same sample')
    .option('-o, --out <dir>', 'folder for sample.csv and the evidence of each sampled change')
    .action(run(() => import('./sample.js')));

  program
    .command('gate')
    .description('CI gate: on a pull request, scans and tests; on a deploy, every shipped commit traceable')
    .option('--repo <path>', 'repository working tree', '.')
    .option('-c, --config <file>', 'config file')
    .addOption(
      new Option('--context <context>', 'what to gate')
        .choices(['auto', 'pull_request', 'deploy'])
        .default('auto'),
    )
    .option('--env <name>', 'environment being deployed to')
    .option('--commit <sha>', 'commit being gated (default: from CI)')
    .option('--protected-env <names...>', 'environments gated as deploys (default: production prod)')
    .option('--block <severities...>', 'severities of new findings that block (default: critical high)')
    .option('--override', 'emergency path: pass, record the override and open a post-incident review')
    .option('--reason <text>', 'with --override: why')
    .option('--ticket <key>', 'with --override: incident ticket')
    .option('--approver <name>', 'with --override: who approved')
    .option('--fail-open', 'pass (recording locally) when the evidence store cannot be reached')
    .action(run(() => import('./gate.js')));

  program
    .command('anomalies')
    .description(
      'Look for anomalies (direct/force pushes, override spikes, deploys of failed gates, off-hours merges, failing-check spikes); --notify alerts and records the run',
    )
    .option('--since <when>', 'window start: a duration (1d, 7d, 12w) or a date', '1d')
    .option('--until <date>', 'window end (default now)')
    .option('--repo <path>', 'repository working tree', '.')
    .option('--branch <name>', 'protected branch (default: the default branch)')
    .option('-c, --config <file>', 'config file')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .option(
      '--notify',
      'send the anomalies to the configured alert destinations and record the run in the ledger',
    )
    .action(run(() => import('./anomalies.js')));

  registerLedgerCommands(program, run);

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof GreenlightError) {
      process.stderr.write(`greenlight: ${err.message}\n`);
      return err.exitCode;
    }
    const input = fileSystemInputError(err);
    if (input) {
      process.stderr.write(`greenlight: ${input}\n`);
      return 2;
    }
    // Anything else is a bug: bin/greenlight.cjs reports it as an internal error (exit 70).
    throw err;
  }
}

/**
 * A file-system error on a path the user named (a file given as a folder, a folder without
 * permission, a read-only disk) is bad input, exit 2, said with the path — not a bug. Commands
 * check their inputs up front; this is the net for the paths they did not foresee.
 */
const INPUT_ERRNO = new Set([
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  'EACCES',
  'EPERM',
  'EROFS',
  'ELOOP',
  'ENAMETOOLONG',
]);

function fileSystemInputError(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException | null;
  if (!e || typeof e.code !== 'string' || !INPUT_ERRNO.has(e.code) || typeof e.path !== 'string') return null;
  const what: Record<string, string> = {
    ENOENT: 'no such file or folder',
    ENOTDIR: 'a part of the path is not a folder',
    EISDIR: 'is a folder, not a file',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ELOOP: 'too many symbolic links',
    ENAMETOOLONG: 'name too long',
  };
  return `${e.path}: ${what[e.code]} (${e.syscall ?? 'access'})`;
}
