import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  sha256Hex,
  statementMatches,
  type BlobInput,
  type EvidenceStore,
  type Statement,
  type StoredStatement,
} from './evidence.js';

/**
 * A local, append-only spool of statements (one JSON line each) and content-addressed blobs.
 * The gate writes here with `--fail-open` when the ledger cannot be reached; the statements are
 * unsigned until they are replayed into the ledger.
 */
export function spoolStore(dir: string, clock: () => Date = () => new Date()): EvidenceStore {
  const file = path.join(dir, 'statements.jsonl');
  const blobDir = path.join(dir, 'blobs');
  const readAll = (): StoredStatement[] => {
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as StoredStatement);
  };
  return {
    async statements(q) {
      return readAll().filter((s) => statementMatches(s, q));
    },
    async blob(sha) {
      if (!/^[0-9a-f]{64}$/.test(sha)) return null;
      const p = path.join(blobDir, sha);
      return existsSync(p) ? readFileSync(p) : null;
    },
    describe: () => `spool:${file}`,
    async append(statements: readonly Statement[], blobs: readonly BlobInput[] = []) {
      mkdirSync(blobDir, { recursive: true });
      for (const b of blobs) {
        const p = path.join(blobDir, sha256Hex(b.bytes));
        if (existsSync(p)) continue;
        writeFileSync(`${p}.tmp`, b.bytes);
        renameSync(`${p}.tmp`, p);
      }
      const start = readAll().length;
      const at = clock().toISOString();
      const stored = statements.map((statement, i) => ({ index: start + i, recordedAt: at, statement }));
      // One write for the batch: a crash leaves either all lines or none.
      if (stored.length > 0) appendFileSync(file, stored.map((s) => JSON.stringify(s) + '\n').join(''));
      return stored;
    },
    async close() {},
  };
}
