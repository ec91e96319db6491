import { randomBytes } from 'node:crypto';
import picomatch from 'picomatch';
import { LedgerIntegrityError, UsageError } from '../errors.js';
import type { EntryRow, HoldRow } from '../store/index.js';
import { appendPrepared, prepareEntries, requireSigner, type LedgerContext } from './ledger.js';
import { leafHash } from './merkle.js';
import { evidenceType, PERMANENT_PREDICATES, PREDICATE_TYPES, STATEMENT_TYPE } from './statement.js';

/**
 * Retention and legal hold. Pruning removes payloads (and blobs no longer referenced by any
 * unpruned entry) whose retention has passed, never leaf hashes: every proof still verifies and
 * `show` reports the entry as pruned. Each prune run is itself a signed statement in the log
 * listing what it removed, and each prune marker points at it, so `verify` can tell a sanctioned
 * prune from a deleted row. A legal hold, also recorded as a signed statement, blocks pruning of
 * the entries it selects until released.
 */

export const DEFAULT_RETENTION_DAYS = 730;
const DAY_MS = 86_400_000;

export interface HoldSelector {
  /** Evidence types (e.g. `check-result`); empty or absent: every type. */
  types?: string[] | undefined;
  /** Entries recorded at or after this time (ISO). */
  since?: string | undefined;
  /** Entries recorded before this time (ISO). */
  until?: string | undefined;
  /** Glob patterns over subject names (e.g. `github.com/acme/*`). */
  subjects?: string[] | undefined;
}

export interface Hold {
  id: string;
  selector: HoldSelector;
  reason: string;
  actor: string | null;
  at: string;
  statementSeq: number;
  released: { at: string; reason: string; actor: string | null; statementSeq: number } | null;
}

export function retentionFor(type: string, retentionDays: Readonly<Record<string, number>>): number {
  return retentionDays[type] ?? retentionDays.default ?? DEFAULT_RETENTION_DAYS;
}

export async function listHolds(ctx: LedgerContext): Promise<Hold[]> {
  return foldHolds(await ctx.store.ledger.holds());
}

function foldHolds(rows: HoldRow[]): Hold[] {
  const byId = new Map<string, Hold>();
  for (const r of rows.filter((x) => x.action === 'add')) {
    byId.set(r.hold_id, {
      id: r.hold_id,
      selector: JSON.parse(r.selector) as HoldSelector,
      reason: r.reason,
      actor: r.actor,
      at: r.at,
      statementSeq: r.statement_seq,
      released: null,
    });
  }
  for (const r of rows.filter((x) => x.action === 'release')) {
    const hold = byId.get(r.hold_id);
    if (hold) hold.released = { at: r.at, reason: r.reason, actor: r.actor, statementSeq: r.statement_seq };
  }
  return [...byId.values()];
}

function holdStatement(
  ctx: LedgerContext,
  action: 'add' | 'release',
  id: string,
  selector: HoldSelector,
  reason: string,
  actor: string | null,
  at: string,
) {
  return {
    statement: {
      _type: STATEMENT_TYPE,
      subject: [{ name: `legal-hold:${id}`, annotations: { origin: ctx.origin } }],
      predicateType: PREDICATE_TYPES.legalHold,
      predicate: { action, holdId: id, selector, reason, actor, at },
    },
  };
}

export async function addHold(
  ctx: LedgerContext,
  input: { id?: string | undefined; reason: string; actor?: string | undefined; selector: HoldSelector },
): Promise<Hold> {
  requireSigner(ctx);
  if (!input.reason.trim()) throw new UsageError('a legal hold needs a reason (--reason)');
  for (const t of ['since', 'until'] as const) {
    const v = input.selector[t];
    if (v !== undefined && Number.isNaN(Date.parse(v))) throw new UsageError(`--${t} "${v}" is not a date`);
  }
  const at = ctx.now().toISOString();
  const id = input.id ?? `hold-${at.slice(0, 10)}-${randomBytes(3).toString('hex')}`;
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(id))
    throw new UsageError(`hold id "${id}" may use letters, digits, . _ - only`);
  const selector = normalizeSelector(input.selector);
  const actor = input.actor ?? null;
  const existing = await listHolds(ctx);
  if (existing.some((h) => h.id === id)) throw new UsageError(`a legal hold "${id}" already exists`);
  const prepared = await prepareEntries(ctx, [
    holdStatement(ctx, 'add', id, selector, input.reason, actor, at),
  ]);
  const result = await appendPrepared(ctx, prepared, {}, async (tx, seqs) => {
    const seq = seqs[0];
    if (seq === undefined) throw new UsageError(`this legal hold was already recorded`);
    await tx.insertHold({
      hold_id: id,
      action: 'add',
      selector: JSON.stringify(selector),
      reason: input.reason,
      actor,
      at,
      statement_seq: seq,
    });
  });
  return {
    id,
    selector,
    reason: input.reason,
    actor,
    at,
    statementSeq: result.entries[0]?.seq ?? -1,
    released: null,
  };
}

