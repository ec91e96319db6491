/**
 * Pipeline evidence: the one place that writes and reads pipeline statements — predicates,
 * the ledger-backed evidence store, the fail-open spool, recording and the read index.
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
  openLedgerStore,
  isNoLedger,
  spoolDir,
  type LedgerEvidenceStore,
  type OpenLedgerStoreOptions,
} from './ledger-store.js';
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
export * from './record.js';
