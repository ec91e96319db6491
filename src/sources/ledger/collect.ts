import { LedgerIntegrityError } from '../../errors.js';
import {
  unavailable,
  type LedgerFacts,
  type LedgerVerification,
  type RecordedAssessment,
  type RecordedEvidence,
  type Unavailable,
} from '../../facts/index.js';
import type { Ledger } from '../../ledger/index.js';
import type { SourceContext } from '../context.js';
import {
  emptyEvidence,
  EVIDENCE_PREDICATES,
  isNoLedger,
  openLedgerStore,
  PREDICATE,
  readRecordedEvidence,
  toRecordedEvidence,
} from '../../evidence/index.js';

const DAY = 86_400_000;

/**
 * How long before the window start evidence about a change in the window may have been recorded
 * (pull-request runs and reviews happen before the merge).
 */
export const EVIDENCE_LOOKBACK_DAYS = 30;

const NO_LEDGER =
  'no evidence ledger exists yet: run `greenlight init`, then record from CI with `greenlight record …` and `greenlight gate`';

/**
 * The `evidence` fact loader: the pipeline statements recorded for the window (from
 * EVIDENCE_LOOKBACK_DAYS before it; scans from the longest vulnerability SLA before it, so a
 * finding's first detection is seen). No ledger yet gives empty evidence marked `absent`.
 */
export async function collectEvidence(
  ctx: SourceContext,
  opts: {
    findings?: boolean;
    /** Throw (exit 3 for integrity, 4 unreachable) instead of returning `unavailable`: for commands. */
    strict?: boolean;
  } = {},
): Promise<RecordedEvidence | Unavailable> {
  let store;
  try {
    store = await openLedgerStore({ root: ctx.root, config: ctx.config });
  } catch (err) {
    if (isNoLedger(err)) return { ...emptyEvidence('none'), absent: NO_LEDGER };
    if (opts.strict) throw err;
    return unavailable(`the evidence ledger cannot be opened: ${(err as Error).message}`);
  }
  const window = { since: ctx.since ? ctx.since.toISOString() : null, until: ctx.until.toISOString() };
  try {
    if (opts.findings === false) {
      // The change population: the ledger's read index, from the lookback before the window.
      const from = ctx.since === null ? null : new Date(ctx.since.getTime() - EVIDENCE_LOOKBACK_DAYS * DAY);
      return { ...(await store.evidence(from ? { since: from } : {})), window };
    }
    if (ctx.since === null) return { ...(await readRecordedEvidence(store, {})), window };
    const since = ctx.since.getTime();
    const maxSla = Math.max(...Object.values(ctx.config.thresholds.sla));
    const from = since - EVIDENCE_LOOKBACK_DAYS * DAY;
    // Scans go back by the longest SLA so vuln.sla sees first detections.
    const scansFrom = since - Math.max(maxSla, EVIDENCE_LOOKBACK_DAYS) * DAY;
    // One read from the earlier start, then each kind from its own start.
    const all = (
      await store.statements({ predicateTypes: EVIDENCE_PREDICATES, since: new Date(scansFrom) })
    ).filter((s) => s.statement.predicateType === PREDICATE.scan || Date.parse(s.recordedAt) >= from);
    return { ...(await toRecordedEvidence(all, store)), window };
  } catch (err) {
    if (opts.strict) throw err;
    return unavailable(`the evidence ledger cannot be read: ${(err as Error).message}`);
  } finally {
    await store.close();
  }
}

/**
 * The `ledger` fact loader (for `evidence.continuous` and `evidence.retention`): recorded
 * assessments, the newest checkpoint and a bounded verification. An integrity error is a fact
 * (the verification failed), not a reason to give up.
 */
export async function collectLedgerFacts(ctx: SourceContext): Promise<LedgerFacts | Unavailable> {
  const L = await import('../../ledger/index.js');
  let store;
  try {
    store = await openLedgerStore({ root: ctx.root, config: ctx.config });
  } catch (err) {
    if (isNoLedger(err))
      return unavailable(
        'no evidence ledger exists yet: run `greenlight init`; each `greenlight assess` then records into it',
      );
    if (err instanceof LedgerIntegrityError) return broken(ctx, err.message);
    return unavailable(`the evidence ledger cannot be opened: ${(err as Error).message}`);
  }
  const ledger = store.ledger;
  try {
    const window = { since: ctx.since ? ctx.since.toISOString() : null, until: ctx.until.toISOString() };
    const status = await ledger.status();
    const assessments = await readAssessments(ledger, L.PREDICATE_TYPES.assessment, ctx.since);
    const { verification, checkpoint } = await verifyBounded(ledger, status.treeSize, assessments, L);
    return {
      location: status.location,
      dialect: status.dialect,
      origin: status.origin,
      treeSize: status.treeSize,
      checkpoint,
      assessments,
      window,
      evidenceTypes: evidenceTypes(L),
      verification,
    };
  } catch (err) {
    if (err instanceof LedgerIntegrityError) return broken(ctx, err.message, ledger);
    return unavailable(`the evidence ledger cannot be read: ${(err as Error).message}`);
  } finally {
    await store.close();
  }
}

type LedgerModule = typeof import('../../ledger/index.js');

function evidenceTypes(L: LedgerModule): string[] {
  const types = [
    L.PREDICATE_TYPES.assessment,
    L.PREDICATE_TYPES.checkResult,
    L.PREDICATE_TYPES.rawFacts,
    ...EVIDENCE_PREDICATES,
    PREDICATE.sample,
  ].map((t) => L.evidenceType(t));
  return [...new Set(types)];
}

