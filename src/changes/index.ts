/**
 * The changes door: pipeline evidence (predicates, store interface), the change population and
 * sampling.
 */
export * from './evidence.js';
export * from './predicates.js';
export {
  readRecordedEvidence,
  toRecordedEvidence,
  emptyEvidence,
  EVIDENCE_PREDICATES,
} from './read-evidence.js';
export {
  buildPopulation,
  populationOf,
  repositoryName,
  ticketMatcher,
  untraceableReasons,
} from './population.js';
export { openEvidenceStore, collectEvidence, spoolDir } from './store.js';
export { spoolStore } from './spool.js';
export type * from './types.js';
export * from './record.js';
export * from './render.js';
export * from './sample.js';
