import type { z } from 'zod';
import type { CiContext } from '../ci-context/index.js';
import type {
  ApprovalRecord,
  EvidenceRef,
  ForcePushRecord,
  RecordedEvidence,
  ScanFindingRecord,
} from '../facts/index.js';
import { blobDigest, type EvidenceReader, type StoredStatement } from './evidence.js';
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

/**
 * Turns stored statements into typed evidence facts. Statements whose predicate does not match
 * its schema are listed in `skipped` rather than failing the whole read. Scan findings are read
 * from their blobs.
 */
export async function toRecordedEvidence(
  stored: readonly StoredStatement[],
  reader: Pick<EvidenceReader, 'blob' | 'describe'>,
  opts: ReadOptions = {},
): Promise<RecordedEvidence> {
  const ev = emptyEvidence(reader.describe());
  const forced = new Map<string, ForcePushRecord>();
  for (const s of stored) {
    const p = s.statement.predicate;
    const parse = <S extends z.ZodType>(schema: S): z.infer<S> | null => {
      const r = schema.safeParse(p);
      if (r.success) return r.data;
      const issue = r.error.issues[0];
      ev.skipped.push({
        index: s.index,
        reason: `${s.statement.predicateType}: ${issue ? `/${issue.path.join('/')}: ${issue.message}` : 'invalid'}`,
      });
      return null;
    };
    switch (s.statement.predicateType) {
      case PREDICATE.deployment: {
        const d = parse(deploymentPredicate);
        if (d) ev.deployments.push({ ...common(s, d), ...withoutKey(d) } as never);
        break;
      }
      case PREDICATE.scan: {
        const d = parse(scanPredicate);
        if (d) {
          const findingsSha = blobDigest(p, d.findings.blob);
          const findings =
            opts.findings === false ? [] : findingsSha ? await readFindings(reader, findingsSha) : null;
          if (findings === null) {
            ev.skipped.push({
              index: s.index,
              reason: `scan findings blob ${findingsSha ?? d.findings.blob} is missing, pruned or unreadable`,
            });
            break;
          }
          ev.scans.push({
            ...common(s, d),
            commit: d.commit,
            tool: d.tool,
            format: d.format,
            scanTypes: d.scanTypes,
            scannedAt: d.scannedAt,
            reportSha256: blobDigest(p, d.report.blob) ?? '',
            summary: { critical: 0, high: 0, medium: 0, low: 0, info: 0, ...d.summary },
            findings,
          });
        }
        break;
      }
      case PREDICATE.tests: {
        const d = parse(testsPredicate);
        if (d) {
          const { reports, ...rest } = withoutKey(d);
          const first = reports[0] ? blobDigest(p, reports[0].blob) : undefined;
          ev.tests.push({ ...common(s, d), ...rest, reportSha256: first ?? '' });
        }
        break;
      }
      case PREDICATE.override: {
        const d = parse(overridePredicate);
        if (d) ev.overrides.push({ ...common(s, d), ...withoutKey(d) } as never);
        break;
      }
      case PREDICATE.review: {
        const d = parse(reviewPredicate);
        if (d) ev.reviews.push({ ...common(s, d), ...withoutKey(d) } as never);
        break;
      }
      case PREDICATE.accessReview: {
        const d = parse(accessReviewPredicate);
        if (d) {
          const { report, ...rest } = withoutKey(d);
          ev.accessReviews.push({ ...common(s, d), ...rest, reportSha256: blobDigest(p, report.blob) ?? '' });
        }
        break;
      }
      case PREDICATE.gate: {
        const d = parse(gatePredicate);
        if (d) {
          const { decidedAt: _d, ...rest } = withoutKey(d);
          ev.gates.push({ ...common(s, d), ...rest } as never);
        }
        break;
      }
    }
    const ci = p.ci as CiContext | undefined;
    if (ci?.review) ev.approvals.push(approvalOf(s, ci));
    if (ci?.push?.forced && ci.push.after && !forced.has(ci.push.after)) {
      forced.set(ci.push.after, {
        ref: refOf(s),
        ci,
        at: s.recordedAt,
        after: ci.push.after,
        ...(ci.push.before ? { before: ci.push.before } : {}),
        ...(ci.ref ? { gitRef: ci.ref } : {}),
      });
    }
  }
  ev.forcePushes = [...forced.values()];
  return ev;
}

function approvalOf(s: StoredStatement, ci: CiContext): ApprovalRecord {
  const r = ci.review!;
  return {
    ref: refOf(s),
    ci,
    state: r.state,
    // GitLab names no time: the time of the run that saw the approval stands in for it.
    submittedAt: r.submittedAt ?? predicateTime(s.statement.predicate) ?? s.recordedAt,
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