export async function releaseHold(
  ctx: LedgerContext,
  id: string,
  input: { reason: string; actor?: string | undefined },
): Promise<Hold> {
  requireSigner(ctx);
  if (!input.reason.trim()) throw new UsageError('releasing a legal hold needs a reason (--reason)');
  const hold = (await listHolds(ctx)).find((h) => h.id === id);
  if (!hold) throw new UsageError(`no legal hold "${id}" (see \`greenlight ledger hold list\`)`);
  if (hold.released) throw new UsageError(`legal hold "${id}" was already released on ${hold.released.at}`);
  const at = ctx.now().toISOString();
  const actor = input.actor ?? null;
  const prepared = await prepareEntries(ctx, [
    holdStatement(ctx, 'release', id, hold.selector, input.reason, actor, at),
  ]);
  const result = await appendPrepared(ctx, prepared, {}, async (tx, seqs) => {
    const seq = seqs[0];
    if (seq === undefined) throw new UsageError(`this release was already recorded`);
    await tx.insertHold({
      hold_id: id,
      action: 'release',
      selector: JSON.stringify(hold.selector),
      reason: input.reason,
      actor,
      at,
      statement_seq: seq,
    });
  });
  return {
    ...hold,
    released: { at, reason: input.reason, actor, statementSeq: result.entries[0]?.seq ?? -1 },
  };
}

function normalizeSelector(s: HoldSelector): HoldSelector {
  const out: HoldSelector = {};
  if (s.types?.length) out.types = [...s.types].sort();
  if (s.since) out.since = new Date(s.since).toISOString();
  if (s.until) out.until = new Date(s.until).toISOString();
  if (s.subjects?.length) out.subjects = [...s.subjects].sort();
  return out;
}

/** Does an active hold cover this entry? `subjects` is only read when some hold filters on them. */
function held(hold: Hold, row: EntryRow, subjects: () => string[]): boolean {
  const s = hold.selector;
  if (s.types?.length && !s.types.includes(evidenceType(row.predicate_type))) return false;
  if (s.since && row.recorded_at < s.since) return false;
  if (s.until && row.recorded_at >= s.until) return false;
  if (s.subjects?.length) {
    const names = subjects();
    const match = picomatch(s.subjects, { dot: true });
    if (!names.some((n) => match(n))) return false;
  }
  return true;
}

export interface PruneOptions {
  retentionDays: Readonly<Record<string, number>>;
  dryRun?: boolean | undefined;
  actor?: string | undefined;
}

export interface PruneReport {
  dryRun: boolean;
  /** Entries past retention (before holds). */
  expired: number;
  /** Of those, kept because a legal hold covers them. */
  held: number;
  pruned: number;
  /** Inclusive-exclusive seq ranges pruned (or that would be). */
  ranges: [number, number][];
  blobsPruned: number;
  /** The seq of the signed prune statement; null on a dry run or when nothing was pruned. */
  statementSeq: number | null;
}

