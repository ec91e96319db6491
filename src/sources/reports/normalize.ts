import * as crypto from 'node:crypto';
import type { FindingSeverity, ScanFinding, ScanType } from '../../facts/scans.js';

/** CVSS-style score (0–10) to severity, as GitHub reads SARIF `security-severity`. */
export function severityFromScore(score: number): FindingSeverity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

/**
 * A tool's own severity word to ours. Unknown or missing severities count as `medium`: a
 * vulnerability nobody rated is not harmless, and `info` would hide it from SLAs and the gate.
 */
export function severityFromWord(word: string | null | undefined): FindingSeverity {
  switch ((word ?? '').trim().toLowerCase()) {
    case 'critical':
    case 'blocker':
      return 'critical';
    case 'high':
    case 'error':
    case 'major':
      return 'high';
    case 'medium':
    case 'moderate':
    case 'warning':
      return 'medium';
    case 'low':
    case 'minor':
    case 'negligible':
    case 'note':
      return 'low';
    case 'info':
    case 'informational':
    case 'none':
      return 'info';
    default:
      return 'medium';
  }
}

/** sha256 (hex) of the parts, NUL-separated so that no two part lists collide. */
export function fingerprintOf(...parts: (string | number | undefined)[]): string {
  let text = '';
  for (const part of parts) text += (part === undefined ? '\u0001' : String(part)) + '\u0000';
  return sha256(text);
}

// `crypto.hash` (Node ≥ 20.12) is twice as fast as createHash for many small inputs.
const sha256: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** A report path made repository-relative with forward slashes (`file:///repo/src/a.js` → `src/a.js`). */
export function normalizePath(raw: string, root?: string): string {
  // Most report paths are already relative and clean: nothing to decode, strip or make relative.
  if (
    raw.indexOf(':') === -1 &&
    raw.indexOf('%') === -1 &&
    raw.indexOf('\\') === -1 &&
    !raw.startsWith('./') &&
    !(root && raw.startsWith('/'))
  ) {
    return raw;
  }
  let path = raw;
  if (/^file:/i.test(path)) {
    try {
      path = decodeURIComponent(new URL(path).pathname);
    } catch {
      path = path.replace(/^file:\/*/i, '/');
    }
    if (/^\/[A-Za-z]:\//.test(path)) path = path.slice(1); // file:///C:/x
  } else if (/%[0-9A-Fa-f]{2}/.test(path)) {
    try {
      path = decodeURIComponent(path);
    } catch {
      // keep it as written
    }
  }
  path = path.replace(/\\/g, '/');
  if (root) {
    const base = root.replace(/\\/g, '/').replace(/\/+$/, '') + '/';
    if (path.startsWith(base)) path = path.slice(base.length);
  }
  while (path.startsWith('./')) path = path.slice(2);
  return path;
}

const TOKEN = /[A-Za-z0-9+/_=.~-]{16,}/g;

/**
 * Masks anything that looks like a credential in free text: long runs of token characters that
 * mix letters and digits. Used on every message from a secret scanner, which may quote the secret
 * (secretlint with `--no-maskSecrets`, for example).
 */
export function maskSecrets(text: string): string {
  return text.replace(TOKEN, (run) => (/[0-9]/.test(run) && /[A-Za-z]/.test(run) ? '[REDACTED]' : run));
}

/** First non-blank line, trimmed and truncated. */
export function oneLine(text: string | undefined | null, max = 300): string {
  if (!text) return '';
  let line = '';
  for (let start = 0; ;) {
    const end = text.indexOf('\n', start);
    line = (end === -1 ? text.slice(start) : text.slice(start, end)).trim();
    if (line || end === -1) break;
    start = end + 1;
  }
  return line.length > max ? line.slice(0, max - 1) + '…' : line;
}

const ID = /\b(?:CVE-\d{4}-\d{4,}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}|CWE-\d+)\b/gi;

/** CVE/GHSA/CWE identifiers found in the given strings, deduplicated, upper-cased (GHSA keeps its case). */
export function extractIds(...texts: (string | undefined | null)[]): string[] {
  const out = new Set<string>();
  for (const text of texts) {
    if (!text || !/CVE-|GHSA-|CWE-/i.test(text)) continue;
    for (const m of text.matchAll(ID)) {
      const id = m[0];
      out.add(/^ghsa/i.test(id) ? 'GHSA' + id.slice(4).toLowerCase() : id.toUpperCase());
    }
  }
  return [...out];
}

/** CWE tags (`external/cwe/cwe-079` as CodeQL writes them, `CWE-79: …` as Semgrep does) to `CWE-79`. */
export function cweFromTags(tags: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const tag of tags ?? []) {
    const m = /(?:^|\/)cwe[-/](\d+)$/i.exec(tag) ?? /^cwe-(\d+)\b/i.exec(tag);
    if (m) out.push(`CWE-${Number(m[1])}`);
  }
  return out;
}

/** Drops undefined optional fields (exactOptionalPropertyTypes) and fills `cve` from `ids`. */
export function makeFinding(f: {
  tool: string;
  scanType: ScanType;
  ruleId: string;
  title: string;
  severity: FindingSeverity;
  fingerprint: string;
  path?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  resource?: string | undefined;
  ids?: string[] | undefined;
  fixedVersion?: string | undefined;
  suppressed?: boolean | undefined;
}): ScanFinding {
  const finding: ScanFinding = {
    tool: f.tool,
    scanType: f.scanType,
    ruleId: f.ruleId,
    title: f.title || f.ruleId,
    severity: f.severity,
    fingerprint: f.fingerprint,
  };
  if (f.path) {
    finding.location = { path: f.path };
    if (f.line !== undefined && f.line > 0) finding.location.line = f.line;
    if (f.column !== undefined && f.column > 0) finding.location.column = f.column;
  }
  if (f.resource) finding.resource = f.resource;
  let ids = f.ids ?? [];
  // Copy only when needed: readers pass shared (frozen) arrays for ids that repeat.
  if (ids.some((id, i) => !id || ids.indexOf(id) !== i)) ids = [...new Set(ids.filter(Boolean))];
  if (ids.length) {
    finding.ids = ids;
    const cve = ids.find((id) => id.startsWith('CVE-') || id.startsWith('cve-'));
    if (cve) finding.cve = cve;
  }
  if (f.fixedVersion) finding.fixedVersion = f.fixedVersion;
  if (f.suppressed) finding.suppressed = true;
  return finding;
}
