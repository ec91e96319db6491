/**
 * Anomaly detection (MO-2): rules over recorded evidence and the change population, alert
 * delivery, the recorded run, and the `anomalies` fact loader that `anomaly.detection` reads.
 */
export { detectAnomalies, RULES } from './rules.js';
export { withinWorkingHours, localTime, type WorkingHours } from './hours.js';
export { deliver, hasDestination, summaryText, type AlertPayload, type DeliverOptions } from './notify.js';
export { runAnomalies, type AnomalyReport, type RunAnomaliesOptions } from './run.js';
export { collectAnomalyFacts } from '../sources/ledger/index.js';
export { ANOMALY_PREDICATE } from '../predicate-types.js';
export type { Anomaly, AnomalyInput, AssessmentPoint } from './types.js';
