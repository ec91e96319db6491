import { redactBlob, redactStatement } from '../redact/index.js';
import type { AppendItem, EvidenceWriter } from './evidence.js';
import { spoolStore as rawSpoolStore } from './spool.js';

/**
 * Writers below the ledger (the `--fail-open` spool) receive only redacted statements and blobs:
 * `src/evidence/index.ts` hands out the spool wrapped here, so nothing reaches its files raw.
 * The ledger redacts what is appended to it (`prepareEntries`).
 */

// The same Buffer object when it is one: redactBlob knows the buffers it already redacted.
const asBuffer = (b: Uint8Array): Buffer =>
  Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** The item with its statement and every blob redacted (`src/redact/`). */
export async function redactItem(item: AppendItem): Promise<AppendItem> {
  const statement = redactStatement(item.statement);
  if (!item.blobs?.length) return statement === item.statement ? item : { ...item, statement };
  const blobs = await Promise.all(
    item.blobs.map(async (b) => ({
      ...b,
      bytes: (await redactBlob(asBuffer(b.bytes), b.name)).bytes,
    })),
  );
  return { ...item, statement, blobs };
}

/** `writer` redacting every item before it is appended. */
export function redactingWriter<W extends EvidenceWriter>(writer: W): W {
  return {
    ...writer,
    append: async (items) => writer.append(await Promise.all(items.map(redactItem))),
  };
}

/** The `--fail-open` spool (see spool.ts), writing only redacted statements and blobs. */
export const spoolStore = (...args: Parameters<typeof rawSpoolStore>): ReturnType<typeof rawSpoolStore> =>
  redactingWriter(rawSpoolStore(...args));
