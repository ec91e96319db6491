import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { CHECKS } from '../catalog/index.js';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { linearPatternError } from '../linear-regex.js';
import { configSchema, type Config } from './schema.js';
import { windowStartProblem } from './when.js';

export const CONFIG_FILES = ['greenlight.yml', 'greenlight.yaml', '.greenlight.yml', '.greenlight.yaml'];

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file read, or null when defaults were used. */
  file: string | null;
  /** The file's bytes, for the evidence's config digest. */
  text: string;
}

/** Finds and validates the config: `explicit` when given, else the first of CONFIG_FILES in `dir`. */
export function loadConfig(dir: string, explicit?: string): LoadedConfig {
  const file = explicit ? path.resolve(explicit) : findConfig(dir);
  if (!file) return { config: configSchema.parse({}), file: null, text: '' };
  if (!existsSync(file)) throw new ConfigError(`${file}: config file not found`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read config: ${(err as Error).message}`);
  }
  return { config: parseConfig(text, file), file, text };
}

function findConfig(dir: string): string | null {
  for (const name of CONFIG_FILES) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** Parses YAML text into a validated config, or throws a ConfigError naming file, line and key. */
export function parseConfig(text: string, file: string): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = lineCounter.linePos(yamlError.pos[0]);
    const where = `:${pos.line}:${pos.col}`;
    throw new ConfigError(`${file}${where}: invalid YAML: ${firstLine(yamlError.message)}`);
  }
  const data: unknown = yamlToJs(doc, text, file) ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`${file}:1: the config must be a mapping of keys (scope, thresholds, exceptions…)`);
  }
  const result = configSchema.safeParse(data);
  if (result.success) {
    checkRegexes(result.data, file);
    const problems = [...checkIdProblems(result.data), ...windowProblems(result.data)];
    if (problems.length > 0)
      throw new ConfigError(
        problems
          .slice(0, 5)
          .map((p) => `${file}:${lineOf(doc, lineCounter, p.path, p.key)}: ${p.message}`)
          .join('\n'),
      );
    return result.data;
  }
  const messages = result.error.issues
    .slice(0, 5)
    .map((issue) => describeIssue(issue, doc, lineCounter, file));
  throw new ConfigError(messages.join('\n'));
}

function describeIssue(issue: z.core.$ZodIssue, doc: Document, lc: LineCounter, file: string): string {
  const keyPath = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((key) => {
        const line = lineOf(doc, lc, [...keyPath, key], true);
        const known = knownKeys(keyPath);
        const guess = didYouMean(key, known);
        const where = keyPath.length ? ` in ${keyPath.join('.')}` : '';
        const hint = guess
          ? ` (did you mean "${guess}"?)`
          : known.length
            ? ` (expected one of: ${known.join(', ')})`
            : '';
        return `${file}:${line}: unknown key "${key}"${where}${hint}`;
      })
      .join('\n');
  }
  const line = lineOf(doc, lc, keyPath, false);
  const name = keyPath.length ? keyPath.join('.') : '(top level)';
  return `${file}:${line}: ${name}: ${issue.message}`;
}

/** Line of the key (or value) at `keyPath`, falling back to the nearest existing parent. */
function lineOf(doc: Document, lc: LineCounter, keyPath: string[], wantKey: boolean): number {
  for (let n = keyPath.length; n > 0; n--) {
    const parent = doc.getIn(keyPath.slice(0, n - 1), true);
    const last = keyPath[n - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === last);
      const node = pair && (wantKey || !pair.value ? pair.key : pair.value);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range) return lc.linePos(range[0]).line;
    } else if (parent && typeof parent === 'object' && 'items' in parent) {
      const item = (parent as { items: unknown[] }).items[Number(last)];
      const range = (item as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lc.linePos(range[0]).line;
    }
  }
  return 1;
}

/** Keys the schema accepts at a path, for did-you-mean. */
function knownKeys(keyPath: string[]): string[] {
  let schema: unknown = configSchema;
  for (const key of keyPath) {
    schema = unwrap(schema);
    const def = (schema as { def?: { type?: string; element?: unknown; valueType?: unknown } }).def;
    if (def?.type === 'object') schema = (schema as { shape: Record<string, unknown> }).shape[key];
    else if (def?.type === 'array') schema = def.element;
    else if (def?.type === 'record') schema = def.valueType;
    else return [];
  }
  schema = unwrap(schema);
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

function unwrap(schema: unknown): unknown {
  let s = schema as { def?: { type?: string; innerType?: unknown; in?: unknown } } | undefined;
  while (s?.def && ['default', 'optional', 'nullable', 'pipe'].includes(s.def.type ?? '')) {
    s = (s.def.innerType ?? s.def.in) as typeof s;
  }
  return s;
}

export function didYouMean(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Patterns from the config run on a linear-time engine (no ReDoS): one it cannot run is refused here. */
function checkRegexes(config: Config, file: string): void {
  const patterns: [string, string][] = [
    ...Object.entries(config.tickets).map(([k, v]): [string, string] => [`tickets.${k}`, v]),
    ...config.ledger.redact.map((v, i): [string, string] => [`ledger.redact[${i}]`, v]),
  ];
  for (const [key, source] of patterns) {
    const error = linearPatternError(source);
    if (error) throw new ConfigError(`${file}: ${key}: not a valid regular expression: ${error}`);
  }
}

/** Most alias expansions a YAML document may make: far above any real config, far below a bomb. */
export const MAX_YAML_ALIAS_COUNT = 1000;

/**
 * `doc.toJS()` with aliases bounded: a "billion laughs" document (aliases of aliases, expanding to
 * gigabytes) is refused with the file and the line of its first alias, as `fail` makes the error.
 */
export function yamlToJs(
  doc: Document,
  text: string,
  file: string,
  fail: (message: string) => Error = (m) => new ConfigError(m),
): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    let offset = 0;
    visit(doc, {
      Alias(_, node) {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const line = text.slice(0, offset).split('\n').length;
    throw fail(`${file}:${line}: YAML aliases expand too far (${err.message}); write the values out instead`);
  }
}

interface Problem {
  path: string[];
  /** Whether the line is the key's (an unknown key) or its value's. */
  key: boolean;
  message: string;
}

const CHECK_IDS = CHECKS.map((c) => c.id);

/** Check ids named in `checks:`, `severity:`, `disabled:` and `exceptions:` must exist. */
function checkIdProblems(config: Config): Problem[] {
  const known = new Set(CHECK_IDS);
  const unknown = (id: string) => {
    const guess = didYouMean(id, CHECK_IDS);
    return `unknown check id "${id}"${guess ? ` (did you mean "${guess}"?)` : ' (`greenlight controls` lists them)'}`;
  };
  const problems: Problem[] = [];
  for (const section of ['checks', 'severity'] as const)
    for (const id of Object.keys(config[section]))
      if (!known.has(id))
        problems.push({ path: [section, id], key: true, message: `${section}: ${unknown(id)}` });
  config.disabled.forEach((id, i) => {
    if (!known.has(id))
      problems.push({ path: ['disabled', String(i)], key: false, message: `disabled: ${unknown(id)}` });
  });
  config.exceptions.forEach((e, i) => {
    if (!known.has(e.check))
      problems.push({
        path: ['exceptions', String(i), 'check'],
        key: false,
        message: `exceptions.${i}.check: ${unknown(e.check)}`,
      });
  });
  return problems;
}

function windowProblems(config: Config): Problem[] {
  const problem = windowStartProblem(config.window.since);
  return problem
    ? [
        {
          path: ['window', 'since'],
          key: false,
          message: `window.since "${config.window.since}": ${problem}`,
        },
      ]
    : [];
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
