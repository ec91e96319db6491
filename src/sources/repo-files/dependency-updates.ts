import { LineCounter, parseDocument } from 'yaml';
import type { RepoFiles } from '../../facts/index.js';

export type DependencyUpdate = RepoFiles['dependencyUpdates'][number];
export type ParseError = NonNullable<RepoFiles['parseErrors']>[number];

export const DEPENDABOT_FILES = ['.github/dependabot.yml', '.github/dependabot.yaml'];
const RENOVATE_JSON = [
  'renovate.json',
  '.github/renovate.json',
  '.gitlab/renovate.json',
  '.renovaterc',
  '.renovaterc.json',
];
const RENOVATE_JSON5 = [
  'renovate.json5',
  '.github/renovate.json5',
  '.gitlab/renovate.json5',
  '.renovaterc.json5',
];
export const RENOVATE_FILES = [...RENOVATE_JSON, ...RENOVATE_JSON5];

type Result = { update: DependencyUpdate } | { error: ParseError };

/** Ecosystems from `updates[].package-ecosystem` of a Dependabot configuration. */
export function parseDependabot(path: string, text: string): Result {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const pos = lineCounter.linePos(err.pos[0]);
    return {
      error: { path, line: pos.line, column: pos.col, message: `not valid YAML: ${firstLine(err.message)}` },
    };
  }
  const data = doc.toJS() as unknown;
  const updates = isRecord(data) && Array.isArray(data.updates) ? data.updates : [];
  const ecosystems = updates
    .map((u) => (isRecord(u) ? u['package-ecosystem'] : undefined))
    .filter((e): e is string => typeof e === 'string');
  return { update: { tool: 'dependabot', path, ecosystems: [...new Set(ecosystems)] } };
}

/**
 * A Renovate configuration. Renovate detects every package manager it supports unless
 * `enabledManagers` narrows them, recorded here as `*`; `enabled: false` leaves none.
 */
export function parseRenovate(path: string, text: string): Result {
  const json5 = RENOVATE_JSON5.includes(path);
  let data: unknown;
  try {
    data = JSON.parse(json5 ? relaxJson5(text) : text);
  } catch (e) {
    // Without a JSON5 parser, a .json5 file we cannot relax is still taken as configured.
    if (json5) return { update: { tool: 'renovate', path, ecosystems: ['*'] } };
    return {
      error: {
        path,
        ...jsonPosition(text, e as Error),
        message: `not valid JSON: ${jsonReason(e as Error)}`,
      },
    };
  }
  return { update: { tool: 'renovate', path, ecosystems: renovateEcosystems(data) } };
}

/** `package.json#renovate`, when the key is present. */
export function renovateInPackageJson(text: string): DependencyUpdate | null {
  try {
    const data = JSON.parse(text) as unknown;
    if (isRecord(data) && isRecord(data.renovate))
      return { tool: 'renovate', path: 'package.json', ecosystems: renovateEcosystems(data.renovate) };
  } catch {
    // A broken package.json is not a Renovate configuration.
  }
  return null;
}

// Renovate manager names mapped onto Dependabot ecosystem names, so checks compare like with like.
const MANAGER_ECOSYSTEM: Record<string, string> = {
  npm: 'npm',
  pip_requirements: 'pip',
  pip_setup: 'pip',
  pipenv: 'pip',
  poetry: 'pip',
  pep621: 'pip',
  gomod: 'gomod',
  cargo: 'cargo',
  maven: 'maven',
  gradle: 'gradle',
  bundler: 'bundler',
  composer: 'composer',
  nuget: 'nuget',
  dockerfile: 'docker',
  'docker-compose': 'docker',
  'github-actions': 'github-actions',
  terraform: 'terraform',
  pub: 'pub',
  mix: 'mix',
  swift: 'swift',
};

function renovateEcosystems(config: unknown): string[] {
  if (!isRecord(config)) return ['*'];
  if (config.enabled === false) return [];
  const managers = config.enabledManagers;
  if (!Array.isArray(managers)) return ['*'];
  const names = managers.filter((m): m is string => typeof m === 'string');
  return [...new Set(names.map((m) => MANAGER_ECOSYSTEM[m] ?? m))];
}

/** Enough of JSON5 for Renovate files: comments, trailing commas, unquoted keys, single quotes. */
function relaxJson5(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let body = '';
      while (j < text.length && text[j] !== ch) {
        if (text[j] === '\\') {
          body += text.slice(j, j + 2);
          j += 2;
        } else body += text[j++];
      }
      out += ch === '"' ? `"${body}"` : `"${body.replace(/\\'/g, "'").replace(/"/g, '\\"')}"`;
      i = j + 1;
    } else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += ch;
      i++;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1').replace(/([{,]\s*)([A-Za-z_$][\w$]*)(\s*:)/g, '$1"$2"$3');
}

/** Node's message, without the copy of the input it sometimes quotes. */
function jsonReason(e: Error): string {
  return e.message.replace(/,\s*"[\s\S]*" is not valid JSON$/, '').replace(/ in JSON at position \d+.*$/, '');
}

/** Where JSON.parse stopped: from its message, else from a YAML parse of the same text. */
function jsonPosition(text: string, e: Error): { line?: number; column?: number } {
  const m = /position (\d+)/.exec(e.message);
  if (m) {
    const lines = text.slice(0, Number(m[1])).split('\n');
    return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
  }
  const lineCounter = new LineCounter();
  const err = parseDocument(text, { lineCounter, prettyErrors: false }).errors[0];
  if (!err) return {};
  const pos = lineCounter.linePos(err.pos[0]);
  return { line: pos.line, column: pos.col };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
