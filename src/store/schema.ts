/**
 * Table types of the store, as Kysely sees them. Hashes and digests are raw bytes (BLOB in
 * SQLite, bytea in PostgreSQL); times are ISO-8601 UTC strings from `Date#toISOString`, which
 * sort correctly as text in both databases.
 *
 * Every `ledger_*` table is append-only: the code below only inserts and selects, and triggers
 * in both databases refuse UPDATE and DELETE (see migrations.ts). The one sanctioned removal is
 * retention pruning, which never touches the leaf: inserting a row into `ledger_prunes`
 * (`ledger_blob_prunes`) makes a trigger delete that entry's payload (that blob's bytes), and the
 * delete trigger on `ledger_payloads` (`ledger_blobs`) refuses any delete without such a row.
 */
export interface StoreDatabase {
  /** Facts about the log itself, written once: `origin`, `format`, `created_at`. */
  ledger_meta: { key: string; value: string };
  /** Public keys that have signed entries; key_id = hex SHA-256 of the raw 32-byte key. */
  ledger_keys: { key_id: string; algorithm: string; public_key: Buffer; added_at: string };
  /** One row per leaf of the Merkle tree; seq is the 0-based leaf index. */
  ledger_entries: {
    seq: number;
    /** SHA-256(0x00 ‖ envelope), RFC 9162 §2.1.1. */
    leaf_hash: Buffer;
    /** SHA-256 of the DSSE payload (the in-toto statement bytes); the idempotency key. */
    payload_sha256: Buffer;
    predicate_type: string;
    recorded_at: string;
  };
  /** The DSSE envelope bytes exactly as hashed into the leaf. Removed only by pruning. */
  ledger_payloads: { seq: number; envelope: Buffer };
  /** Prune markers: entry seq's payload was removed under the prune statement prune_seq. */
  ledger_prunes: { seq: number; prune_seq: number; pruned_at: string };
  /** Complete subtree hashes for level ≥ 1 (level 0 is ledger_entries.leaf_hash), tlog-style. */
  ledger_hashes: { level: number; idx: number; hash: Buffer };
  /** Signed checkpoints (C2SP signed notes), one per tree size. */
  ledger_checkpoints: { tree_size: number; root_hash: Buffer; note: string; created_at: string };
  /** Content-addressed blobs: digest = SHA-256 of the (redacted, uncompressed) bytes. */
  ledger_blobs: { digest: Buffer; size: number; encoding: string; data: Buffer };
  /** Which entries reference which blobs (from the statement's predicate.blobs). */
  ledger_blob_refs: { seq: number; digest: Buffer };
  /** Prune markers for blobs whose every referencing entry was pruned. */
  ledger_blob_prunes: { digest: Buffer; prune_seq: number; pruned_at: string };
  /**
   * A derived read index, not evidence: per entry, a compact summary computed from its statement
   * when it was appended (by the caller's summarizer, `version` naming its format), so readers of
   * many statements (the change population) need not decode every envelope. `ledger verify`
   * recomputes each from its statement; readers fall back to the statement when one is missing
   * or of another version.
   */
  ledger_summaries: {
    seq: number;
    version: string;
    predicate_type: string;
    recorded_at: string;
    summary: string;
    /** The entry's leaf hash when the summary was written (checked by `verify`). */
    leaf_hash: Buffer;
    /** HMAC-SHA256 of the row under the ledger's index key (see src/ledger/index-mac.ts). */
    mac: Buffer;
  };
  /** Legal holds as events: one `add` row and at most one `release` row per hold. */
  ledger_holds: {
    hold_id: string;
    action: 'add' | 'release';
    selector: string;
    reason: string;
    actor: string | null;
    at: string;
    statement_seq: number;
  };
}

export const LEDGER_TABLES = [
  'ledger_meta',
  'ledger_keys',
  'ledger_entries',
  'ledger_payloads',
  'ledger_prunes',
  'ledger_hashes',
  'ledger_checkpoints',
  'ledger_blobs',
  'ledger_blob_refs',
  'ledger_blob_prunes',
  'ledger_holds',
] as const satisfies readonly (keyof StoreDatabase)[];

export type LedgerTable = (typeof LEDGER_TABLES)[number];
