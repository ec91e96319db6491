import { unavailable, type SecretFinding, type Unavailable } from '../../facts/index.js';
import type { SecretlintModules } from '../../secretlint.js';

export type ScanText = (path: string, content: string) => Promise<SecretFinding[]>;

interface LintMessage {
  type: string;
  ruleId: string;
  messageId: string;
  range: readonly [number, number];
  loc: { start: { line: number; column: number } };
}

/**
 * A scanner with secretlint's recommended preset (see src/secretlint.ts) whose findings never
 * carry the secret: only the rule, the kind and a masked hint.
 */
export async function loadSecretScanner(modules?: SecretlintModules): Promise<ScanText | Unavailable> {
  const { loadSecretlint, PRESET_ID } = await import('../../secretlint.js');
  let secretlint;
  try {
    secretlint = await loadSecretlint(modules);
  } catch (e) {
    return unavailable(
      `secretlint could not be loaded (${(e as Error).message.split('\n')[0]}); reinstall greenlight's dependencies`,
    );
  }
  const config = { rules: [{ id: PRESET_ID, rule: secretlint.preset as never }] };
  return async (path, content) => {
    const result = await secretlint.lint({
      source: { content, filePath: path, contentType: 'text' },
      options: { config, maskSecrets: true },
    });
    return (result.messages as LintMessage[])
      .filter((m) => m.type === 'message')
      .map((m) => redactedFinding(path, content, m));
  };
}

function redactedFinding(path: string, content: string, m: LintMessage): SecretFinding {
  const value = content.slice(m.range[0], m.range[1]);
  let message = `${label(m.messageId)} (${m.ruleId.replace(/^@secretlint\/secretlint-rule-/, '')}): ${mask(value)}`;
  // Belt and braces: whatever the rule matched must never reach a finding.
  if (value.length >= 4 && message.includes(value)) message = `${label(m.messageId)} (${m.ruleId})`;
  const finding: SecretFinding = {
    ruleId: m.ruleId,
    message,
    path,
    line: m.loc.start.line,
    column: m.loc.start.column + 1,
  };
  const why = placeholderReason(value);
  if (why) finding.placeholder = why;
  return finding;
}

// Values no one uses as a real secret: documentation, samples and tests write these.
const PLACEHOLDER_WORD =
  /^(?:x+|\*+|\.{3,}|changeme|change_?me|pass(?:word|wd)?|secret|example|redacted|dummy|fake|test|sample|placeholder|your[-_]?\w*|my[-_]?\w*|admin|root|user(?:name)?|foo|bar|baz|none|null|todo|token|key)$/i;
const TEMPLATE =
  /^(?:<[^>]*>|\$\{[^}]*\}|\$\(?[A-Za-z_][A-Za-z0-9_]*\)?|\{\{.*\}\}|%[A-Za-z_]+%|%\([A-Za-z_]+\)s)$/;
// RFC 2606 / RFC 6761 names reserved for documentation and tests.
const EXAMPLE_HOST = /(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid)$/i;

/**
 * Why a matched value is an obvious placeholder, or undefined when it looks real. Only the
 * reason is kept, never the value. A URL credential is a placeholder when its password is a
 * placeholder word or template, equals the user name, or the host is a documentation domain;
 * a token when it is a template, a run of `x`/`*`, or carries `EXAMPLE` (AWS's documented keys).
 */
export function placeholderReason(value: string): string | undefined {
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^:/@\s]*):([^@\s]*)@([^/:?#\s"'`]*)/i.exec(value);
  if (url) {
    const [, user = '', password = '', host = ''] = url;
    const pw = decodeSafe(password);
    if (TEMPLATE.test(pw)) return 'placeholder credential (the password is a template variable)';
    if (PLACEHOLDER_WORD.test(pw)) return 'placeholder credential (the password is a well-known placeholder)';
    if (pw === decodeSafe(user)) return 'placeholder credential (the password equals the user name)';
    if (EXAMPLE_HOST.test(host)) return 'placeholder credential (a documentation host such as example.com)';
    return undefined;
  }
  const token = value.trim().replace(/^["']|["']$/g, '');
  if (TEMPLATE.test(token)) return 'placeholder credential (a template variable)';
  if (/x{6,}|\*{6,}|EXAMPLE/i.test(token)) return 'placeholder credential (a masked or example value)';
  return undefined;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// Names for the message ids of secretlint's recommended preset; others are spelled out generically.
const LABELS: Record<string, string> = {
  ANTHROPIC_API_KEY: 'Anthropic API key',
  AWSAccessKeyID: 'AWS access key ID',
  AWSAccountID: 'AWS account ID',
  AWSSecretAccessKey: 'AWS secret access key',
  BasicAuth: 'Basic auth credentials in a URL',
  GITHUB_TOKEN: 'GitHub token',
  IncomingWebhook: 'Slack incoming webhook URL',
  LINEAR_API_TOKEN: 'Linear API token',
  MongoDBConnection: 'MongoDB connection string with a password',
  MySQLConnection: 'MySQL connection string with a password',
  NPM_ACCESS_TOKEN: 'npm access token',
  Npmrc_authToken: 'npm auth token in .npmrc',
  OPENAI_TOKEN: 'OpenAI API key',
  OPS_TOKEN: '1Password service account token',
  PackageJSON_xOauthToken: 'OAuth token in package.json',
  PostgreSQLConnection: 'PostgreSQL connection string with a password',
  PrivateKey: 'Private key',
  PrivateKeyJSON: 'Private key in JSON',
  PrivateKeyP12: 'PKCS#12 private key',
  SENDGRID_KEY: 'SendGrid API key',
  SHOPIFY_KEY: 'Shopify key',
  SLACK_TOKEN: 'Slack token',
};

/** `AWSSecretAccessKey` → `AWS secret access key`; `GITHUB_TOKEN` → `GitHub token`. */
export function label(messageId: string): string {
  const known = LABELS[messageId];
  if (known) return known;
  const words = messageId.includes('_')
    ? messageId.toLowerCase().split('_')
    : messageId
        .split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/)
        .map((w) => (/^[A-Z0-9]+$/.test(w) ? w : w.toLowerCase()));
  const text = words
    .filter(Boolean)
    .join(' ')
    .replace(/\bgithub\b/gi, 'GitHub')
    .replace(/\bnpm\b/gi, 'npm');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A hint that identifies the kind of value without revealing it: a well-known token prefix
 * (`ghp_`, `xoxb-`, `glpat-`…) when the value starts with one, and its length.
 */
export function mask(value: string): string {
  const prefix = /^([a-z]{2,6}[_-])[A-Za-z0-9]/.exec(value)?.[1];
  const shown = prefix && value.length >= 5 * prefix.length ? `${prefix}…` : '';
  return `${shown}[${value.length} characters redacted]`;
}
