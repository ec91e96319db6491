import type { z } from 'zod';
import type { CiContext } from '../ci-context/index.js';
import type {
  ApprovalRecord,
  EvidenceRef,
  ForcePushRecord,
  RecordedEvidence,
  ScanFindingRecord,
} from '../facts/index.js';
import { blobDigest, type EvidenceReader, type Statement, type StoredStatement } from './evidence.js';
import {
  PREDICATE,
  accessReviewPredicate,
  deploymentPredicate,
  findingsBlob,
  gatePredicate,
  overridePredicate,
  reviewPredicate,
  scanPredicate,
  testsPredicate,
} from './predicates.js';
import { predicateTime } from './record.js';

/** Every predicate type the population reads (samples are not facts about changes). */
export const EVIDENCE_PREDICATES = [
  PREDICATE.deployment,
  PREDICATE.scan,
  PREDICATE.tests,
  PREDICATE.override,
  PREDICATE.review,
  PREDICATE.accessReview,
  PREDICATE.gate,
] as const;

export function emptyEvidence(store: string): RecordedEvidence {
  return {
    store,
    deployments: [],
    scans: [],
    tests: [],
    overrides: [],
    reviews: [],
    accessReviews: [],
    approvals: [],
    gates: [],
    forcePushes: [],
    skipped: [],
  };
}

const refOf = (s: StoredStatement): EvidenceRef => ({
  index: s.index,
  predicateType: s.statement.predicateType,
  recordedAt: s.recordedAt,
});

/** Drops the idempotency key: facts carry the evidence, not how it was deduplicated. */
function common(s: StoredStatement, p: { ci: unknown; repository?: string | undefined }) {
  return {
    ref: refOf(s),
    ci: p.ci as CiContext,
    ...(p.repository ? { repository: p.repository } : {}),
  };
}

function withoutKey<T extends { key: string; ci: unknown; repository?: string | undefined }>(
  p: T,
): Omit<T, 'key' | 'ci' | 'repository'> {
  const { key: _k, ci: _c, repository: _r, ...rest } = p;
  return rest;
}

export interface ReadOptions {
  /**
   * Read each scan's findings from its blob (default true). The change population needs only
   * the per-severity summary, so `changes` skips them; the gate and vuln.sla need them.
   */
  findings?: boolean;
}

/** The evidence facts one statement contributes (only the kinds it has). */
export type EvidenceFragment = Partial<Omit<RecordedEvidence, 'store' | 'absent' | 'window' | 'unindexed'>>;

type FragmentKey = keyof EvidenceFragment;

/**
 * One stored statement as typed evidence facts, without reading blobs: a scan's findings are
 * left empty (see `toRecordedEvidence`). A predicate that does not match its schema is listed
 * in `skipped` rather than failing the whole read. Pure: the ledger's read index stores it.
 */
export function fragmentOf(s: StoredStatement): EvidenceFragment {
  const f: EvidenceFragment = {};
  const add = <K extends FragmentKey>(key: K, item: NonNullable<EvidenceFragment[K]>[number]) => {
    ((f[key] ??= []) as unknown[]).push(item);
  };
  const p = s.statement.predicate;
  const parse = <S extends z.ZodType>(schema: S): z.infer<S> | null => {
    const r = schema.safeParse(p);
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    add('skipped', {
      index: s.index,
      reason: `${s.statement.predicateType}: ${issue ? `/${issue.path.join('/')}: ${issue.message}` : 'invalid'}`,
    });
    return null;
  };
  switch (s.statement.predicateType) {
    case PREDICATE.deployment: {
      const d = parse(deploymentPredicate);
      if (d) add('deployments', { ...common(s, d), ...withoutKey(d) } as never);
      break;
    }
    case PREDICATE.scan: {
      const d = parse(scanPredicate);
      if (d)
        add('scans', {
          ...common(s, d),
          commit: d.commit,
          tool: d.tool,
          format: d.format,
          scanTypes: d.scanTypes,
          scannedAt: d.scannedAt,
          reportSha256: blobDigest(p, d.report.blob) ?? '',
          summary: { critical: 0, high: 0, medium: 0, low: 0, info: 0, ...d.summary },
          findings: [],
        });
      break;
    }
    case PREDICATE.tests: {
      const d = parse(testsPredicate);
      if (d) {
        const { reports, ...rest } = withoutKey(d);
        const first = reports[0] ? blobDigest(p, reports[0].blob) : undefined;
        add('tests', { ...common(s, d), ...rest, reportSha256: first ?? '' });
      }
      break;
    }
    case PREDICATE.override: {
      const d = parse(overridePredicate);
      if (d) add('overrides', { ...common(s, d), ...withoutKey(d) } as never);
      break;
    }
    case PREDICATE.review: {
      const d = parse(reviewPredicate);
      if (d) add('reviews', { ...common(s, d), ...withoutKey(d) } as never);
      break;
    }
    case PREDICATE.accessReview: {
      const d = parse(accessReviewPredicate);
      if (d) {
        const { report, ...rest } = withoutKey(d);
        add('accessReviews', { ...common(s, d), ...rest, reportSha256: blobDigest(p, report.blob) ?? '' });
      }
      break;
    }
    case PREDICATE.gate: {
      const d = parse(gatePredicate);
      if (d) {
        const { decidedAt: _d, ...rest } = withoutKey(d);
        add('gates', { ...common(s, d), ...rest } as never);
      }
      break;
    }
  }
  addCiFacts(f, p.ci as CiContext | undefined, refOf(s), predicateTime(p));
  return f;
}

