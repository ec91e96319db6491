import { RE2JS, RE2JSException } from 're2js';

/**
 * Regular expressions supplied by users (greenlight.yml `tickets.pattern`, `tickets.urlPattern`,
 * `ledger.redact`) run on RE2's linear-time engine (the pure-JavaScript port `re2js`): no pattern
 * can make a long input take more than time proportional to its length (no ReDoS). RE2 has no
 * backreferences or lookaround; a pattern using them is refused where the configuration is read.
 */

export interface LinearPattern {
  readonly source: string;
  /** The first match at or after `from`: its start and end (UTF-16 offsets), or null. */
  find(text: string, from?: number): { start: number; end: number; text: string } | null;
  /** Every non-empty match, left to right. */
  all(text: string): { start: number; end: number }[];
  /** Whether it matches anywhere in `text`. */
  test(text: string): boolean;
}

/** Why `source` cannot be compiled by the linear-time engine, or null when it can. */
export function linearPatternError(source: string): string | null {
  try {
    RE2JS.compile(source);
    return null;
  } catch (err) {
    const msg = err instanceof RE2JSException ? err.message : String(err);
    return `${msg} (patterns run on a linear-time engine: no lookaround or backreferences)`;
  }
}

/** Compiles `source`; throws an Error whose message says why (callers wrap it in their error type). */
export function compileLinear(source: string): LinearPattern {
  const error = linearPatternError(source);
  if (error) throw new Error(error);
  const re = RE2JS.compile(source);
  return {
    source,
    test: (text) => re.test(text),
    find(text, from = 0) {
      const m = re.matcher(text);
      if (!m.find(from)) return null;
      return { start: m.start(), end: m.end(), text: m.group() ?? '' };
    },
    all(text) {
      const out: { start: number; end: number }[] = [];
      const m = re.matcher(text);
      let from = 0;
      while (from <= text.length && m.find(from)) {
        const start = m.start();
        const end = m.end();
        if (end > start) out.push({ start, end });
        from = end > start ? end : end + 1;
      }
      return out;
    },
  };
}