export async function prune(ctx: LedgerContext, opts: PruneOptions): Promise<PruneReport> {
  const now = ctx.now();
  const days = Object.values(opts.retentionDays);
  const shortest = Math.min(DEFAULT_RETENTION_DAYS, ...(days.length ? days : [DEFAULT_RETENTION_DAYS]));
  const cutoff = new Date(now.getTime() - shortest * DAY_MS).toISOString();
  const holds = (await listHolds(ctx)).filter((h) => !h.released);
  const bySubject = holds.some((h) => h.selector.subjects?.length);

  const selected: number[] = [];
  let expired = 0;
  let heldCount = 0;
  let after = -1;
  for (;;) {
    const rows = await ctx.store.ledger.unprunedBefore(cutoff, after, 5000);
    if (rows.length === 0) break;
    after = (rows[rows.length - 1] as EntryRow).seq;
    const envelopes = bySubject ? await envelopeMap(ctx, rows) : new Map<number, Buffer>();
    for (const row of rows) {
      if (PERMANENT_PREDICATES.has(row.predicate_type)) continue;
      const limit = new Date(
        now.getTime() - retentionFor(evidenceType(row.predicate_type), opts.retentionDays) * DAY_MS,
      );
      if (row.recorded_at >= limit.toISOString()) continue;
      expired++;
      const subjects = () => subjectNames(envelopes.get(row.seq));
      if (holds.some((h) => held(h, row, subjects))) {
        heldCount++;
        continue;
      }
      selected.push(row.seq);
    }
  }
  const ranges = toRanges(selected);
  const blobs = await prunableBlobs(ctx, selected);
  const report: PruneReport = {
    dryRun: opts.dryRun ?? false,
    expired,
    held: heldCount,
    pruned: selected.length,
    ranges,
    blobsPruned: blobs.length,
    statementSeq: null,
  };
  if (opts.dryRun || (selected.length === 0 && blobs.length === 0)) return report;

  requireSigner(ctx);
  const prunedAt = now.toISOString();
  const holdIds = holds.map((h) => h.id).sort();
  const [prepared] = await prepareEntries(ctx, [
    {
      statement: {
        _type: STATEMENT_TYPE,
        subject: [{ name: `ledger:${ctx.origin}` }],
        predicateType: PREDICATE_TYPES.prune,
        predicate: {
          reason: 'retention',
          prunedAt,
          actor: opts.actor ?? null,
          retentionDays: opts.retentionDays,
          entries: ranges,
          blobs: blobs.map((b) => b.toString('hex')).sort(),
          activeHolds: holdIds,
        },
      },
    },
  ]);
  const result = await appendPrepared(
    ctx,
    [prepared as NonNullable<typeof prepared>],
    {},
    async (tx, seqs) => {
      const pruneSeq = seqs[0];
      if (pruneSeq === undefined) throw new LedgerIntegrityError('the prune statement was already recorded');
      // A hold added since we looked must still win.
      const now2 = foldHolds(await tx.holds())
        .filter((h) => !h.released)
        .map((h) => h.id)
        .sort();
      if (now2.join() !== holdIds.join())
        throw new UsageError('legal holds changed while pruning; run prune again');
      await tx.insertPrunes(selected.map((seq) => ({ seq, prune_seq: pruneSeq, pruned_at: prunedAt })));
      await tx.insertBlobPrunes(
        blobs.map((digest) => ({ digest, prune_seq: pruneSeq, pruned_at: prunedAt })),
      );
    },
  );
  report.statementSeq = result.entries[0]?.seq ?? null;
  return report;
}

async function envelopeMap(ctx: LedgerContext, rows: EntryRow[]): Promise<Map<number, Buffer>> {
  const first = (rows[0] as EntryRow).seq;
  const last = (rows[rows.length - 1] as EntryRow).seq;
  const out = new Map<number, Buffer>();
  for (const r of await ctx.store.ledger.entries(first, last + 1)) {
    if (r.envelope && leafHash(r.envelope).equals(r.leaf_hash)) out.set(r.seq, r.envelope);
  }
  return out;
}

function subjectNames(envelope: Buffer | undefined): string[] {
  if (!envelope) return [];
  try {
    const env = JSON.parse(envelope.toString('utf8')) as { payload: string };
    const st = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as {
      subject?: { name?: unknown }[];
    };
    return (st.subject ?? []).map((s) => s.name).filter((n): n is string => typeof n === 'string');
  } catch {
    return [];
  }
}

/** Blobs referenced by the entries being pruned whose every referencing entry is pruned (or is being). */
async function prunableBlobs(ctx: LedgerContext, selected: number[]): Promise<Buffer[]> {
  if (selected.length === 0) return [];
  const chosen = new Set(selected);
  const pruned = new Set((await ctx.store.ledger.prunes()).map((p) => p.seq));
  const digests = new Map<string, Buffer>();
  for (const [a, b] of toRanges(selected)) {
    for (const ref of await ctx.store.ledger.blobRefs(a, b)) {
      if (chosen.has(ref.seq)) digests.set(ref.digest.toString('hex'), ref.digest);
    }
  }
  const present = await ctx.store.ledger.blobDigests([...digests.values()]);
  const refs = await ctx.store.ledger.blobRefsByDigest([...digests.values()]);
  const stillUsed = new Set(
    refs.filter((r) => !chosen.has(r.seq) && !pruned.has(r.seq)).map((r) => r.digest.toString('hex')),
  );
  return [...digests].filter(([hex]) => present.has(hex) && !stillUsed.has(hex)).map(([, d]) => d);
}

export function toRanges(seqs: number[]): [number, number][] {
  const sorted = [...seqs].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && last[1] === s) last[1] = s + 1;
    else out.push([s, s + 1]);
  }
  return out;
}
