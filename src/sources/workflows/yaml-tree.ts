import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  parseDocument,
  Scalar,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import type { Location, WorkflowError } from '../../facts/index.js';

/**
 * YAML as a small tree that remembers where every node came from. Aliases and `<<` merge keys are
 * expanded, so parsers and the GitLab merge logic work on plain data without losing locations.
 */
export type YNode = YMap | YSeq | YScalar;

export interface YScalar {
  kind: 'scalar';
  value: string | number | boolean | null;
  /** The value as text: the source of a plain scalar (`3.10` stays `3.10`), `''` for null. */
  text: string;
  loc: Location;
  /** Where the scalar's content starts: after a quote, or the first line of a block scalar. */
  content: Location;
  tag?: string;
}

export interface YSeq {
  kind: 'seq';
  items: YNode[];
  loc: Location;
  tag?: string;
}

export interface YEntry {
  key: string;
  keyLoc: Location;
  value: YNode;
}

export interface YMap {
  kind: 'map';
  entries: Map<string, YEntry>;
  loc: Location;
  tag?: string;
}

export interface ParsedYaml {
  /** One root per YAML document (GitLab allows a `spec:` header document before the content). */
  roots: YNode[];
  errors: WorkflowError[];
}

// Aliases can expand exponentially ("billion laughs"); stop long before memory does.
const MAX_NODES = 200_000;

/** Parses text into located trees; never throws. */
export function parseYaml(text: string, path: string, opts: { multiDocument?: boolean } = {}): ParsedYaml {
  const lineCounter = new LineCounter();
  const docs: Document[] = opts.multiDocument
    ? parseAllDocuments(text, { lineCounter, merge: true, prettyErrors: true })
    : [parseDocument(text, { lineCounter, merge: true, prettyErrors: true })];
  const errors: WorkflowError[] = [];
  for (const doc of docs) {
    for (const e of doc.errors) {
      const pos = e.linePos?.[0];
      errors.push({
        path,
        ...(pos ? { line: pos.line, column: pos.col } : {}),
        message: `invalid YAML: ${firstLine(e.message)}`,
      });
    }
  }
  if (errors.length) return { roots: [], errors };
  const builder = new Builder(text, path, lineCounter);
  const roots: YNode[] = [];
  for (const doc of docs) {
    try {
      if (doc.contents) roots.push(builder.node(doc.contents as YamlNode, doc, 0));
    } catch (e) {
      if (!(e instanceof TreeError)) throw e;
      errors.push({ path, ...e.at, message: e.message });
      return { roots: [], errors };
    }
  }
  return { roots, errors };
}

