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
  return { ruleId: m.ruleId, message, path, line: m.loc.start.line, column: m.loc.start.column + 1 };
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
