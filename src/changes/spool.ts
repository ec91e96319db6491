import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LedgerIntegrityError } from '../errors.js';
import {
  sha256Hex,
  type AppendItem,
  type EvidenceStore,
  type EvidenceWriter,
  type Statement,
} from './evidence.js';
import { recordIdempotent } from './record.js';

/**
 * The `--fail-open` spool: when the ledger cannot be reached, statements are appended here (one
 * JSON line each, blobs content-addressed beside them), unsigned. The next command that opens
 * the ledger for writing replays them into it (idempotently) and renames the file, so nothing
 * recorded while the ledger was down is lost.
 */

interface SpoolLine {
  index: number;
  recordedAt: string;
  statement: Statement;
  blobs: { name: string; mediaType: string; sha256: string }[];
}

const FILE = 'statements.jsonl';

export interface SpoolWriter extends EvidenceWriter {
  describe(): string;
}

export function spoolStore(dir: string, clock: () => Date = () => new Date()): SpoolWriter {
  const file = path.join(dir, FILE);
  const blobDir = path.join(dir, 'blobs');
  const count = (): number =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '').length
      : 0;
  return {
    describe: () => `spool ${file}`,
    async append(items: readonly AppendItem[]) {
      mkdirSync(blobDir, { recursive: true });
      const start = count();
      const at = clock().toISOString();
      const lines: SpoolLine[] = items.map((it, i) => ({
        index: start + i,
        recordedAt: at,
        statement: it.statement,
        blobs: (it.blobs ?? []).map((b) => {
          const sha = sha256Hex(b.bytes);
          const p = path.join(blobDir, sha);
          if (!existsSync(p)) {
            writeFileSync(`${p}.tmp`, b.bytes);
            renameSync(`${p}.tmp`, p);
          }
          return { name: b.name, mediaType: b.mediaType, sha256: sha };
        }),
      }));
      // One write for the batch: a crash leaves either all lines or none.
      if (lines.length > 0) appendFileSync(file, lines.map((l) => JSON.stringify(l) + '\n').join(''));
      return {
        stored: lines.map((l) => ({
          index: l.index,
          recordedAt: l.recordedAt,
          statement: l.statement,
          duplicate: false,
        })),
        checkpoint: null,
      };
    },
  };
}

/**
 * Replays spooled statements into the ledger, oldest first, then renames the spool file to
 * `replayed-<time>.jsonl`. Returns null when there is nothing to replay.
 */
export async function replaySpool(
  dir: string,
  store: EvidenceStore,
  now: Date,
): Promise<{ total: number; appended: number } | null> {
  const file = path.join(dir, FILE);
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  if (lines.length === 0) return null;
  let appended = 0;
  for (const [n, text] of lines.entries()) {
    let line: SpoolLine;
    try {
      line = JSON.parse(text) as SpoolLine;
    } catch {
      throw new LedgerIntegrityError(
        `${file}:${n + 1}: not a spooled statement (edited or truncated); fix or move the file`,
      );
    }
    const blobs = line.blobs.map((b) => {
      const p = path.join(dir, 'blobs', b.sha256);
      const bytes = existsSync(p) ? readFileSync(p) : null;
      if (!bytes || sha256Hex(bytes) !== b.sha256)
        throw new LedgerIntegrityError(`${file}:${n + 1}: spooled blob ${b.sha256} is missing or altered`);
      return { name: b.name, mediaType: b.mediaType, bytes };
    });
    const outcome = await recordIdempotent(store, { statement: line.statement, blobs }, now);
    if (outcome.appended) appended += 1;
  }
  renameSync(file, path.join(dir, `replayed-${now.toISOString().replace(/[:.]/g, '-')}.jsonl`));
  return { total: lines.length, appended };
}
