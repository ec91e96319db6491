import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ticketMatcher } from './population/index.js';
import { configSchema, loadConfig } from './config/index.js';
import { ConfigError } from './errors.js';
import { compileLinear, linearPatternError } from './linear-regex.js';

const defaults = configSchema.parse({}).tickets;
const N = 500_000;
const fill = (unit: string) => unit.repeat(Math.ceil(N / unit.length)).slice(0, N);

describe('ticket patterns on the linear-time engine', () => {
  it('finds tickets and tracker links as before', () => {
    const match = ticketMatcher(defaults.pattern, defaults.urlPattern);
    expect(match('ENG-12: fix the thing')).toBe('ENG-12');
    expect(match('see https://acme.atlassian.net/browse/OPS-7 please')).toBe('OPS-7');
    expect(match('see https://acme.atlassian.net/browse/7 please')).toBe(
      'https://acme.atlassian.net/browse/7',
    );
    expect(match('fixes https://linear.app/acme/issue/ABC-1/title')).toBe('ABC-1');
    expect(match('see https://github.com/acme/app/issues/12')).toBe('https://github.com/acme/app/issues/12');
    expect(match('no ticket here')).toBeNull();
  });

  // The default URL pattern took ~39 s on a 500 KB message with a backtracking engine (and
  // minutes on the linear.app case); the test's timeout is the assertion.
  it('matches 500 KB adversarial commit messages promptly', { timeout: 30_000 }, () => {
    const match = ticketMatcher(defaults.pattern, defaults.urlPattern);
    for (const message of [fill('http://'), fill('https://linear.app/'), fill('https://a/'), fill('A-')])
      expect(match(message)).toBeNull();
    const custom = compileLinear('(a+)+b');
    expect(custom.test(fill('a'))).toBe(false);
  });
});

describe('config patterns', () => {
  it('refuses, at load, a pattern the linear-time engine cannot run, naming the key (exit 2)', () => {
    expect(linearPatternError('(?=x)y')).toMatch(/linear-time engine/);
    for (const [yaml, key] of [
      ['tickets:\n  pattern: "(?<=ENG-)\\\\d+"\n', 'tickets.pattern'],
      ['tickets:\n  urlPattern: "(a)\\\\1"\n', 'tickets.urlPattern'],
      ['ledger:\n  redact: ["ok", "(?!x)y"]\n', 'ledger.redact[1]'],
    ] as const) {
      const root = mkdtempSync(path.join(tmpdir(), 'gl-pattern-'));
      writeFileSync(path.join(root, 'greenlight.yml'), yaml);
      let err: unknown;
      try {
        loadConfig(root);
      } catch (e) {
        err = e;
      }
      expect(err, yaml).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).exitCode).toBe(2);
      expect((err as Error).message).toContain(key);
    }
  });
});