/**
 * The facts a statement's CI context carries by itself: an approval (the run of a review
 * event) and a forced push. `predicateAt` is the predicate's own time (see `predicateTime`).
 */
function addCiFacts(
  f: EvidenceFragment,
  ci: CiContext | undefined,
  ref: EvidenceRef,
  predicateAt: string | undefined,
): void {
  if (ci?.review) (f.approvals ??= []).push(approvalOf(ci, ref, predicateAt));
  if (ci?.push?.forced && ci.push.after) {
    (f.forcePushes ??= []).push({
      ref,
      ci,
      at: ref.recordedAt,
      after: ci.push.after,
      ...(ci.push.before ? { before: ci.push.before } : {}),
      ...(ci.ref ? { gitRef: ci.ref } : {}),
    });
  }
}

/** Appends fragments (oldest first) to `ev`; a force push seen by several runs counts once. */
export function mergeFragments(
  ev: RecordedEvidence,
  fragments: Iterable<EvidenceFragment>,
): RecordedEvidence {
  const forced = new Set(ev.forcePushes.map((x) => x.after));
  for (const f of fragments) {
    for (const key of Object.keys(f) as FragmentKey[]) {
      const items = f[key] as unknown[];
      if (key === 'forcePushes') {
        for (const x of items as ForcePushRecord[])
          if (x.after && !forced.has(x.after)) {
            forced.add(x.after);
            ev.forcePushes.push(x);
          }
      } else for (const x of items) (ev[key] as unknown[]).push(x);
    }
  }
  return ev;
}

/** The record kinds a statement has at most one of (approvals and force pushes come from its CI context). */
const RECORD_KINDS = [
  'deployments',
  'scans',
  'tests',
  'overrides',
  'reviews',
  'accessReviews',
  'gates',
] as const satisfies readonly FragmentKey[];

/**
 * A stored summary (version 3): the statement's record without `ref` and `ci`, which every
 * record of a statement shares; the CI context once, with values that repeat another value
 * written as SAME; and `at`, the predicate's time, when an approval needs it. Approvals and
 * force pushes are not stored: `fromSummary` derives them from the CI context as `fragmentOf`
 * does. About half the bytes of storing the fragment itself, and as many fewer objects to read.
 */
interface StoredFragment extends Partial<Record<(typeof RECORD_KINDS)[number], Record<string, unknown>[]>> {
  ci?: Record<string, unknown>;
  at?: string;
  skipped?: EvidenceFragment['skipped'];
}

/** In a stored CI context: "the same value as …" (those values are otherwise strings). */
const SAME = 1;

type Primary = { commit?: unknown; repository?: unknown } | undefined;

function primaryOf(f: StoredFragment): Primary {
  for (const k of RECORD_KINDS) if (f[k]?.[0]) return f[k][0];
  return undefined;
}

function compactCi(ci: CiContext, primary: Primary): Record<string, unknown> {
  const c: Record<string, unknown> = { ...ci };
  if (ci.commit !== undefined && ci.commit === primary?.commit) c.commit = SAME;
  if (ci.repository !== undefined && ci.repository === primary?.repository) c.repository = SAME;
  if (ci.eventName !== undefined && ci.eventName === ci.event) c.eventName = SAME;
  if (ci.commit !== undefined && ci.pullRequest?.headSha === ci.commit)
    c.pullRequest = { ...ci.pullRequest, headSha: SAME };
  if (ci.commit !== undefined && ci.review?.commitSha === ci.commit)
    c.review = { ...ci.review, commitSha: SAME };
  return c;
}

/** Undoes `compactCi` in place (the object is freshly parsed, and shared by the statement's records). */
function restoreCi(c: Record<string, unknown>, primary: Primary): CiContext {
  if (c.commit === SAME) c.commit = primary?.commit;
  if (c.repository === SAME) c.repository = primary?.repository;
  if (c.eventName === SAME) c.eventName = c.event;
  const pr = c.pullRequest as Record<string, unknown> | undefined;
  if (pr?.headSha === SAME) pr.headSha = c.commit;
  const review = c.review as Record<string, unknown> | undefined;
  if (review?.commitSha === SAME) review.commitSha = c.commit;
  return c as unknown as CiContext;
}

