import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { LedgerIntegrityError } from '../errors.js';
import type { SummaryRow } from '../store/index.js';
import type { Signer } from './keys.js';
import type { LedgerContext } from './ledger.js';

/**
 * Authentication of the read index (`ledger_summaries`, docs/evidence.md "The read index").
 *
 * A summary is derived data: nothing in the signed log commits to it, and recomputing it from the
 * statement is exactly the cost the index exists to avoid. A plain hash binding a summary to its
 * entry proves nothing against someone who can write the database (they recompute the hash). So
 * each row carries an HMAC-SHA256 under the **index key**, which only the holder of the ledger's
 * signing key can derive: SHA-256 of the Ed25519 signature of a fixed message naming the origin.
 * Ed25519 signatures are deterministic (RFC 8032), so the same key always derives the same index
 * key, also through a KMS-backed `Signer`; the message can never be a DSSE PAE ("DSSEv1 …") or a
 * checkpoint note (three or more lines), and that signature is never stored or shown.
 *
 * The code covers the summary format (`version`), the entry number, its predicate type and
 * recording time, the entry's leaf hash (which the signed checkpoints commit to) and the summary
 * bytes. Readers holding the key check every row they read; a row that fails is an integrity
 * error naming the entry. Readers without the key cannot tell a forged row from a true one, so
 * they do not use the index at all: they summarize the statements themselves (slower).
 */

const KEY_MESSAGE = 'greenlight read-index authentication key v1 for ';

type Unsealed = Omit<SummaryRow, 'mac'>;

const derived = new WeakMap<Signer, Map<string, Promise<Buffer>>>();

/** The index key of a ledger (origin) signed by `signer` (derived once per signer and origin). */
export function indexKey(signer: Signer, origin: string): Promise<Buffer> {
  let byOrigin = derived.get(signer);
  if (!byOrigin) derived.set(signer, (byOrigin = new Map()));
  let key = byOrigin.get(origin);
  if (!key) {
    key = signer
      .sign(Buffer.from(`${KEY_MESSAGE}${origin}`, 'utf8'))
      .then((sig) => createHash('sha256').update(sig).digest());
    byOrigin.set(origin, key);
  }
  return key;
}

/** HMAC-SHA256 of one summary row under the index key. */
type MacInput = Pick<SummaryRow, 'seq' | 'predicate_type' | 'recorded_at' | 'leaf_hash' | 'summary'>;

export function summaryMac(key: Buffer, version: string, row: MacInput): Buffer {
  return createHmac('sha256', key)
    .update(
      `${version}\n${row.seq}\n${row.predicate_type}\n${row.recorded_at}\n${row.summary.length}\n`,
      'utf8',
    )
    .update(row.leaf_hash)
    .update(row.summary, 'utf8')
    .digest();
}

/** The rows with their authentication codes (for appends and reindexing: the signer is at hand). */
export async function sealSummaries(ctx: LedgerContext, rows: Unsealed[]): Promise<SummaryRow[]> {
  if (rows.length === 0) return [];
  if (!ctx.signer) throw new LedgerIntegrityError('writing the read index needs the ledger signing key');
  const key = await indexKey(ctx.signer, ctx.origin);
  return rows.map((r) => ({ ...r, mac: summaryMac(key, r.version, r) }));
}

const readerKeys = new WeakMap<LedgerContext, Promise<Buffer | null>>();

/**
 * The index key for reading, or null when this process cannot check the index: no signing key,
 * or one that is not this ledger's (its codes were made with the ledger's own key).
 */
export function readerIndexKey(ctx: LedgerContext): Promise<Buffer | null> {
  let key = readerKeys.get(ctx);
  if (!key) {
    const signer = ctx.signer;
    key = signer
      ? ctx.store.ledger
          .keys()
          .then((keys) => (keys.some((k) => k.key_id === signer.keyId) ? indexKey(signer, ctx.origin) : null))
      : Promise.resolve(null);
    readerKeys.set(ctx, key);
  }
  return key;
}

/** Whether a stored row's code is the one the index key gives. */
export function macMatches(key: Buffer, version: string, row: MacInput, mac: Buffer | null): boolean {
  if (!mac || mac.length !== 32 || row.leaf_hash?.length !== 32) return false;
  return timingSafeEqual(summaryMac(key, version, row), mac);
}

/** The error a reader raises on a summary whose code does not match: the index was edited. */
export function tamperedSummary(seq: number): LedgerIntegrityError {
  return new LedgerIntegrityError(
    `entry ${seq}: its read-index summary (ledger_summaries) fails its authentication code: the index ` +
      'was edited outside greenlight, so nothing read from it can be trusted. Run `greenlight ledger verify` ' +
      'to list every altered entry, and restore the database from a backup (`greenlight ledger reindex` ' +
      'writes only missing summaries)',
  );
}
