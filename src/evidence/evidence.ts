import { createHash } from 'node:crypto';
import type { Statement as InTotoStatement, StatementSubject } from '../predicate-types.js';

export { canonicalJson } from '../canonical-json.js';
export type { StatementSubject } from '../predicate-types.js';

/**
 * The narrow view of the evidence ledger that recording, the change population and the gate
 * need: append statements (with their raw material as blobs), read them back by predicate type,
 * subject and time, and read a blob. `ledger-store.ts` adapts the signed ledger to it; the
 * `--fail-open` spool (`spool.ts`) implements the write side only.
 */

/** A pipeline statement: an in-toto Statement v1 whose subjects all carry a name and digests. */
export type Statement = InTotoStatement<StatementSubject>;

export interface StoredStatement {
  /** Ledger entry number (0-based), or a spool position for statements not yet in the ledger. */
  index: number;
  /** ISO time the ledger accepted it. */
  recordedAt: string;
  statement: Statement;
}

/**
 * Raw material stored with a statement. The ledger redacts secrets, stores it by the sha256 of
 * the redacted bytes and lists it in `predicate.blobs` as `{name, digest: {sha256}, size,
 * mediaType, redaction}`; predicates name their blobs by `name` (see `blobDigest`).
 */
export interface BlobInput {
  name: string;
  bytes: Uint8Array;
  mediaType: string;
}

export interface AppendItem {
  statement: Statement;
  blobs?: readonly BlobInput[];
}

export interface AppendedStatement extends StoredStatement {
  /** True when the identical statement was already in the ledger (nothing appended). */
  duplicate: boolean;
}

export interface AppendResult {
  stored: AppendedStatement[];
  /** Tree size of the signed checkpoint made by the append, when there is one. */
  checkpoint: number | null;
}

export interface StatementQuery {
  predicateTypes: readonly string[];
  /** Only statements with a subject carrying this digest value (e.g. a commit SHA), or any of these. */
  subjectDigest?: string | readonly string[];
  /** recordedAt ≥ since */
  since?: Date;
  /** recordedAt < until */
  until?: Date;
}

/** An entry with its signed envelope, for exporting a sample's evidence. */
export interface SignedEntry extends StoredStatement {
  envelope: unknown;
}

export interface EvidenceReader {
  statements(query: StatementQuery): Promise<StoredStatement[]>;
  /** A blob's (redacted) bytes by sha256 (hex), or null when absent or pruned. */
  blob(sha256: string): Promise<Uint8Array | null>;
  /** Where the evidence lives, for messages (`/repo/.greenlight/greenlight.db`, `postgres://…`). */
  describe(): string;
}

export interface EvidenceWriter {
  /** Stores each statement with its blobs, in order, in one transaction. */
  append(items: readonly AppendItem[]): Promise<AppendResult>;
}

export interface EvidenceStore extends EvidenceReader, EvidenceWriter {
  close(): Promise<void>;
}

export const sha256Hex = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

/** The sha256 the ledger stored a statement's blob under, by the blob's name. */
export function blobDigest(predicate: Record<string, unknown>, name: string): string | undefined {
  const blobs = predicate.blobs;
  if (!Array.isArray(blobs)) return undefined;
  for (const b of blobs as { name?: unknown; digest?: { sha256?: unknown } }[]) {
    if (b?.name === name && typeof b.digest?.sha256 === 'string') return b.digest.sha256;
  }
  return undefined;
}

/** Every blob digest a statement references (its `predicate.blobs`). */
export function blobDigests(predicate: Record<string, unknown>): string[] {
  const blobs = predicate.blobs;
  if (!Array.isArray(blobs)) return [];
  return (blobs as { digest?: { sha256?: unknown } }[])
    .map((b) => b?.digest?.sha256)
    .filter((d): d is string => typeof d === 'string' && /^[0-9a-f]{64}$/.test(d));
}