function broken(ctx: SourceContext, problem: string, ledger?: Ledger): LedgerFacts {
  return {
    location: ledger?.location ?? ctx.root,
    dialect: ledger?.dialect ?? 'sqlite',
    origin: ledger?.origin ?? '',
    treeSize: 0,
    checkpoint: null,
    assessments: [],
    window: { since: ctx.since ? ctx.since.toISOString() : null, until: ctx.until.toISOString() },
    evidenceTypes: [],
    verification: { ok: false, checked: [], problems: [problem] },
  };
}

async function readAssessments(
  ledger: Ledger,
  predicateType: string,
  since: Date | null,
): Promise<RecordedAssessment[]> {
  const rows = await ledger.readStatements({
    predicateTypes: [predicateType],
    ...(since ? { since: new Date(since.getTime() - DAY) } : {}),
  });
  return rows.map((r) => {
    const p = r.statement.predicate as {
      generatedAt?: unknown;
      subject?: { name?: unknown };
      checkpoint?: { treeSize?: unknown; rootHash?: unknown };
    };
    const cp = p.checkpoint;
    return {
      seq: r.seq,
      recordedAt: r.recordedAt,
      generatedAt: typeof p.generatedAt === 'string' ? p.generatedAt : r.recordedAt,
      subject: typeof p.subject?.name === 'string' ? p.subject.name : (r.statement.subject[0]?.name ?? ''),
      ...(cp && typeof cp.treeSize === 'number' && typeof cp.rootHash === 'string'
        ? { checkpoint: { treeSize: cp.treeSize, rootHash: cp.rootHash } }
        : {}),
    };
  });
}

/**
 * Bounded verification, O(log n) reads: the newest checkpoint's signature (by a trusted key,
 * for this origin); the Merkle root recomputed from the stored subtree hashes at its size; a
 * consistency proof from it to the current tree; and a consistency proof from the checkpoint the
 * previous recorded assessment saw to it (the log was only appended to since).
 */
async function verifyBounded(
  ledger: Ledger,
  treeSize: number,
  assessments: readonly RecordedAssessment[],
  L: LedgerModule,
): Promise<{ verification: LedgerVerification; checkpoint: LedgerFacts['checkpoint'] }> {
  const checked: string[] = [];
  const problems: string[] = [];
  const hex = (h: string) => Buffer.from(h, 'hex');
  let cp;
  try {
    cp = await ledger.latestCheckpoint();
  } catch (err) {
    problems.push(`the newest checkpoint does not verify: ${(err as Error).message}`);
    return { verification: { ok: false, checked, problems }, checkpoint: null };
  }
  if (!cp) {
    if (treeSize > 0) problems.push(`the ledger has ${treeSize} entries but no signed checkpoint`);
    else checked.push('the ledger is empty');
    return { verification: { ok: problems.length === 0, checked, problems }, checkpoint: null };
  }
  checked.push(`signature of the checkpoint at size ${cp.treeSize} (origin ${cp.origin})`);
  const cpRoot = cp.rootHash.toString('hex');
  if (cp.treeSize > treeSize) {
    problems.push(
      `the checkpoint covers ${cp.treeSize} entries but the log has only ${treeSize}: entries were removed`,
    );
  } else if (cp.treeSize > 0) {
    const toNow = await ledger.proveConsistency(cp.treeSize, treeSize);
    if (toNow.fromRoot !== cpRoot)
      problems.push(`the Merkle root recomputed at size ${cp.treeSize} differs from the signed checkpoint's`);
    else if (
      !L.verifyConsistency(
        cp.treeSize,
        treeSize,
        hex(toNow.fromRoot),
        hex(toNow.toRoot),
        toNow.proof.map(hex),
      )
    )
      problems.push(`the stored hashes from size ${cp.treeSize} to ${treeSize} are not consistent`);
    else
      checked.push(
        `Merkle root recomputed at size ${cp.treeSize} matches the checkpoint` +
          (treeSize > cp.treeSize ? `; consistent with the ${treeSize - cp.treeSize} entries after it` : ''),
      );
  }
  const previous = [...assessments]
    .reverse()
    .find((a) => a.checkpoint && a.checkpoint.treeSize > 0)?.checkpoint;
  if (previous) {
    if (previous.treeSize > cp.treeSize) {
      problems.push(
        `a recorded assessment saw a checkpoint at size ${previous.treeSize}, larger than the newest (${cp.treeSize}): the log was cut back`,
      );
    } else {
      const proof = await ledger.proveConsistency(previous.treeSize, cp.treeSize);
      const ok =
        proof.fromRoot === previous.rootHash &&
        L.verifyConsistency(
          previous.treeSize,
          cp.treeSize,
          hex(previous.rootHash),
          cp.rootHash,
          proof.proof.map(hex),
        );
      if (ok)
        checked.push(
          `consistency proof from the checkpoint the previous assessment saw (size ${previous.treeSize})`,
        );
      else
        problems.push(
          `the log at size ${previous.treeSize} no longer matches the checkpoint a previous assessment saw: entries were changed`,
        );
    }
  }
  return {
    verification: { ok: problems.length === 0, checked, problems },
    checkpoint: { treeSize: cp.treeSize, rootHash: cpRoot },
  };
}
