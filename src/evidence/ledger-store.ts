import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { UsageError } from '../errors.js';
import type { Ledger } from '../ledger/index.js';
import type { EvidenceStore, Statement } from './evidence.js';
import type { RecordedEvidence } from '../facts/index.js';
import {
  EVIDENCE_PREDICATES,
  EVIDENCE_SUMMARIZER,
  emptyEvidence,
  fromSummary,
  mergeFragments,
} from './read-evidence.js';
import { legacySpoolFile, replaySpool, spoolPlace } from './spool.js';

/**
 * Pipeline evidence in the signed ledger: statements are appended as DSSE-signed in-toto
 * statements to the Merkle log (`src/ledger/`), raw material as redacted blobs. The ledger module
 * is imported lazily so commands that never touch evidence do not pay for it.
 */

export interface OpenLedgerStoreOptions {
  root: string;
  config: Config;
  /** The config file given with `--config`, when not the default. */
  configFile?: string | undefined;
  /** The ledger's clock: when entries are recorded (default: now). */
  now?: () => Date;
  /**
   * For recording: create the ledger the way `greenlight init` does when there is none (or mint
   * the signing key of a ledger that has none yet), then replay what `--fail-open` spooled.
   */
  write?: boolean;
  /** Told what was set up or replayed (the CLI prints it on stderr). */
  notice?: (message: string) => void;
}

export interface LedgerEvidenceStore extends EvidenceStore {
  readonly ledger: Ledger;
  /**
   * Evidence facts of the pipeline statements recorded in [since, until), from the ledger's read
   * index (no envelope decoding; scan findings are not read). For the change population.
   */
  evidence(range: { since?: Date | undefined; until?: Date | undefined }): Promise<RecordedEvidence>;
}

/** True for the error the store raises when no ledger exists at the configured location. */
export function isNoLedger(err: unknown): boolean {
  return err instanceof UsageError && /no evidence ledger at /.test(err.message);
}

/** Where `--fail-open` spools statements when the ledger cannot be reached (outside the working tree). */
export function spoolDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return spoolPlace(root, env).dir;
}

/** Whether a signing key is at hand (the file `greenlight init` writes, or the environment). */
function hasSigningKey(root: string, keyEnv: string): boolean {
  return Boolean(process.env[keyEnv]) || existsSync(path.join(root, '.greenlight', 'keys', 'ledger.key'));
}

/** Opens the evidence ledger of the repository at `root` (see OpenLedgerStoreOptions). */
export async function openLedgerStore(opts: OpenLedgerStoreOptions): Promise<LedgerEvidenceStore> {
  const L = await import('../ledger/index.js');
  const now = opts.now ?? (() => new Date());
  const options = {
    ...L.ledgerOptionsFromConfig(opts.root, opts.config),
    now,
    summarizer: EVIDENCE_SUMMARIZER,
  };
  const init = async () => {
    const r = await L.initLedger(opts.root, opts.configFile ? { configFile: opts.configFile } : {});
    opts.notice?.(
      `set up the evidence ledger at ${r.location} (${r.dialect}) as \`greenlight init\` does, signed with key ` +
        `${r.keyId.slice(0, 16)}…${r.keyCreated ? ` (new: keep .greenlight/keys/ledger.key safe, or store it as the CI secret ${L.KEY_ENV})` : ''}`,
    );
  };
  let ledger: Ledger;
  try {
    if (opts.write && !hasSigningKey(opts.root, L.KEY_ENV)) await init();
    ledger = await L.openLedger(options);
  } catch (err) {
    if (!opts.write || !isNoLedger(err)) throw err;
    await init();
    ledger = await L.openLedger(options);
  }
  const store = adapt(ledger, now);
  if (opts.write) {
    try {
      const replayed = await replaySpool(opts.root, store, now());
      if (replayed)
        opts.notice?.(
          `replayed ${replayed.total} statement(s) spooled by --fail-open into the ledger ` +
            `(${replayed.appended} new, ${replayed.total - replayed.appended} already there)`,
        );
      if (existsSync(legacySpoolFile(opts.root)))
        opts.notice?.(
          `${legacySpoolFile(opts.root)} is never replayed: a spool inside the working tree could be ` +
            `forged by anyone who can commit; the spool now lives in ${spoolDir(opts.root)}`,
        );
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  return store;
}

function adapt(ledger: Ledger, now: () => Date): LedgerEvidenceStore {
  return {
    ledger,
    // One indexed read of the wanted kinds in the window (see Ledger.readStatements).
    statements: async (q) =>
      (
        await ledger.readStatements({
          predicateTypes: [...new Set(q.predicateTypes)],
          since: q.since,
          until: q.until,
          subjectDigest: q.subjectDigest,
        })
      ).map((r) => ({ index: r.seq, recordedAt: r.recordedAt, statement: r.statement as Statement })),
    async evidence(range) {
      const rows = await ledger.readSummaries({ predicateTypes: [...EVIDENCE_PREDICATES], ...range });
      const ev = mergeFragments(
        emptyEvidence(ledger.location),
        rows.map((r) =>
          fromSummary(r.summary, { index: r.seq, predicateType: r.predicateType, recordedAt: r.recordedAt }),
        ),
      );
      const unindexed = rows.reduce((n, r) => n + (r.computed ? 1 : 0), 0);
      return unindexed > 0 ? { ...ev, unindexed } : ev;
    },
    blob: (sha) => ledger.getBlob(sha),
    describe: () => ledger.location,
    async append(items) {
      const result = await ledger.recordStatements(
        items.map((it) => ({
          statement: it.statement,
          blobs: it.blobs?.map((b) => ({ name: b.name, content: b.bytes, mediaType: b.mediaType })),
        })),
      );
      const at = now().toISOString();
      return {
        stored: result.entries.map((e, i) => {
          const statement = items[i]!.statement;
          return {
            index: e.seq,
            recordedAt: at,
            duplicate: e.duplicate,
            statement: e.blobs.length
              ? { ...statement, predicate: { ...statement.predicate, blobs: e.blobs } }
              : statement,
          };
        }),
        checkpoint: result.checkpoint?.treeSize ?? null,
      };
    },
    close: () => ledger.close(),
  };
}
