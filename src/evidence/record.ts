import type { CiContext } from '../ci-context/index.js';
import {
  sha256Hex,
  type AppendItem,
  type AppendedStatement,
  type BlobInput,
  type EvidenceStore,
  type Statement,
} from './evidence.js';
import { BLOB, buildStatement, commitSubject, nameSubject } from './predicates.js';
import { redactItem } from './redacted-writer.js';
import type { RecordedSeverity, ScanFindingRecord } from '../facts/index.js';

/**
 * Statement builders for every piece of pipeline evidence, and the idempotent append. The CLI
 * (`greenlight record …`) and the gate both go through here.
 */

export interface RecordOutcome {
  stored: AppendedStatement;
  /** False when identical evidence was already in the store (nothing appended). */
  appended: boolean;
  /** Tree size of the checkpoint signed by the append, when there is one. */
  checkpoint: number | null;
}

/**
 * How far back (before the evidence's own time) an equal key is looked for: the same evidence
 * recorded again by a job retried within a week is found. Identical statements are never appended
 * twice whatever their age (the ledger deduplicates them by digest).
 */
export const DEDUPE_LOOKBACK_DAYS = 7;

/** The time a predicate says the evidence is about (decision, scan, deploy, override, review). */
export function predicateTime(predicate: Record<string, unknown>): string | undefined {
  for (const k of ['decidedAt', 'scannedAt', 'deployedAt', 'openedAt', 'reviewedAt'])
    if (typeof predicate[k] === 'string') return predicate[k];
  return undefined;
}

/**
 * Appends a statement unless one with the same predicate type, subject and key is already
 * stored: re-recording identical evidence (from a retried job, with another CI context) is a
 * no-op. Only statements recorded since the lookback before the evidence's time are compared.
 */
export async function recordIdempotent(
  store: EvidenceStore,
  item: AppendItem,
  now: Date,
  lookbackDays = DEDUPE_LOOKBACK_DAYS,
): Promise<RecordOutcome> {
  // Redacted before either writer (ledger or spool) sees it, and before it is compared or returned.
  item = await redactItem(item);
  const { statement } = item;
  const digest = Object.values(statement.subject[0]?.digest ?? {})[0];
  const at = Date.parse(predicateTime(statement.predicate) ?? '');
  const from = Math.min(Number.isNaN(at) ? now.getTime() : at, now.getTime());
  const existing = await store.statements({
    predicateTypes: [statement.predicateType],
    since: new Date(from - lookbackDays * 86_400_000),
    ...(digest ? { subjectDigest: digest } : {}),
  });
  const same = existing.find((s) => s.statement.predicate.key === statement.predicate.key);
  if (same) return { stored: { ...same, duplicate: true }, appended: false, checkpoint: null };
  const { stored, checkpoint } = await store.append([item]);
  const first = stored[0]!;
  return { stored: first, appended: !first.duplicate, checkpoint };
}

export interface DeploymentInput {
  environment: string;
  commit: string;
  artifacts: { name: string; digest: string }[];
  deployedAt: string;
  pipelineUrl?: string;
  repository?: string;
  ci: CiContext;
}

export function deploymentStatement(d: DeploymentInput): Statement {
  const subject = [
    commitSubject(d.commit, d.repository),
    ...d.artifacts.map((a) => {
      const [alg, hex] = a.digest.split(':');
      return { name: a.name, digest: { [alg ?? 'sha256']: hex ?? '' } };
    }),
  ];
  const predicate = {
    ...d,
    ...((d.pipelineUrl ?? d.ci.runUrl) ? { pipelineUrl: d.pipelineUrl ?? d.ci.runUrl } : {}),
  };
  // The same deploy recorded twice in one pipeline run is one deploy; a new run is a new deploy.
  const identity = {
    env: d.environment,
    commit: d.commit,
    artifacts: d.artifacts,
    run: d.ci.runUrl ?? d.deployedAt,
  };
  return buildStatement('deployment', subject, predicate, identity);
}

export interface ScanInput {
  commit: string;
  tool: string;
  format: string;
  scanTypes: string[];
  scannedAt: string;
  report: { bytes: Uint8Array; name: string; mediaType: string };
  findings: ScanFindingRecord[];
  repository?: string;
  ci: CiContext;
}

