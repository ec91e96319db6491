import { ConfigError } from '../errors.js';

/**
 * Secret redaction before a blob is stored: the secretlint recommended rules plus the patterns
 * configured in `ledger.redact`. Each match is replaced by `[REDACTED:<rule>]`; the record of it
 * (how many, which rules — never the secret) goes into the statement that references the blob.
 */

export interface Redaction {
  /** False for binary content, which cannot be scanned as text. */
  scanned: boolean;
  count: number;
  rules: { id: string; count: number }[];
}

export interface Redactor {
  redact(content: Buffer, name: string): Promise<{ bytes: Buffer; redaction: Redaction }>;
}

export function compilePatterns(patterns: readonly string[]): RegExp[] {
  return patterns.map((p, i) => {
    try {
      return new RegExp(p, 'g');
    } catch (err) {
      throw new ConfigError(`ledger.redact[${i}]: invalid regular expression: ${(err as Error).message}`);
    }
  });
}

function isText(content: Buffer): boolean {
  if (content.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(content);
    return true;
  } catch {
    return false;
  }
}

export function createRedactor(patterns: readonly string[] = []): Redactor {
  const regexes = compilePatterns(patterns);
  return {
    async redact(content, name) {
      if (!isText(content)) {
        return { bytes: content, redaction: { scanned: false, count: 0, rules: [] } };
      }
      const text = content.toString('utf8');
      const found: { start: number; end: number; rule: string }[] = [];
      // Loaded on first use: commands that never store a blob do not pay for secretlint.
      const { loadSecretlint, PRESET_ID } = await import('../secretlint.js');
      const { lint, preset } = await loadSecretlint();
      const result = await lint({
        source: { content: text, filePath: name, contentType: 'text' },
        options: {
          config: { rules: [{ id: PRESET_ID, rule: preset as never }] },
          maskSecrets: true,
          noPhysicFilePath: true,
        },
      });
      for (const m of result.messages) found.push({ start: m.range[0], end: m.range[1], rule: m.ruleId });
      regexes.forEach((re, i) => {
        re.lastIndex = 0;
        for (const m of text.matchAll(re)) {
          if (m[0].length === 0) continue;
          found.push({ start: m.index, end: m.index + m[0].length, rule: `config:ledger.redact[${i}]` });
        }
      });
      if (found.length === 0) return { bytes: content, redaction: { scanned: true, count: 0, rules: [] } };
      // merge overlapping matches; the first rule (in position order) names the merged span
      found.sort((a, b) => a.start - b.start || b.end - a.end);
      const spans: typeof found = [];
      for (const f of found) {
        const last = spans[spans.length - 1];
        if (last && f.start < last.end) last.end = Math.max(last.end, f.end);
        else spans.push({ ...f });
      }
      let out = '';
      let pos = 0;
      const counts = new Map<string, number>();
      for (const s of spans) {
        out += `${text.slice(pos, s.start)}[REDACTED:${s.rule}]`;
        pos = s.end;
        counts.set(s.rule, (counts.get(s.rule) ?? 0) + 1);
      }
      out += text.slice(pos);
      return {
        bytes: Buffer.from(out, 'utf8'),
        redaction: {
          scanned: true,
          count: spans.length,
          rules: [...counts].sort((a, b) => a[0].localeCompare(b[0])).map(([id, count]) => ({ id, count })),
        },
      };
    },
  };
}
