/**
 * The in-toto statement shape and every predicate type URI greenlight writes, in one module that
 * imports nothing, so the ledger, the evidence layer, the sources that read the ledger and the
 * anomaly run all name the same URIs. A breaking change to a predicate gets a new version.
 * The predicates themselves are documented in docs/evidence.md.
 */

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PREDICATE_BASE = 'https://greenlight.dev/evidence/';

/** Assessments and ledger administration, written by the engine and the ledger. */
export const PREDICATE_TYPES = {
  assessment: `${PREDICATE_BASE}assessment/v1`,
  checkResult: `${PREDICATE_BASE}check-result/v1`,
  rawFacts: `${PREDICATE_BASE}raw-facts/v1`,
  prune: `${PREDICATE_BASE}prune/v1`,
  legalHold: `${PREDICATE_BASE}legal-hold/v1`,
} as const;

/**
 * Evidence recorded from CI ("Pipeline evidence" in docs/evidence.md). Each predicate carries
 * `key` (its idempotency key: equal evidence, equal key) and `ci` (the CI context captured when
 * it was recorded).
 */
export const PREDICATE = {
  deployment: `${PREDICATE_BASE}deployment/v1`,
  scan: `${PREDICATE_BASE}scan/v1`,
  tests: `${PREDICATE_BASE}tests/v1`,
  override: `${PREDICATE_BASE}emergency-override/v1`,
  review: `${PREDICATE_BASE}post-incident-review/v1`,
  accessReview: `${PREDICATE_BASE}access-review/v1`,
  gate: `${PREDICATE_BASE}gate-decision/v1`,
  sample: `${PREDICATE_BASE}change-sample/v1`,
} as const;

export type PredicateName = keyof typeof PREDICATE;

/** A recorded anomaly run (`greenlight anomalies`). */
export const ANOMALY_PREDICATE = `${PREDICATE_BASE}anomaly/v1`;

/** An in-toto ResourceDescriptor: what a statement is about. */
export interface ResourceDescriptor {
  name?: string | undefined;
  uri?: string | undefined;
  digest?: Record<string, string> | undefined;
  content?: string | undefined;
  downloadLocation?: string | undefined;
  mediaType?: string | undefined;
  annotations?: Record<string, unknown> | undefined;
}

/** The subjects greenlight's own statements carry: always a name and digests. */
export interface StatementSubject {
  name: string;
  digest: Record<string, string>;
}

/**
 * An in-toto Statement v1. `Subject` narrows the subjects: the ledger accepts any resource
 * descriptor, pipeline evidence always names and digests its subjects.
 */
export interface Statement<Subject extends ResourceDescriptor = ResourceDescriptor> {
  _type: typeof STATEMENT_TYPE;
  subject: Subject[];
  predicateType: string;
  predicate: Record<string, unknown>;
}
