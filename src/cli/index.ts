import { Command, CommanderError, Option } from 'commander';
import { GreenlightError } from '../errors.js';
import { toolVersion } from '../version.js';

/**
 * The CLI door. Each command lives in its own file and is imported only when it runs, so
 * `greenlight --version` stays close to a bare `node` start.
 */
export async function main(argv: string[]): Promise<number> {
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
    .option('-q, --quiet', 'no progress output')
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
    throw err;
  }
}
