import { isDeepStrictEqual } from 'node:util';
import type { AnyCheck, Finding } from '../src/checks/index.js';
import { defaultConfig, type Config } from '../src/config/index.js';
import type { FactMap } from '../src/facts/index.js';

export interface RunOptions {
  config?: Config;
  now?: Date;
  /** Raw options as they would appear under `checks.<id>` in config. */
  options?: Record<string, unknown>;
  /** The subject's name, as the engine passes it (`owner/repo`). */
  repository?: string;
}

/**
 * Runs a check the way the engine does (options parsed with the check's schema) and asserts it
 * did not mutate its facts: checks are pure.
 */
export function runCheck(check: AnyCheck, facts: Partial<FactMap>, opts: RunOptions = {}): Finding[] {
  const config = opts.config ?? defaultConfig();
  const before = structuredClone(facts);
  const options = check.options ? check.options.parse(opts.options ?? config.checks[check.id] ?? {}) : {};
  const findings = check.evaluate(facts as never, options, {
    config,
    now: opts.now ?? new Date('2026-11-01T00:00:00Z'),
    ...(opts.repository !== undefined ? { repository: opts.repository } : {}),
  });
  if (!isDeepStrictEqual(before, facts)) throw new Error(`${check.id} mutated its facts`);
  if (!Array.isArray(findings) || findings.length === 0) throw new Error(`${check.id} returned no result`);
  return findings;
}

/** Outcomes only, for compact assertions. */
export function outcomes(findings: Finding[]): string[] {
  return findings.map((f) => f.outcome);
}
