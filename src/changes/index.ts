/**
 * The changes door: pipeline evidence (predicates, the ledger-backed evidence store, the
 * fail-open spool), the change population and sampling.
 */
export * from './evidence.js';
export * from './predicates.js';
export {
  readRecordedEvidence,
  toRecordedEvidence,
  emptyEvidence,
  EVIDENCE_PREDICATES,
  EVIDENCE_SUMMARIZER,
  fragmentOf,
  fromSummary,
  mergeFragments,
  type EvidenceFragment,
  type ReadOptions,
} from './read-evidence.js';
export {
  buildPopulation,
  populationOf,
  repositoryName,
  ticketMatcher,
  untraceableReasons,
} from './population.js';
export {
  openLedgerStore,
  isNoLedger,
  spoolDir,
  type LedgerEvidenceStore,
  type OpenLedgerStoreOptions,
} from './ledger-store.js';
export { collectEvidence, collectLedgerFacts, EVIDENCE_LOOKBACK_DAYS } from './collect.js';
export {
  replaySpool,
  prepareSpool,
  spoolPlace,
  type SpoolPlace,
  type SpoolTarget,
  type SpoolWriter,
} from './spool.js';
export { isStoreUnreachable } from './unreachable.js';
export { resolveCommit } from './commit.js';
// The spool handed out here redacts everything before it is written.
export { spoolStore, redactItem, redactingWriter } from './redacted-writer.js';
export { forgePullRequests } from './forge.js';
export type * from './types.js';
export * from './record.js';
export * from './render.js';
export * from './sample.js';