export function scanStatement(s: ScanInput): AppendItem {
  const findingsBytes = Buffer.from(JSON.stringify(s.findings));
  const summary: Record<RecordedSeverity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of s.findings) summary[f.severity] += 1;
  const reportBlob = BLOB.report(s.report.name);
  const predicate = {
    commit: s.commit,
    tool: s.tool,
    format: s.format,
    scanTypes: s.scanTypes,
    scannedAt: s.scannedAt,
    report: {
      name: s.report.name,
      mediaType: s.report.mediaType,
      size: s.report.bytes.byteLength,
      blob: reportBlob,
    },
    findings: { count: s.findings.length, blob: BLOB.findings },
    summary,
    ...(s.repository ? { repository: s.repository } : {}),
    ci: s.ci,
  };
  const statement = buildStatement('scan', [commitSubject(s.commit, s.repository)], predicate, {
    commit: s.commit,
    report: sha256Hex(s.report.bytes),
  });
  return {
    statement,
    blobs: [
      { name: reportBlob, bytes: s.report.bytes, mediaType: s.report.mediaType },
      { name: BLOB.findings, bytes: findingsBytes, mediaType: 'application/vnd.greenlight.findings+json' },
    ],
  };
}

export interface TestsInput {
  commit: string;
  format: string;
  total: number;
  failed: number;
  errors: number;
  skipped: number;
  reports: { bytes: Uint8Array; name: string }[];
  repository?: string;
  ci: CiContext;
}

export function testsStatement(t: TestsInput): AppendItem {
  const reports = t.reports.map((r, i) => ({
    name: r.name,
    size: r.bytes.byteLength,
    blob: BLOB.junit(i, r.name),
  }));
  const predicate = {
    commit: t.commit,
    format: t.format,
    total: t.total,
    failed: t.failed,
    errors: t.errors,
    skipped: t.skipped,
    passed: t.failed === 0 && t.errors === 0 && t.total > 0,
    reports,
    ...(t.repository ? { repository: t.repository } : {}),
    ci: t.ci,
  };
  const statement = buildStatement('tests', [commitSubject(t.commit, t.repository)], predicate, {
    commit: t.commit,
    reports: t.reports.map((r) => sha256Hex(r.bytes)),
  });
  const blobs: BlobInput[] = t.reports.map((r, i) => ({
    name: BLOB.junit(i, r.name),
    bytes: r.bytes,
    mediaType: 'application/xml',
  }));
  return { statement, blobs };
}

export interface OverrideInput {
  ticket: string;
  reason: string;
  approver: string;
  requestedBy?: string;
  commit?: string;
  environment?: string;
  openedAt: string;
  reviewDays: number;
  repository?: string;
  ci: CiContext;
}

export function overrideStatement(o: OverrideInput): Statement {
  const { reviewDays, ...rest } = o;
  const reviewDueAt = new Date(Date.parse(o.openedAt) + reviewDays * 86_400_000).toISOString();
  const subject = [
    nameSubject(`ticket:${o.ticket}`),
    ...(o.commit ? [commitSubject(o.commit, o.repository)] : []),
  ];
  return buildStatement(
    'override',
    subject,
    { ...rest, reviewDueAt },
    {
      ticket: o.ticket,
      commit: o.commit ?? null,
      environment: o.environment ?? null,
      reason: o.reason,
      approver: o.approver,
    },
  );
}

export interface ReviewInput {
  ticket: string;
  reviewedAt: string;
  reviewer?: string;
  notes?: string;
  repository?: string;
  ci: CiContext;
}

export function reviewStatement(r: ReviewInput): Statement {
  return buildStatement('review', [nameSubject(`ticket:${r.ticket}`)], { ...r }, { ticket: r.ticket });
}

export interface AccessReviewInput {
  reviewedAt: string;
  signedOffBy: string;
  reviewers: string[];
  systems: string[];
  identitiesReviewed: number;
  accessRemoved: number;
  file: { bytes: Uint8Array; name: string };
  repository?: string;
  ci: CiContext;
}

export function accessReviewStatement(a: AccessReviewInput): AppendItem {
  const { file, ...rest } = a;
  const sha = sha256Hex(file.bytes);
  const blob = BLOB.accessReview(file.name);
  const statement = buildStatement(
    'accessReview',
    [{ name: file.name, digest: { sha256: sha } }],
    { ...rest, report: { name: file.name, blob } },
    { report: sha },
  );
  return { statement, blobs: [{ name: blob, bytes: file.bytes, mediaType: 'application/yaml' }] };
}

export interface GateDecisionInput {
  context: 'pull_request' | 'deploy' | 'other';
  decision: 'pass' | 'fail' | 'override' | 'fail-open';
  commit?: string;
  environment?: string;
  prNumber?: number;
  reasons: string[];
  decidedAt: string;
  repository?: string;
  ci: CiContext;
}

export function gateStatement(g: GateDecisionInput): Statement {
  const subject = g.commit ? [commitSubject(g.commit, g.repository)] : [nameSubject(`gate:${g.context}`)];
  return buildStatement(
    'gate',
    subject,
    { ...g },
    { ...g, ci: g.ci.runUrl ?? null, decidedAt: g.ci.runUrl ? null : g.decidedAt },
  );
}
