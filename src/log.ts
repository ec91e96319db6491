import { writeSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import { redactText } from './redact/index.js';

/**
 * Structured logs on stderr (stdout is the command's output). Quiet by default; set
 * GREENLIGHT_LOG_LEVEL=info|debug to see more. Values under credential-like keys are censored,
 * and every line goes through the one redaction path (`src/redact/`) before it is written.
 */
const REDACT_KEYS = ['token', 'password', 'secret', 'authorization', 'privateKey', 'private_key', 'key'];

let instance: Logger | undefined;

/** Where log lines go: fd 2, synchronously, each line redacted. */
export const logDestination = (fd = 2) => ({
  write(line: string): void {
    writeSync(fd, redactText(line));
  },
});

export function log(): Logger {
  instance ??= pino(
    {
      level: process.env.GREENLIGHT_LOG_LEVEL ?? 'warn',
      base: null,
      redact: { paths: [...REDACT_KEYS, ...REDACT_KEYS.map((k) => `*.${k}`)], censor: '[redacted]' },
    },
    logDestination(),
  );
  return instance;
}
