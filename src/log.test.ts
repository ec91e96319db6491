import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { redactText as maskTokens } from './redact/index.js';
import { logDestination } from './log.js';

describe('maskTokens', () => {
  it('masks token-shaped strings and credentials in URLs through the one redaction path', () => {
    const ghp = `ghp_${'a1B2'.repeat(9)}`;
    expect(maskTokens(`token ${ghp} used`)).toBe('token [REDACTED:github-token] used');
    expect(maskTokens('https://user:s3cret@github.com/acme/x.git')).toBe(
      'https://[REDACTED:url-credentials]@github.com/acme/x.git',
    );
    expect(maskTokens(`key AKIA${'ABCDEFGHIJKLMNOP'}`)).toBe('key [REDACTED:aws-access-key-id]');
    expect(maskTokens('nothing to hide here')).toBe('nothing to hide here');
  });
});

describe('log lines', () => {
  it('are redacted as a whole before they are written (message, fields, errors)', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gl-log-')), 'log');
    const fd = openSync(file, 'w');
    const ghp = `ghp_${'c3D4'.repeat(9)}`;
    const logger = pino({ base: null }, logDestination(fd));
    logger.warn(
      { url: 'https://u:pw1234@h/x', err: new Error(`Bad credentials ${ghp}`) },
      `failed with ${ghp}`,
    );
    closeSync(fd);
    const line = readFileSync(file, 'utf8');
    expect(line).not.toContain(ghp);
    expect(line).not.toContain('pw1234');
    expect(line).toContain('[REDACTED:github-token]');
  });
});