function firstLine(message: string): string {
  // yaml's pretty messages end with " at line L, column C:" and a source excerpt.
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

class TreeError extends Error {
  constructor(
    message: string,
    readonly at: { line?: number; column?: number },
  ) {
    super(message);
  }
}

class Builder {
  private count = 0;
  private outerAlias: YamlNode | undefined;
  private readonly resolved = new Map<YamlNode, YamlNode>();
  constructor(
    private readonly text: string,
    private readonly path: string,
    private readonly lc: LineCounter,
  ) {}

  loc(offset: number): Location {
    const { line, col } = this.lc.linePos(offset);
    return { path: this.path, line, column: col };
  }

  node(n: YamlNode, doc: Document, depth: number): YNode {
    if (++this.count > MAX_NODES || depth > 200) {
      // Point at the alias whose expansion blew up, not somewhere inside the anchored node.
      throw new TreeError(
        'YAML is too large or too deeply nested once aliases are expanded',
        this.at(this.outerAlias ?? n),
      );
    }
    if (isAlias(n)) {
      // Alias.resolve walks the whole document; remember each alias's target.
      let target = this.resolved.get(n);
      if (!target) {
        target = n.resolve(doc) as YamlNode | undefined;
        if (target) this.resolved.set(n, target);
      }
      if (!target) throw new TreeError(`unknown alias *${n.source}`, this.at(n));
      if (this.outerAlias) return this.node(target as YamlNode, doc, depth + 1);
      this.outerAlias = n;
      try {
        return this.node(target as YamlNode, doc, depth + 1);
      } finally {
        this.outerAlias = undefined;
      }
    }
    const tag = n.tag && !n.tag.startsWith('tag:yaml.org,2002:') ? { tag: n.tag } : {};
    const loc = this.loc(n.range?.[0] ?? 0);
    if (isMap(n)) {
      const entries = new Map<string, YEntry>();
      const merged: YMap[] = [];
      for (const pair of n.items) {
        const keyNode = pair.key as YamlNode | null;
        if (isMergeKey(keyNode)) {
          merged.push(...this.mergeSources(pair.value as YamlNode, doc, depth));
          continue;
        }
        const key = this.keyText(keyNode, doc);
        const keyLoc = keyNode?.range ? this.loc(keyNode.range[0]) : loc;
        const value = pair.value
          ? this.node(pair.value as YamlNode, doc, depth + 1)
          : emptyScalar(pair.key && (pair.key as YamlNode).range ? keyLoc : loc);
        entries.set(key, { key, keyLoc, value });
      }
      // Explicit keys win over merged ones; earlier merge sources win over later ones.
      for (const src of merged) {
        for (const [k, e] of src.entries) if (!entries.has(k)) entries.set(k, e);
      }
      return { kind: 'map', entries, loc, ...tag };
    }
    if (isSeq(n)) {
      return {
        kind: 'seq',
        items: n.items.map((i) => this.node(i as YamlNode, doc, depth + 1)),
        loc,
        ...tag,
      };
    }
    if (isScalar(n)) return this.scalar(n, loc, tag);
    throw new TreeError('unsupported YAML node', this.at(n));
  }

  private mergeSources(value: YamlNode, doc: Document, depth: number): YMap[] {
    const sources = isSeq(value) ? (value.items as YamlNode[]) : [value];
    return sources.map((s) => {
      const m = this.node(s, doc, depth + 1);
      if (m.kind !== 'map') throw new TreeError('a `<<` merge key must refer to a mapping', this.at(s));
      return m;
    });
  }

  private keyText(key: YamlNode | null, doc: Document): string {
    if (key === null) return '';
    if (isScalar(key)) return key.value === null ? '' : String(key.value);
    if (isAlias(key)) {
      const t = key.resolve(doc);
      return isScalar(t) ? String(t.value) : String(t);
    }
    return String(key);
  }

  private scalar(n: Scalar, loc: Location, tag: { tag?: string }): YScalar {
    const raw = n.value;
    const value =
      raw === null || typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean'
        ? raw
        : typeof raw === 'bigint'
          ? Number(raw)
          : String(raw);
    const text =
      value === null
        ? ''
        : n.type === Scalar.PLAIN && typeof n.source === 'string'
          ? n.source
          : String(value);
    return { kind: 'scalar', value, text, loc, content: this.contentStart(n, loc), ...tag };
  }

  /** Where a scalar's text starts, so a finding inside a script can point at its exact line. */
  private contentStart(n: Scalar, loc: Location): Location {
    const start = n.range?.[0] ?? 0;
    if (n.type === Scalar.QUOTE_DOUBLE || n.type === Scalar.QUOTE_SINGLE) return this.loc(start + 1);
    if (n.type !== Scalar.BLOCK_LITERAL && n.type !== Scalar.BLOCK_FOLDED) return loc;
    // Block scalar: content begins on the line after the `|`/`>` header, at its indentation.
    const nl = this.text.indexOf('\n', start);
    if (nl < 0) return loc;
    const first = this.lc.linePos(nl + 1);
    let i = nl + 1;
    // The block's indentation is the indentation of its first non-empty line.
    for (;;) {
      let j = i;
      while (this.text[j] === ' ') j++;
      if (this.text[j] === '\n' || (this.text[j] === '\r' && this.text[j + 1] === '\n')) {
        i = this.text.indexOf('\n', j) + 1;
        continue;
      }
      return { path: this.path, line: first.line, column: j - i + 1 };
    }
  }

  private at(n: YamlNode): { line?: number; column?: number } {
    const l = this.loc(n.range?.[0] ?? 0);
    return { ...(l.line ? { line: l.line } : {}), ...(l.column ? { column: l.column } : {}) };
  }
}

/** A `<<` merge key (yaml marks it with a symbol when `merge` is on). */
function isMergeKey(key: YamlNode | null): boolean {
  return (
    isScalar(key) && (typeof key.value === 'symbol' || (key.type === Scalar.PLAIN && key.value === '<<'))
  );
}

function emptyScalar(loc: Location): YScalar {
  return { kind: 'scalar', value: null, text: '', loc, content: loc };
}

// ---------------------------------------------------------------- small readers

export const isMapNode = (n: YNode | undefined): n is YMap => n?.kind === 'map';
export const isSeqNode = (n: YNode | undefined): n is YSeq => n?.kind === 'seq';
export const isScalarNode = (n: YNode | undefined): n is YScalar => n?.kind === 'scalar';

export function get(map: YMap | undefined, key: string): YNode | undefined {
  return map?.entries.get(key)?.value;
}

export function entry(map: YMap | undefined, key: string): YEntry | undefined {
  return map?.entries.get(key);
}

/** A scalar's text, or undefined for anything else (null counts as absent). */
export function str(n: YNode | undefined): string | undefined {
  return n?.kind === 'scalar' && n.value !== null ? n.text : undefined;
}

/** A string or a list of strings, as a list. */
export function strList(n: YNode | undefined): string[] {
  if (n?.kind === 'scalar') return n.value === null ? [] : [n.text];
  if (n?.kind === 'seq')
    return n.items.flatMap((i) => (i.kind === 'scalar' && i.value !== null ? [i.text] : []));
  return [];
}

/** A map of scalars as strings (nested values are rendered as compact JSON). */
export function strMap(n: YNode | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (n?.kind !== 'map') return out;
  for (const [k, e] of n.entries)
    out[k] = e.value.kind === 'scalar' ? e.value.text : JSON.stringify(toPlain(e.value));
  return out;
}

export function toPlain(n: YNode): unknown {
  if (n.kind === 'scalar') return n.value;
  if (n.kind === 'seq') return n.items.map(toPlain);
  return Object.fromEntries([...n.entries].map(([k, e]) => [k, toPlain(e.value)]));
}

/** Every scalar text below a node, for scans such as secret references. */
export function* scalars(n: YNode): Generator<YScalar> {
  if (n.kind === 'scalar') yield n;
  else if (n.kind === 'seq') for (const i of n.items) yield* scalars(i);
  else for (const e of n.entries.values()) yield* scalars(e.value);
}

export function describe(n: YNode | undefined): string {
  if (!n) return 'nothing';
  if (n.kind === 'map') return 'a mapping';
  if (n.kind === 'seq') return 'a list';
  return n.value === null ? 'empty' : typeof n.value === 'string' ? `"${n.text}"` : `${n.text}`;
}
