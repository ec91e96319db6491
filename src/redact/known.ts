import type { Span } from './detectors.js';

/**
 * Known secret values: the credentials this process holds (its environment, and tokens handed to
 * it another way), masked verbatim wherever they appear — so an API error body that echoes the
 * token is masked even though nothing in it looks like a token.
 */

/** Variables that hold credentials whatever their name says. */
const NAMED = [
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GITLAB_TOKEN',
  'CI_JOB_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_RUNTIME_TOKEN',
  'GREENLIGHT_LEDGER_KEY',
  'GITHUB_APP_PRIVATE_KEY',
];
/** Upper case only: lower-case variables are a tool's settings (npm_config_…, npm_package_keywords…). */
const CREDENTIAL_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL/;
/** Variables whose value is a URL that may carry a password. */
const URL_NAMES = /DATABASE_URL$|_DSN$/;

const MIN = 8;

/**
 * A value too plain to mask everywhere it appears (`postgres`, `changeme1` are still masked where
 * a detector sees them, e.g. in a URL's userinfo): fewer than 8 characters, or one kind of
 * character only.
 */
function maskable(value: string): boolean {
  if (value.length < MIN) return false;
  let kinds = 0;
  if (/[a-z]/.test(value)) kinds++;
  if (/[A-Z]/.test(value)) kinds++;
  if (/[0-9]/.test(value)) kinds++;
  if (/[^A-Za-z0-9]/.test(value)) kinds++;
  return kinds >= 2;
}

function passwordOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.password ? decodeURIComponent(u.password) : undefined;
  } catch {
    return undefined;
  }
}

const registered = new Set<string>();
let fromEnv: string[] | undefined;
let cache: string[] | undefined;

/** The credential values of an environment (exported for tests). */
export function secretsOfEnv(env: NodeJS.ProcessEnv): string[] {
  const out = new Set<string>();
  for (const [name, raw] of Object.entries(env)) {
    const value = raw?.trim();
    if (!value) continue;
    if (URL_NAMES.test(name)) {
      const pw = passwordOf(value);
      if (pw) out.add(pw);
      continue;
    }
    if (NAMED.includes(name) || CREDENTIAL_NAME.test(name)) out.add(value);
  }
  return [...out];
}

/** Adds a credential this process uses (e.g. a token passed as an option), masked from now on. */
export function registerSecret(value: string | undefined | null): void {
  const v = value?.trim();
  if (!v || registered.has(v)) return;
  registered.add(v);
  cache = undefined;
}

/** Forget the environment read so far (tests that change process.env). */
export function resetKnownSecrets(): void {
  fromEnv = undefined;
  registered.clear();
  cache = undefined;
}

/** Every known value to mask, longest first, with the JSON-escaped form of each that differs. */
export function knownSecrets(): string[] {
  if (cache) return cache;
  fromEnv ??= secretsOfEnv(process.env);
  const all = new Set<string>();
  for (const v of [...fromEnv, ...registered]) {
    if (!maskable(v)) continue;
    all.add(v);
    const escaped = JSON.stringify(v).slice(1, -1);
    if (escaped !== v) all.add(escaped);
    // A multi-line value (a PEM key) is also found line by line.
    if (v.includes('\n'))
      for (const line of v.split('\n'))
        if (maskable(line.trim()) && line.trim().length >= 16) all.add(line.trim());
  }
  cache = [...all].sort((a, b) => b.length - a.length);
  return cache;
}

export function findKnown(text: string, out: Span[]): void {
  for (const v of knownSecrets()) {
    for (let i = text.indexOf(v); i !== -1; i = text.indexOf(v, i + v.length)) {
      out.push({ start: i, end: i + v.length, rule: 'known-secret' });
    }
  }
}
