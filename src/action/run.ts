import { appendFileSync } from 'node:fs';
import { main } from '../cli/index.js';
import { GreenlightError } from '../errors.js';
import { actionArgv, readInputs, type Env } from './inputs.js';

/** What an exit code means, for the `outcome` output and the job summary. */
export function outcomeOf(code: number): 'pass' | 'fail' | 'error' {
  return code === 0 ? 'pass' : code === 1 ? 'fail' : 'error';
}

const MEANING: Record<number, string> = {
  0: 'done',
  1: 'failed',
  2: 'bad usage, configuration or input',
  3: 'the evidence ledger does not verify',
  4: 'a source or the evidence store could not be reached',
};

/**
 * One run of the GitHub Action: reads the inputs (`INPUT_*`), runs greenlight in
 * `$GITHUB_WORKSPACE`, and reports through the files GitHub provides: the outputs `exit-code`
 * and `outcome` to `$GITHUB_OUTPUT`, and to `$GITHUB_STEP_SUMMARY` the gate's explanation
 * (written by the gate itself) or, for the other commands and for errors, one line saying how
 * the command ended. Returns the exit code for the step.
 */
export async function runAction(env: Env = process.env): Promise<number> {
  let argv: string[] = [];
  let code: number;
  try {
    argv = actionArgv(readInputs(env));
    if (env.GITHUB_WORKSPACE) process.chdir(env.GITHUB_WORKSPACE);
    code = await main(['node', 'greenlight', ...argv]);
  } catch (err) {
    const known = err instanceof GreenlightError;
    process.stderr.write(`greenlight: ${known ? '' : 'internal error: '}${(err as Error).message}\n`);
    code = known ? err.exitCode : 70;
  }
  const outcome = outcomeOf(code);
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `exit-code=${code}\noutcome=${outcome}\n`);
  if (env.GITHUB_STEP_SUMMARY && (argv[0] !== 'gate' || code >= 2)) {
    const what =
      argv.length > 0 ? `greenlight ${argv.slice(0, argv[0] === 'record' ? 2 : 1).join(' ')}` : 'greenlight';
    appendFileSync(
      env.GITHUB_STEP_SUMMARY,
      `**${what}**: ${outcome} (exit ${code}: ${MEANING[code] ?? 'internal error'})\n\n`,
    );
  }
  return code;
}
