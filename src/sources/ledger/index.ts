/**
 * Ledger-backed facts: what the pipeline recorded (evidence for the change population), the
 * ledger's own state (verification, retention, assessments) and recorded anomaly runs.
 */
export { collectEvidence, collectLedgerFacts, EVIDENCE_LOOKBACK_DAYS } from './collect.js';
export { collectAnomalyFacts } from './anomalies.js';
export { loadPopulation, type LoadPopulationOptions, type LoadedPopulation } from './population.js';
