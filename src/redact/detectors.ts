/**
 * The value detectors: each finds the characters of a secret in text (never the key name before
 * it) and names the rule that found it.
 *
 * Every detector runs in linear time whatever the input:
 * - token detectors start only at the start of a run of token characters (a one-character
 *   lookbehind), so a failed attempt never rescans a run another attempt already read;
 * - assignment detectors match a bounded prefix (`password` … `=`) with a regular expression and
 *   read the value in code, then resume the search after the value;
 * - private keys and URL userinfo are read in code from a literal marker (`-----BEGIN`, `://`).
 */

export interface Span {
  start: number;
  end: number;
  rule: string;
}

/** Characters a token may be made of (base64, base64url, hex, dotted JWT parts). */
const TOKEN_CHAR = /[A-Za-z0-9+/=_.~-]/;

export function isTokenChar(c: string | undefined): boolean {
  return c !== undefined && TOKEN_CHAR.test(c);
}

/** Detectors whose match is the secret itself. */
const TOKENS: {
  rule: string;
  re: RegExp;
  /** The secret is group 1 (the end of the match). */ group?: true;
}[] = [
  {
    rule: 'github-token',
    re: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/g,
  },
  {
    rule: 'gitlab-token',
    re: /(?<![A-Za-z0-9_-])(?:(?:glpat|gloas|gldt|glrt|glrtr|glcbt|glptt|glft|glimt|glagent|glsoat|glffct|glwt|gltst)-[A-Za-z0-9_-][A-Za-z0-9_.-]{18,}|GR1348941[A-Za-z0-9_-]{20,})/g,
  },
  {
    rule: 'aws-access-key-id',
    re: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
  },
  {
    rule: 'slack-token',
    re: /(?<![A-Za-z0-9_-])(?:xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})/g,
  },
  {
    rule: 'slack-webhook',
    re: /hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9_/+-]{16,})/g,
    group: true,
  },
  {
    rule: 'stripe-key',
    re: /(?<![A-Za-z0-9_])(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,})/g,
  },
  { rule: 'google-api-key', re: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35,}/g },
  { rule: 'npm-token', re: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36,}/g },
  { rule: 'jwt', re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g },
];

/** `<prefix>` then a value read by `readValue`; group 1, when present, must be set for a match. */
interface Assignment {
  rule: string;
  re: RegExp;
  /** Shortest unquoted value taken (quoted values: 1). */
  min: number;
  /** Only values made of these characters (the whole value must match). */
  shape?: RegExp;
}

const SEP = String.raw`["']?[ \t]{0,8}(?::=|=>|[:=])[ \t]{0,8}`;

