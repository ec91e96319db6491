import pino, { type Logger } from 'pino';

/**
 * Structured logs on stderr (stdout is the command's output). Quiet by default; set
 * GREENLIGHT_LOG_LEVEL=info|debug to see more. Anything that looks like a credential is
 * redacted by key, and token-shaped strings are masked in messages.
 */
const REDACT_KEYS = ['token', 'password', 'secret', 'authorization', 'privateKey', 'private_key', 'key'];

let instance: Logger | undefined;

export function log(): Logger {
  instance ??= pino(
    {
      level: process.env.GREENLIGHT_LOG_LEVEL ?? 'warn',
      base: null,
      redact: { paths: [...REDACT_KEYS, ...REDACT_KEYS.map((k) => `*.${k}`)], censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? maskTokens(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    pino.destination({ fd: 2, sync: true }),
  );
  return instance;
}

const TOKEN_PATTERNS = [
  /\b(gh[pousr]_[A-Za-z0-9]{20,})\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g,
  /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g,
  /(https?:\/\/)[^/\s:@]+:[^/\s@]+@/g,
];

/** Masks token-shaped substrings (GitHub, GitLab, AWS, Slack, credentials in URLs). */
export function maskTokens(text: string): string {
  let out = text;
  for (const re of TOKEN_PATTERNS) {
    out = out.replace(re, (m, p1: string) => (m.startsWith('http') ? `${p1}[redacted]@` : '[redacted]'));
  }
  return out;
}
