import { createHash } from 'node:crypto';

/**
 * The narrow view of the evidence ledger that recording, the change population and the gate
 * need: append statements (with their blobs), read them back by predicate type, subject and
 * time, and read a blob. The real ledger is adapted to this in `ledger-store.ts`; tests also
 * use the in-memory implementation below.
 */

export interface StatementSubject {
  name: string;
  digest: Record<string, string>;
}

/** An in-toto Statement v1. */
export interface Statement {
  _type: 'https://in-toto.io/Statement/v1';
  subject: StatementSubject[];
  predicateType: string;
  predicate: Record<string, unknown>;
}

export interface StoredStatement {
  /** Position in the log (0-based), or a spool position for statements not yet in the ledger. */
  index: number;
  /** ISO time the ledger accepted it. */
  recordedAt: string;
  statement: Statement;
}

export interface BlobInput {
  bytes: Uint8Array;
  mediaType: string;
}

export interface StatementQuery {
  predicateTypes: readonly string[];
  /** Only statements with a subject carrying this digest value (e.g. a commit SHA), or any of these. */
  subjectDigest?: string | readonly string[];
  since?: Date;
  until?: Date;
}

export interface EvidenceReader {
  statements(query: StatementQuery): Promise<StoredStatement[]>;
  /** A blob's bytes by sha256 (hex), or null when absent. */
  blob(sha256: string): Promise<Uint8Array | null>;
  /** Where the evidence lives, for messages (`sqlite:.greenlight/ledger.db`…). */
  describe(): string;
}

export interface EvidenceWriter {
  /** Stores the blobs (content-addressed) and appends the statements, in order, atomically. */
  append(statements: readonly Statement[], blobs?: readonly BlobInput[]): Promise<StoredStatement[]>;
}

export interface EvidenceStore extends EvidenceReader, EvidenceWriter {
  close(): Promise<void>;
}

export const sha256Hex = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

/** JSON with sorted keys, so equal data always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function matches(s: StoredStatement, q: StatementQuery): boolean {
  if (!q.predicateTypes.includes(s.statement.predicateType)) return false;
  const t = Date.parse(s.recordedAt);
  if (q.since && t < q.since.getTime()) return false;
  if (q.until && t > q.until.getTime()) return false;
  if (q.subjectDigest !== undefined) {
    const want = typeof q.subjectDigest === 'string' ? [q.subjectDigest] : q.subjectDigest;
    return s.statement.subject.some((sub) => Object.values(sub.digest).some((d) => want.includes(d)));
  }
  return true;
}

/** An in-memory store: for unit tests, and as the read side of a spool. */
export function memoryEvidenceStore(
  clock: () => Date = () => new Date(),
  initial: StoredStatement[] = [],
): EvidenceStore & { all(): StoredStatement[] } {
  const log: StoredStatement[] = [...initial];
  const blobs = new Map<string, Uint8Array>();
  return {
    async statements(q) {
      return log.filter((s) => matches(s, q));
    },
    async blob(sha) {
      return blobs.get(sha) ?? null;
    },
    describe: () => 'memory',
    async append(statements, bs = []) {
      for (const b of bs) blobs.set(sha256Hex(b.bytes), b.bytes);
      const at = clock().toISOString();
      return statements.map((statement) => {
        const stored = { index: log.length, recordedAt: at, statement: structuredClone(statement) };
        log.push(stored);
        return stored;
      });
    },
    async close() {},
    all: () => log,
  };
}

export { matches as statementMatches };
