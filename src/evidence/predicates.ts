import { z } from 'zod';
import type { CiContext } from '../ci-context/index.js';
import { canonicalJson } from '../canonical-json.js';
import { PREDICATE, STATEMENT_TYPE, type PredicateName } from '../predicate-types.js';
import { sha256Hex, type Statement, type StatementSubject } from './evidence.js';

export { PREDICATE, type PredicateName } from '../predicate-types.js';

/** Names of the blobs the predicates point to (`predicate.blobs[].name`). */
export const BLOB = {
  findings: 'findings.json',
  report: (name: string) => `report/${name}`,
  junit: (i: number, name: string) => `junit/${i}/${name}`,
  accessReview: (name: string) => `access-review/${name}`,
} as const;

const severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);
const ci = z.looseObject({ system: z.string(), event: z.string() });
const common = { key: z.string(), ci, repository: z.string().optional() };
const sha = z.string().regex(/^[0-9a-f]{40}$/);

export const deploymentPredicate = z.object({
  ...common,
  environment: z.string().min(1),
  commit: sha,
  artifacts: z.array(z.object({ name: z.string(), digest: z.string() })),
  deployedAt: z.string(),
  pipelineUrl: z.string().optional(),
});

export const scanPredicate = z.object({
  ...common,
  commit: sha,
  tool: z.string(),
  format: z.string(),
  scanTypes: z.array(z.string()),
  scannedAt: z.string(),
  /** The raw report: `blob` names its entry in `predicate.blobs` (redacted, content-addressed). */
  report: z.object({ name: z.string(), mediaType: z.string(), size: z.number(), blob: z.string() }),
  findings: z.object({ count: z.number().int(), blob: z.string() }),
  summary: z.partialRecord(severity, z.number().int()),
});

export const findingsBlob = z.array(
  z.object({
    fingerprint: z.string(),
    ruleId: z.string(),
    severity,
    scanType: z.string(),
    location: z.string().optional(),
    title: z.string().optional(),
  }),
);

export const testsPredicate = z.object({
  ...common,
  commit: sha,
  format: z.string(),
  total: z.number().int(),
  failed: z.number().int(),
  errors: z.number().int(),
  skipped: z.number().int(),
  passed: z.boolean(),
  reports: z.array(z.object({ name: z.string(), size: z.number(), blob: z.string() })),
});

export const overridePredicate = z.object({
  ...common,
  ticket: z.string().min(1),
  reason: z.string().min(1),
  approver: z.string().min(1),
  requestedBy: z.string().optional(),
  commit: sha.optional(),
  environment: z.string().optional(),
  openedAt: z.string(),
  reviewDueAt: z.string(),
});

export const reviewPredicate = z.object({
  ...common,
  ticket: z.string().min(1),
  reviewedAt: z.string(),
  reviewer: z.string().optional(),
  notes: z.string().optional(),
});

export const accessReviewPredicate = z.object({
  ...common,
  reviewedAt: z.string(),
  signedOffBy: z.string(),
  reviewers: z.array(z.string()),
  systems: z.array(z.string()),
  identitiesReviewed: z.number().int(),
  accessRemoved: z.number().int(),
  report: z.object({ name: z.string(), blob: z.string() }),
});

export const gatePredicate = z.object({
  ...common,
  context: z.enum(['pull_request', 'deploy', 'other']),
  decision: z.enum(['pass', 'fail', 'override', 'fail-open']),
  commit: sha.optional(),
  environment: z.string().optional(),
  prNumber: z.number().int().optional(),
  reasons: z.array(z.string()),
  decidedAt: z.string(),
});

export const samplePredicate = z.object({
  ...common,
  populationDigest: z.string(),
  populationSize: z.number().int(),
  seed: z.string(),
  size: z.number().int(),
  window: z.object({ since: z.string().nullable(), until: z.string() }),
  selection: z.array(z.string()),
});

export const commitSubject = (commit: string, repository?: string): StatementSubject => ({
  name: repository ? `git+${repository}@${commit}` : `git:${commit}`,
  digest: { gitCommit: commit },
});

/** The subject naming a pull/merge request: `pr:owner/repo#12`. */
export const prSubject = (n: number, repository?: string): StatementSubject =>
  nameSubject(`pr:${repository ?? ''}#${n}`);

/** A subject for something without a natural digest (a ticket): the sha256 of its name. */
export const nameSubject = (name: string): StatementSubject => ({
  name,
  digest: { sha256: sha256Hex(name) },
});

/**
 * Builds a statement whose predicate carries `key`: the sha256 of the predicate type, subject
 * and the fields that identify the evidence (`identity`), so re-recording the same evidence
 * from a retried job, or with a different CI context, gives the same key.
 */
export function buildStatement(
  name: PredicateName,
  subject: StatementSubject[],
  predicate: Record<string, unknown> & { ci: CiContext },
  identity: unknown,
): Statement {
  const key = sha256Hex(canonicalJson({ predicateType: PREDICATE[name], subject, identity }));
  // Evidence recorded in a pull request's pipeline also names the request, so it can be found by
  // PR even when the merge was a squash and the head commit never reached the branch.
  const pr = predicate.ci.pullRequest;
  const repo = (predicate.repository as string | undefined) ?? predicate.ci.repository;
  return {
    _type: STATEMENT_TYPE,
    subject: pr ? [...subject, prSubject(pr.number, repo)] : subject,
    predicateType: PREDICATE[name],
    predicate: JSON.parse(canonicalJson({ ...predicate, key })) as Record<string, unknown>,
  };
}