/** The read-index summarizer of the evidence ledger (see StoredFragment). */
export const EVIDENCE_SUMMARIZER = {
  version: 'greenlight-evidence/3',
  summarize(e: { seq: number; recordedAt: string; predicateType: string; statement: unknown }) {
    if (!(EVIDENCE_PREDICATES as readonly string[]).includes(e.predicateType)) return undefined;
    const statement = e.statement as Statement;
    const f = fragmentOf({ index: e.seq, recordedAt: e.recordedAt, statement });
    const out: StoredFragment = {};
    for (const k of RECORD_KINDS)
      if (f[k]) out[k] = f[k].map(({ ref: _r, ci: _c, ...rest }) => rest as Record<string, unknown>);
    if (f.skipped) out.skipped = f.skipped;
    const ci = statement.predicate.ci as CiContext | undefined;
    if (ci && typeof ci === 'object') {
      out.ci = compactCi(ci, primaryOf(out));
      const at = predicateTime(statement.predicate);
      if (ci.review && !ci.review.submittedAt && at !== undefined) out.at = at;
    }
    return out;
  },
};

/** The evidence fragment of a stored summary (see EVIDENCE_SUMMARIZER). */
export function fromSummary(summary: unknown, ref: EvidenceRef): EvidenceFragment {
  const stored = summary as StoredFragment;
  const f: EvidenceFragment = {};
  const ci = stored.ci ? restoreCi(stored.ci, primaryOf(stored)) : undefined;
  for (const k of RECORD_KINDS) {
    const items = stored[k];
    if (!items) continue;
    for (const x of items) {
      x.ref = ref;
      if (ci) x.ci = ci;
    }
    (f as Record<string, unknown>)[k] = items;
  }
  if (stored.skipped) f.skipped = stored.skipped;
  addCiFacts(f, ci, ref, stored.at);
  return f;
}

/**
 * Turns stored statements into typed evidence facts (see `fragmentOf`). Scan findings are read
 * from their blobs unless `findings: false`; a scan whose findings blob is missing is skipped.
 */
export async function toRecordedEvidence(
  stored: readonly StoredStatement[],
  reader: Pick<EvidenceReader, 'blob' | 'describe'>,
  opts: ReadOptions = {},
): Promise<RecordedEvidence> {
  const ev = emptyEvidence(reader.describe());
  for (const s of stored) {
    const f = fragmentOf(s);
    const scan = f.scans?.[0];
    if (scan && opts.findings !== false) {
      const name = (s.statement.predicate.findings as { blob?: unknown } | undefined)?.blob;
      const sha = typeof name === 'string' ? blobDigest(s.statement.predicate, name) : undefined;
      const findings = sha ? await readFindings(reader, sha) : null;
      if (findings === null) {
        delete f.scans;
        (f.skipped ??= []).push({
          index: s.index,
          reason: `scan findings blob ${sha ?? String(name)} is missing, pruned or unreadable`,
        });
      } else scan.findings = findings;
    }
    mergeFragments(ev, [f]);
  }
  return ev;
}

function approvalOf(ci: CiContext, ref: EvidenceRef, predicateAt: string | undefined): ApprovalRecord {
  const r = ci.review!;
  return {
    ref,
    ci,
    state: r.state,
    // GitLab names no time: the time of the run that saw the approval stands in for it.
    submittedAt: r.submittedAt ?? predicateAt ?? ref.recordedAt,
    ...(ci.pullRequest ? { prNumber: ci.pullRequest.number } : {}),
    ...(r.commitSha ? { commit: r.commitSha } : ci.commit ? { commit: ci.commit } : {}),
    ...(r.reviewer ? { reviewer: r.reviewer } : {}),
    ...(ci.repository ? { repository: ci.repository } : {}),
  };
}

async function readFindings(
  reader: Pick<EvidenceReader, 'blob'>,
  sha: string,
): Promise<ScanFindingRecord[] | null> {
  const bytes = await reader.blob(sha);
  if (!bytes) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return null; // redaction may have cut through a value
  }
  const r = findingsBlob.safeParse(json);
  if (!r.success) return null;
  return r.data.map((f) => {
    const out: ScanFindingRecord = {
      fingerprint: f.fingerprint,
      ruleId: f.ruleId,
      severity: f.severity,
      scanType: f.scanType,
    };
    if (f.location) out.location = f.location;
    if (f.title) out.title = f.title;
    return out;
  });
}

/** Reads the pipeline statements recorded in a time range into evidence facts. */
export async function readRecordedEvidence(
  reader: EvidenceReader,
  range: { since?: Date; until?: Date } = {},
  opts: ReadOptions = {},
): Promise<RecordedEvidence> {
  const stored = await reader.statements({ predicateTypes: EVIDENCE_PREDICATES, ...range });
  return toRecordedEvidence(stored, reader, opts);
}
