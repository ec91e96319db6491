import type { z } from 'zod';
import { catalogCheck, type Severity } from '../catalog/index.js';
import type { Config } from '../config/index.js';
import type { FactKey, FactMap, Location } from '../facts/index.js';

export type Outcome = 'pass' | 'fail' | 'not_applicable' | 'not_available' | 'error' | 'excepted';

/** What a check's evaluate returns: one per resource it looked at. */
export interface Finding {
  outcome: Exclude<Outcome, 'excepted'>;
  message: string;
  /** What the finding is about: a file path, a commit SHA, `owner/repo`, a branch… */
  resource: string;
  location?: Location;
  /** Small structured data for reports and evidence (counts, offending items). */
  details?: Record<string, unknown>;
  /**
   * This result's severity when it differs from the check's (e.g. a placeholder credential in a
   * test fixture): the result carries it, so `--fail-on`, the gaps and every format honour it.
   */
  severity?: Severity;
}

export interface CheckContext {
  config: Config;
  /** The evaluation instant; checks never read the clock themselves. */
  now: Date;
  /** The subject's name (`owner/repo` when known), e.g. to apply `scans.classes`. */
  repository?: string;
}

type Needed<N extends FactKey> = { [K in N]: FactMap[K] };
/** Facts a check reads when they are available (e.g. GitHub settings next to workflow files). */
type Used<U extends FactKey> = { [K in U]?: FactMap[K] };

/**
 * What a check's folder writes. Its severity and controls are not here: they are written once, in
 * the catalog (src/catalog/checks.ts), and `defineCheck` takes them from there.
 */
export interface CheckSpec<N extends FactKey = FactKey, O = unknown, U extends FactKey = never> {
  /** Stable public id; equals the folder name and a catalog entry. */
  id: string;
  title: string;
  /** Facts that must all be available; otherwise the result is `not_available` with the source's reason. */
  needs: readonly N[];
  /**
   * Facts used when available and omitted (undefined) when not: for checks that one source can
   * decide alone and another can refine, such as `scan.secrets` (workflows, or push protection).
   */
  uses?: readonly U[];
  /** Per-check options from `checks.<id>` in config, with defaults. */
  options?: z.ZodType<O>;
  remediation: string;
  evaluate(facts: Needed<N> & Used<U>, options: O, ctx: CheckContext): Finding[];
}

/** A registered check: its spec with the severity and controls of its catalog entry. */
export interface CheckDefinition<
  N extends FactKey = FactKey,
  O = unknown,
  U extends FactKey = never,
> extends CheckSpec<N, O, U> {
  severity: Severity;
  controls: string[];
}

/**
 * Completes a check's spec with its catalog entry's severity and control, and keeps `needs` and
 * `options` typed for `evaluate`. A check whose id is not in the catalog cannot be defined.
 */
export function defineCheck<N extends FactKey, O = Record<string, never>, U extends FactKey = never>(
  spec: CheckSpec<N, O, U>,
): CheckDefinition<N, O, U> {
  const entry = catalogCheck(spec.id);
  if (!entry) throw new Error(`check ${spec.id} has no entry in the catalog (src/catalog/checks.ts)`);
  return { ...spec, severity: entry.severity, controls: [entry.control] };
}

type Extra = { location?: Location | undefined; details?: Record<string, unknown>; severity?: Severity };

function make(outcome: Finding['outcome'], message: string, resource: string, extra: Extra = {}): Finding {
  const f: Finding = { outcome, message, resource };
  if (extra.location) f.location = extra.location;
  if (extra.details) f.details = extra.details;
  if (extra.severity) f.severity = extra.severity;
  return f;
}

export const pass = (message: string, resource: string, extra?: Extra): Finding =>
  make('pass', message, resource, extra);
export const fail = (message: string, resource: string, extra?: Extra): Finding =>
  make('fail', message, resource, extra);
export const notApplicable = (message: string, resource: string, extra?: Extra): Finding =>
  make('not_applicable', message, resource, extra);
export const notAvailable = (message: string, resource: string, extra?: Extra): Finding =>
  make('not_available', message, resource, extra);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCheck = CheckDefinition<any, any, any>;
/** An `error` result raised by the check itself, e.g. for an input file it cannot read. */
export const errorResult = (message: string, resource: string, extra?: Extra): Finding =>
  make('error', message, resource, extra);
