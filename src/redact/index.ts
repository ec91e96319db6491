import type { LinearPattern } from '../linear-regex.js';
import { detect, isTokenChar, mayHoldSecret, NOT_A_VALUE, type Span } from './detectors.js';
import { findKnown, knownSecrets } from './known.js';

/**
 * The one redaction path. Every statement the ledger signs, every blob it stores, everything the
 * `--fail-open` spool writes, every log line and everything the CLI prints passes through here.
 *
 * Detectors match values, not key names: only the secret's own characters are replaced, by
 * `[REDACTED:<rule>]`. The rules: GitHub, GitLab, AWS (key ids and the 40-character secret key),
 * Slack (tokens and webhook URLs), Stripe, Google API keys, npm tokens, JWTs, private keys (PEM
 * and OpenSSH), URL userinfo, Authorization / Bearer / Basic / `token` header values, generic
 * `password|secret|token|api_key… = value` assignments, and the credential values this process
 * holds (its environment: GITHUB_TOKEN, the ledger key, the database password…). Blobs also go
 * through the secretlint recommended rules and the `ledger.redact` patterns of the config.
 */

export { registerSecret, resetKnownSecrets, secretsOfEnv } from './known.js';
export { mayHoldSecret } from './detectors.js';

/** What redaction did to a blob (recorded in the statement that references it; never the secret). */
export interface Redaction {
  /** False for binary content, which cannot be scanned as text. */
  scanned: boolean;
  count: number;
  rules: { id: string; count: number }[];
}

export interface TextRedaction {
  text: string;
  count: number;
  rules: { id: string; count: number }[];
}

const masked = (rule: string): string => `[REDACTED:${rule}]`;

function knownIn(text: string): boolean {
  for (const v of knownSecrets()) if (text.includes(v)) return true;
  return false;
}

/** All spans of secrets in `text`, from our detectors and the known values. */
function scan(text: string): Span[] {
  const spans = mayHoldSecret(text) ? detect(text) : [];
  if (knownSecrets().length > 0) findKnown(text, spans);
  return spans;
}

/** Merges overlapping spans and replaces each by its mask; the first rule (by position) names a merged span. */
function apply(text: string, found: Span[]): TextRedaction {
  if (found.length === 0) return { text, count: 0, rules: [] };
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const spans: Span[] = [];
  for (const f of found) {
    const last = spans[spans.length - 1];
    if (last && f.start < last.end) last.end = Math.max(last.end, f.end);
    else spans.push({ ...f });
  }
  let out = '';
  let pos = 0;
  const counts = new Map<string, number>();
  for (const s of spans) {
    out += text.slice(pos, s.start) + masked(s.rule);
    pos = s.end;
    counts.set(s.rule, (counts.get(s.rule) ?? 0) + 1);
  }
  out += text.slice(pos);
  return {
    text: out,
    count: spans.length,
    rules: [...counts].sort((a, b) => a[0].localeCompare(b[0])).map(([id, count]) => ({ id, count })),
  };
}

/** `text` with every secret masked, and how many of which rule. */
export function redactTextDetailed(text: string): TextRedaction {
  return apply(text, scan(text));
}

/** `text` with every secret masked (the same string when there is none). */
export function redactText(text: string): string {
  const spans = scan(text);
  return spans.length === 0 ? text : apply(text, spans).text;
}

/** Object keys whose string value is a secret as a whole (`{"password": "…"}`, Gitleaks `Secret`). */
const SECRET_KEY =
  /(?:passw(?:or)?d|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key)$/i;

function walk(value: unknown, key: string | null): unknown {
  if (typeof value === 'string') {
    if (
      key !== null &&
      value !== '' &&
      SECRET_KEY.test(key) &&
      !NOT_A_VALUE.test(value) &&
      !value.startsWith('[REDACTED')
    )
      return masked('generic-secret');
    return redactText(value);
  }
  if (Array.isArray(value)) return value.map((v) => walk(v, null));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redactText(k)] = walk(v, k);
    return out;
  }
  return value;
}

/**
 * A copy of a JSON value with every string (object keys too) redacted; the value itself when it
 * holds no secret. One pass over its JSON text decides whether any per-field work is needed.
 */
export function redactJson<T>(value: T, json: string = JSON.stringify(value) ?? ''): T {
  return holdsSecret(json) ? (walk(value, null) as T) : value;
}

/** Whether `text` holds anything redaction would mask (one prefilter pass, then the detectors). */
export function holdsSecret(text: string): boolean {
  return (mayHoldSecret(text) && detect(text).length > 0) || knownIn(text);
}

interface StatementLike {
  subject: { name?: string | undefined }[];
  predicate: Record<string, unknown>;
}

/**
 * A statement with every secret masked: the subjects' names and every string of the predicate,
 * keys included; never a digest. The statement itself when it holds none.
 */
