/**
 * Predicate type of a recorded anomaly run: evidence type `anomaly` under the ledger's
 * PREDICATE_BASE (spelt out, as the pipeline predicates are, so readers need not load the ledger).
 */
export const ANOMALY_PREDICATE = 'https://greenlight.dev/evidence/anomaly/v1';
