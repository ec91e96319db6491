import { ConfigError } from '../errors.js';
import { compileLinear, type LinearPattern } from '../linear-regex.js';
import { redactBlob, type Redaction } from '../redact/index.js';

/**
 * The ledger's blob redactor: the one redaction path (`src/redact/`) plus the patterns configured
 * in `ledger.redact`, which run on a linear-time engine. Each match is replaced by
 * `[REDACTED:<rule>]`; the record of it (how many, which rules — never the secret) goes into the
 * statement that references the blob.
 */

export type { Redaction };

export interface Redactor {
  redact(content: Buffer, name: string): Promise<{ bytes: Buffer; redaction: Redaction }>;
}

export function compilePatterns(patterns: readonly string[]): LinearPattern[] {
  return patterns.map((p, i) => {
    try {
      return compileLinear(p);
    } catch (err) {
      throw new ConfigError(`ledger.redact[${i}]: invalid regular expression: ${(err as Error).message}`);
    }
  });
}

export function createRedactor(patterns: readonly string[] = []): Redactor {
  const compiled = compilePatterns(patterns);
  return { redact: (content, name) => redactBlob(content, name, compiled) };
}