const ASSIGNMENTS: Assignment[] = [
  // The 40 characters after aws_secret_access_key= (exactly those: the shape bounds the value).
  {
    rule: 'aws-secret-access-key',
    re: new RegExp(String.raw`aws[_-]?secret[_-]?(?:access[_-]?)?key` + SEP, 'gi'),
    min: 40,
    shape: /^[A-Za-z0-9/+]{40}$/,
  },
  {
    rule: 'authorization-header',
    re: /(?:proxy-)?authorization["']?[ \t]{0,8}[:=][ \t]{0,8}(?:(?:bearer|basic|token|bot|digest|negotiate|apikey)[ \t]{1,8})?/gi,
    min: 4,
  },
  {
    rule: 'bearer-token',
    re: /(?<![A-Za-z0-9])(?:bearer|basic)[ \t]{1,8}(?=[A-Za-z0-9._~+/=-]{8})/gi,
    min: 8,
  },
  { rule: 'token-header', re: /(?<![A-Za-z0-9])token[ \t]{1,8}(?=[A-Za-z0-9._~+/=-]{20})/gi, min: 20 },
  {
    rule: 'generic-secret',
    re: new RegExp(
      String.raw`(?:passw(?:or)?d|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?)[A-Za-z0-9_.-]{0,40}` +
        SEP,
      'gi',
    ),
    min: 4,
  },
];

/** Value characters that end an unquoted value. */
const STOP = new Set([
  ' ',
  '\t',
  '\n',
  '\r',
  '"',
  "'",
  '`',
  ',',
  ';',
  '&',
  '<',
  '>',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  '\\',
]);

/** Obvious non-values: placeholders, references to variables, things already masked. */
export const NOT_A_VALUE =
  /^(?:\$|\{\{|%|<|\*{3}|\[redacted|\[masked|x{3,}$|\.{3}|(?:null|nil|none|true|false|undefined|required|optional|string|empty|redacted|masked|changeme|secret|password|token|yes|no)$|(?:process\.env|os\.environ|os\.getenv|env\.|secrets\.|vars\.))/i;

/** A value starting at `i`: `"…"`, `'…'`, `\"…\"` (JSON-escaped) or a run up to a stop character. */
function readValue(text: string, i: number): { start: number; end: number; quoted: boolean } | null {
  const c = text[i];
  if (c === '"' || c === "'" || c === '`') {
    const close = text.indexOf(c, i + 1);
    const nl = text.indexOf('\n', i + 1);
    if (close === -1 || (nl !== -1 && nl < close) || close - i > 4096) return null;
    return { start: i + 1, end: close, quoted: true };
  }
  if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === "'")) {
    const close = text.indexOf(`\\${text[i + 1]}`, i + 2);
    if (close === -1 || close - i > 4096) return null;
    return { start: i + 2, end: close, quoted: true };
  }
  let end = i;
  while (end < text.length && !STOP.has(text[end]!)) end++;
  return end > i ? { start: i, end, quoted: false } : null;
}

function findTokens(text: string, out: Span[]): void {
  for (const { rule, re, group } of TOKENS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      let end = m.index + m[0].length;
      const start = group ? end - m[1]!.length : m.index;
      while (end > start && text[end - 1] === '.') end--; // a sentence's full stop
      out.push({ start, end, rule });
    }
  }
}

function findAssignments(text: string, out: Span[]): void {
  for (const a of ASSIGNMENTS) {
    a.re.lastIndex = 0;
    for (let m = a.re.exec(text); m; m = a.re.exec(text)) {
      const at = m.index + m[0].length;
      const v = readValue(text, at);
      if (!v) {
        if (m[0].length === 0) a.re.lastIndex++;
        continue;
      }
      // Resume after the value: what follows cannot start inside a value already read.
      a.re.lastIndex = Math.max(v.end, at + 1);
      const start = v.start;
      let end = v.end;
      if (a.shape) {
        end = start;
        while (end < text.length && /[A-Za-z0-9/+]/.test(text[end]!) && end - start <= 40) end++;
        if (!a.shape.test(text.slice(start, end))) continue;
      }
      const value = text.slice(start, end);
      if (value.length < (v.quoted ? 1 : a.min) || NOT_A_VALUE.test(value)) continue;
      // A masked value ([REDACTED:…]) does not start a new one.
      if (text.startsWith('[REDACTED', start)) continue;
      if (!v.quoted) while (end > start && text[end - 1] === '.') end--;
      if (end > start) out.push({ start, end, rule: a.rule });
    }
  }
}

const PEM_BEGIN = /-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_BODY = /[A-Za-z0-9+/=\s\\:,.-]/;

function findPrivateKeys(text: string, out: Span[]): void {
  PEM_BEGIN.lastIndex = 0;
  for (let m = PEM_BEGIN.exec(text); m; m = PEM_BEGIN.exec(text)) {
    const from = m.index + m[0].length;
    const endMarker = text.indexOf('-----END', from);
    let end: number;
    if (endMarker !== -1) {
      const close = text.indexOf('-----', endMarker + 8);
      end = close === -1 || close - endMarker > 60 ? endMarker + 8 : close + 5;
    } else {
      // Truncated: the body runs to the end of the base64 text.
      end = from;
      while (end < text.length && PEM_BODY.test(text[end]!)) end++;
    }
    out.push({ start: m.index, end, rule: 'private-key' });
    PEM_BEGIN.lastIndex = end;
  }
}

/** Characters that end a URL's authority (`scheme://userinfo@host`). */
const AUTHORITY_END = new Set([
  ' ',
  '\t',
  '\n',
  '\r',
  '/',
  '?',
  '#',
  '"',
  "'",
  '`',
  '<',
  '>',
  '\\',
  ',',
  ';',
  '(',
  ')',
]);

/** `scheme://user:password@host` → the `user:password`, whatever its length. */
function findUrlUserinfo(text: string, out: Span[]): void {
  let from = 0;
  for (let i = text.indexOf('://', from); i !== -1; i = text.indexOf('://', from)) {
    from = i + 3;
    if (i === 0 || !/[A-Za-z0-9+.-]/.test(text[i - 1]!)) continue;
    let j = from;
    let at = -1;
    while (j < text.length && !AUTHORITY_END.has(text[j]!)) {
      if (text[j] === '@') at = j; // the last @ ends the userinfo (a password may hold one)
      j++;
    }
    from = Math.max(from, j);
    if (at <= i + 3) continue;
    const info = text.slice(i + 3, at);
    if (info.startsWith('[REDACTED') || info === '***') continue;
    if (info.includes(':') || info.length >= 16) out.push({ start: i + 3, end: at, rule: 'url-credentials' });
  }
}

/** Every secret the detectors find in `text` (spans may overlap). */
export function detect(text: string): Span[] {
  const out: Span[] = [];
  findTokens(text, out);
  findAssignments(text, out);
  findPrivateKeys(text, out);
  findUrlUserinfo(text, out);
  return out;
}

/**
 * A cheap first look: false means no detector can match. One pass of one regular expression with
 * literal alternatives (the markers every detector needs).
 */
const MARKERS =
  /gh[pousr]_|github_pat_|gl[a-z]{1,6}-|GR1348941|A[BCGIKNPRS][A-Z]A[A-Z0-9]|xox|xapp-|hooks\.slack|_live_|_test_|whsec_|AIza|npm_|eyJ|PRIVATE KEY|:\/\/|authorization|bearer|basic|token|passw|passphrase|secret|api[_-]?key|access[_-]?key|private[_-]?key|credential/i;

export function mayHoldSecret(text: string): boolean {
  return MARKERS.test(text);
}
