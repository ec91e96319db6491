import { deflateSync, inflateSync } from 'node:zlib';
import { InputError, LedgerIntegrityError } from '../errors.js';
import type { BlobRow, LedgerStore, LedgerWriter } from '../store/index.js';
import type { Redaction, Redactor } from './redact.js';
import { sha256 } from './statement.js';

/**
 * Content-addressed blobs: the address is the SHA-256 of the redacted, uncompressed bytes, so
 * the same material is stored once however often it is recorded. Bytes are deflate-compressed
 * (zlib, RFC 1950) when that makes them smaller. The database is the first backend; an object
 * store can implement BlobStore later.
 */

export interface BlobInput {
  /** A name for the material, e.g. `github/branch-protection.json`. */
  name: string;
  content: Uint8Array | string;
  mediaType?: string;
  /**
   * The digest the caller already references (e.g. in its own predicate fields). Redaction must
   * leave the bytes unchanged, else recording fails: redact first with `Ledger.redact`.
   */
  sha256?: string;
}

/** How a statement references a blob (in predicate.blobs). */
export interface BlobRef {
  name: string;
  digest: { sha256: string };
  size: number;
  mediaType: string;
  redaction: Redaction;
}

export interface PreparedBlob {
  ref: BlobRef;
  digest: Buffer;
  size: number;
  encoding: 'deflate' | 'identity';
  data: Buffer;
}

export interface BlobStore {
  /** Stores prepared blobs; idempotent. A database store joins the ledger transaction `tx`. */
  put(blobs: PreparedBlob[], tx: LedgerWriter): Promise<void>;
  /** The verified bytes, or null when absent (pruned or never stored). */
  get(digestHex: string): Promise<Buffer | null>;
  /** Which of these digests are present. */
  has(digestHexes: string[]): Promise<Set<string>>;
}

export async function prepareBlob(input: BlobInput, redactor: Redactor): Promise<PreparedBlob> {
  // A Buffer is passed as is: the redactor knows the buffers it already redacted.
  const raw =
    typeof input.content === 'string'
      ? Buffer.from(input.content, 'utf8')
      : Buffer.isBuffer(input.content)
        ? input.content
        : Buffer.from(input.content);
  const { bytes, redaction } = await redactor.redact(raw, input.name);
  const digest = sha256(bytes);
  if (input.sha256 !== undefined && input.sha256.toLowerCase() !== digest.toString('hex')) {
    const rules = redaction.rules.map((r) => r.id).join(', ');
    throw new InputError(
      redaction.count > 0
        ? `blob ${input.name} contains secrets (${rules}); redact it with Ledger.redact() before taking its digest`
        : `blob ${input.name}: its sha256 is ${digest.toString('hex')}, not ${input.sha256}`,
    );
  }
  const deflated = deflateSync(bytes, { level: 6 });
  const compressed = deflated.length < bytes.length;
  return {
    ref: {
      name: input.name,
      digest: { sha256: digest.toString('hex') },
      size: bytes.length,
      mediaType:
        input.mediaType ?? (typeof input.content === 'string' ? 'text/plain' : 'application/octet-stream'),
      redaction,
    },
    digest,
    size: bytes.length,
    encoding: compressed ? 'deflate' : 'identity',
    data: compressed ? deflated : bytes,
  };
}

/** Decodes a stored blob and checks it against its address. */
export function decodeBlob(row: BlobRow): Buffer {
  const hex = row.digest.toString('hex');
  let bytes: Buffer;
  try {
    if (row.encoding === 'deflate') bytes = inflateSync(row.data);
    else if (row.encoding === 'identity') bytes = row.data;
    else throw new Error(`unknown encoding ${row.encoding}`);
  } catch (err) {
    throw new LedgerIntegrityError(`blob sha256:${hex} cannot be decoded: ${(err as Error).message}`);
  }
  if (bytes.length !== row.size || !sha256(bytes).equals(row.digest)) {
    throw new LedgerIntegrityError(`blob sha256:${hex} does not match its digest (altered)`);
  }
  return bytes;
}

export function databaseBlobStore(store: LedgerStore): BlobStore {
  return {
    async put(blobs, tx) {
      const unique = new Map(blobs.map((b) => [b.ref.digest.sha256, b]));
      await tx.insertBlobs(
        [...unique.values()].map((b) => ({
          digest: b.digest,
          size: b.size,
          encoding: b.encoding,
          data: b.data,
        })),
      );
    },
    async get(digestHex) {
      const [row] = await store.blobs([Buffer.from(digestHex, 'hex')]);
      return row ? decodeBlob(row) : null;
    },
    async has(digestHexes) {
      return store.blobDigests(digestHexes.map((h) => Buffer.from(h, 'hex')));
    },
  };
}