export function redactStatement<S extends StatementLike>(statement: S): S {
  const names = redactJson(statement.subject.map((s) => s.name ?? null));
  const predicate = redactJson(statement.predicate);
  const same = names.every((n, i) => n === (statement.subject[i]!.name ?? null));
  if (predicate === statement.predicate && same) return statement;
  return {
    ...statement,
    subject: statement.subject.map((s, i) => (names[i] === null ? s : { ...s, name: names[i] })),
    predicate,
  };
}

function isText(content: Buffer): boolean {
  if (content.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(content);
    return true;
  } catch {
    return false;
  }
}

/** The end of the secret-looking token that starts before `end` (a match range is not trusted to cover it). */
function tokenEnd(text: string, end: number): number {
  while (end < text.length && isTokenChar(text[end])) end++;
  return end;
}

/**
 * Redacts a blob (text only: binary content comes back unchanged, `scanned: false`): our
 * detectors, the known values, the secretlint recommended rules and `patterns` (config
 * `ledger.redact`). A secretlint match is extended to the end of its token, and dropped where our
 * detectors already cover it (its range may start at the key name).
 */
export async function redactBlob(
  content: Buffer,
  name: string,
  patterns: readonly LinearPattern[] = [],
): Promise<{ bytes: Buffer; redaction: Redaction }> {
  const before = done.get(content);
  if (before && patterns.length === 0) return { bytes: content, redaction: before };
  if (!isText(content)) return { bytes: content, redaction: { scanned: false, count: 0, rules: [] } };
  const text = content.toString('utf8');
  const found: Span[] = [];
  patterns.forEach((p, i) => {
    for (const m of p.all(text)) found.push({ ...m, rule: `config:ledger.redact[${i}]` });
  });
  if (before) {
    // Already through the rules below (a writer above redacted it): only the patterns are new.
    const r = apply(text, found);
    if (r.count === 0) return { bytes: content, redaction: before };
    return remember(Buffer.from(r.text, 'utf8'), merge(before, r));
  }
  const ours = scan(text);
  found.push(...ours);
  // Loaded on first use: commands that never store a blob do not pay for secretlint.
  const { loadSecretlint, PRESET_ID } = await import('../secretlint.js');
  const { lint, preset } = await loadSecretlint();
  const result = await lint({
    source: { content: text, filePath: name, contentType: 'text' },
    options: {
      config: { rules: [{ id: PRESET_ID, rule: preset as never }] },
      maskSecrets: true,
      noPhysicFilePath: true,
    },
  });
  for (const m of result.messages) {
    const [start, end] = m.range;
    if (ours.some((o) => o.start < end && start < o.end)) continue;
    found.push({ start, end: tokenEnd(text, end), rule: m.ruleId });
  }
  const r = apply(text, found);
  if (r.count === 0) return remember(content, { scanned: true, count: 0, rules: [] });
  return remember(Buffer.from(r.text, 'utf8'), { scanned: true, count: r.count, rules: r.rules });
}

/**
 * Blobs this process already redacted, with what was done: redacting them again (the ledger below
 * the spool's writer and `recordIdempotent`) costs nothing and keeps the first record.
 */
const done = new WeakMap<Buffer, Redaction>();

function remember(bytes: Buffer, redaction: Redaction): { bytes: Buffer; redaction: Redaction } {
  done.set(bytes, redaction);
  return { bytes, redaction };
}

function merge(a: Redaction, b: TextRedaction): Redaction {
  const counts = new Map(a.rules.map((r) => [r.id, r.count]));
  for (const r of b.rules) counts.set(r.id, (counts.get(r.id) ?? 0) + r.count);
  return {
    scanned: true,
    count: a.count + b.count,
    rules: [...counts].sort((x, y) => x[0].localeCompare(y[0])).map(([id, count]) => ({ id, count })),
  };
}

const INSTALLED = Symbol.for('greenlight.redact.output');

/**
 * Masks secrets in everything written to `streams` (default: stdout and stderr) from now on.
 * Installed once when the CLI starts, so no message, report or error reaches a terminal or a CI
 * log with a secret in it.
 */
export function installOutputRedaction(
  streams: NodeJS.WriteStream[] = [process.stdout, process.stderr],
): void {
  for (const stream of streams) {
    const s = stream;
    // Marked on the function: whoever replaces `write` later (a test capturing output) gets it wrapped again.
    if ((s.write as { [INSTALLED]?: true })[INSTALLED]) continue;
    const write = s.write.bind(s) as (...args: unknown[]) => boolean;
    const redacting = ((chunk: unknown, ...rest: unknown[]) => {
      const encoding = typeof rest[0] === 'string' ? rest[0] : undefined;
      if (typeof chunk === 'string' && (!encoding || /^utf-?8$/i.test(encoding))) chunk = redactText(chunk);
      else if (chunk instanceof Uint8Array) {
        const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        if (isText(buf)) {
          const text = buf.toString('utf8');
          const out = redactText(text);
          if (out !== text) chunk = Buffer.from(out, 'utf8');
        }
      }
      return write(chunk, ...rest);
    }) as typeof s.write & { [INSTALLED]?: true };
    redacting[INSTALLED] = true;
    s.write = redacting;
  }
}
