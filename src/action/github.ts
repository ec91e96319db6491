/*
 * The GitHub Action's entry point (action.yml runs its bundle, action/github.cjs, with node):
 * the inputs arrive as INPUT_* variables, the step's exit code is greenlight's.
 */
import { runAction } from './run.js';

void runAction(process.env).then((code) => {
  process.exitCode = code;
});
