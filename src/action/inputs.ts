import { UsageError } from '../errors.js';

/**
 * The GitHub Action's inputs, read as GitHub hands them to an action: `INPUT_<NAME>` environment
 * variables (name upper-cased, spaces turned into `_`), trimmed, an empty value meaning unset.
 */
export interface ActionInputs {
  command: string;
  environment: string;
  files: string;
  args: string;
}

export type Env = Record<string, string | undefined>;

/** The environment variable GitHub sets for an input (`record scan` → `INPUT_RECORD_SCAN`). */
export const inputVar = (name: string): string => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

export function readInputs(env: Env): ActionInputs {
  const get = (name: string, fallback = ''): string => env[inputVar(name)]?.trim() || fallback;
  return {
    command: get('command', 'gate'),
    environment: get('environment'),
    files: get('files'),
    args: get('args'),
  };
}

/**
 * Splits an input into words the way a shell would for plain and quoted words, and nothing more:
 * single and double quotes group, a backslash escapes the next character outside single quotes,
 * and no variable, glob or command is ever expanded. `--reason "db failover"` stays two words.
 */
export function splitWords(text: string, input: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && (text[i + 1] === '"' || text[i + 1] === '\\'))
        word += text[++i]!;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i]!;
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw new UsageError(`input '${input}': unterminated ${quote} quote`);
  if (word !== null) words.push(word);
  return words;
}

export const COMMANDS = ['gate', 'record-deployment', 'record-scan', 'record-tests', 'changes'] as const;

/** The greenlight command line (without `node greenlight`) an action run stands for. */
export function actionArgv(inputs: ActionInputs): string[] {
  const extra = splitWords(inputs.args, 'args');
  const files = splitWords(inputs.files, 'files');
  const env = inputs.environment ? ['--env', inputs.environment] : [];
  const needFiles = (cmd: string): void => {
    if (files.length === 0) throw new UsageError(`input 'files': ${cmd} needs at least one report file`);
  };
  switch (inputs.command) {
    case 'gate':
      return ['gate', ...env, ...extra];
    case 'record-deployment':
      return ['record', 'deployment', ...env, ...extra];
    case 'record-scan':
      needFiles(inputs.command);
      return ['record', 'scan', ...files, ...extra];
    case 'record-tests':
      needFiles(inputs.command);
      return ['record', 'tests', ...files, ...extra];
    case 'changes':
      return ['changes', ...extra];
    default:
      throw new UsageError(
        `input 'command': unknown command '${inputs.command}'; one of ${COMMANDS.join(', ')}`,
      );
  }
}
