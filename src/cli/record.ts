import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { captureCiContext, commandNow, jsonPointer, type CiContext } from '../ci-context/index.js';
import {
  accessReviewStatement,
  scanStatement,
  testsStatement,
  deploymentStatement,
  isStoreUnreachable,
  openLedgerStore,
  overrideStatement,
  recordIdempotent,
  prepareSpool,
  resolveCommit,
  reviewStatement,
  spoolStore,
  type AppendItem,
  type EvidenceStore,
  type RecordOutcome,
  type Statement,
} from '../evidence/index.js';
import { loadConfig, yamlToJs, type Config } from '../config/index.js';
import { InputError, SourceError, UsageError } from '../errors.js';
import type { ScanFindingRecord } from '../facts/index.js';
import { redactBlob } from '../redact/index.js';
import type { ReportFormat, ScanReport } from '../sources/reports/index.js';

/** Flags every `record` subcommand takes. */
export interface CommonFlags {
  repo?: string;
  config?: string;
  /** When the recorded thing happened (ISO); default now. */
  at?: string;
  /** Spool locally (and exit 0) when the ledger cannot be reached. */
  failOpen?: boolean;
}

export interface RecordEnv {
  root: string;
  config: Config;
  configFile?: string;
  failOpen: boolean;
  ci: CiContext;
  now: Date;
  repository?: string;
}

/** The clock of a command (`GREENLIGHT_NOW`, or the real time). */
export { commandNow };

export function parseTime(value: string | undefined, fallback: Date, flag = '--at'): string {
  if (value === undefined) return fallback.toISOString();
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new UsageError(`${flag} "${value}" is not a date or time (e.g. 2026-11-02T10:00:00Z)`);
  return new Date(t).toISOString();
}

export function recordEnv(flags: CommonFlags): RecordEnv {
  const root = path.resolve(flags.repo ?? '.');
  const { config } = loadConfig(root, flags.config);
  const ci = captureCiContext(process.env);
  return {
    root,
    config,
    ...(flags.config ? { configFile: flags.config } : {}),
    failOpen: flags.failOpen === true,
    ci,
    now: commandNow(),
    ...(ci.repository ? { repository: ci.repository } : {}),
  };
}

/** What a recorder says on stderr (ledger set up, spool replayed). */
export const notice = (message: string): void => {
  process.stderr.write(`greenlight: ${message}\n`);
};

/**
 * Runs `fn` with the ledger open for writing (created on first use, as `greenlight init` does).
 * When the ledger cannot be opened or reached and `--fail-open` is given, `fn` writes to the
 * local spool instead, replayed into the ledger by the next recording that reaches it.
 */
export async function withStore<T>(env: RecordEnv, fn: (store: EvidenceStore) => Promise<T>): Promise<T> {
  let store: EvidenceStore;
  try {
    store = await openLedgerStore({
      root: env.root,
      config: env.config,
      configFile: env.configFile,
      now: () => env.now,
      write: true,
      notice,
    });
  } catch (err) {
    // Only an unreachable store is spooled: integrity failures (exit 3), bad input (exit 2) and
    // anything else fail exactly as they do without --fail-open.
    if (!env.failOpen || !isStoreUnreachable(err))
      throw err instanceof Error && 'exitCode' in err
        ? err
        : new SourceError(`the evidence ledger cannot be opened: ${(err as Error).message}`);
    const reason = (err as Error).message;
    const target = await prepareSpool(env.root);
    notice(
      `the evidence ledger cannot be reached (${reason}); spooling to ${target.dir} because of --fail-open`,
    );
    const spool = spoolStore(target, () => env.now);
    // The spool cannot look anything up: it appends, and the replay deduplicates.
    return fn({
      ...spool,
      statements: async () => [],
      blob: async () => null,
      close: async () => {},
    });
  }
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const spooled = (store: EvidenceStore): boolean => store.describe().startsWith('spool ');

export function report(kind: string, outcome: RecordOutcome, store: EvidenceStore): number {
  const s = outcome.stored;
  const cp = outcome.checkpoint !== null ? ` (checkpoint ${outcome.checkpoint})` : '';
  process.stdout.write(
    !outcome.appended
      ? `${kind} already recorded as ledger entry ${s.index}: nothing to do\n`
      : spooled(store)
        ? `spooled ${kind} as entry ${s.index} of ${store.describe()} (unsigned until replayed into the ledger)\n`
        : `recorded ${kind} as ledger entry ${s.index}${cp}\n`,
  );
  return 0;
}

async function recordOne(env: RecordEnv, kind: string, item: AppendItem): Promise<number> {
  return withStore(env, async (store) => report(kind, await recordIdempotent(store, item, env.now), store));
}

const repoField = (env: RecordEnv) => (env.repository ? { repository: env.repository } : {});

// ---------------------------------------------------------------- deployment

export interface DeploymentFlags extends CommonFlags {
  env: string;
  commit?: string;
  artifact?: string[];
  pipelineUrl?: string;
}

const ARTIFACT = /^(.+)@(sha256|sha512):([0-9a-f]{64,128})$/;

export async function deployment(flags: DeploymentFlags): Promise<number> {
  const env = recordEnv(flags);
  const artifacts = (flags.artifact ?? []).map((a) => {
    const m = ARTIFACT.exec(a);
    if (!m) throw new UsageError(`--artifact "${a}": expected NAME@sha256:HEX`);
    return { name: m[1]!, digest: `${m[2]}:${m[3]}` };
  });
  const statement = deploymentStatement({
    environment: flags.env,
    commit: resolveCommit(env.root, flags.commit, env.ci),
    artifacts,
    deployedAt: parseTime(flags.at, env.now),
    ...(flags.pipelineUrl ? { pipelineUrl: flags.pipelineUrl } : {}),
    ...repoField(env),
    ci: env.ci,
  });
  return recordOne(env, `deployment to ${flags.env}`, { statement });
}

// ---------------------------------------------------------------- emergency override and its review

export interface OverrideFlags extends CommonFlags {
  reason: string;
  ticket: string;
  approver: string;
  commit?: string;
  env?: string;
}

export function overrideFor(env: RecordEnv, flags: OverrideFlags, commit: string | undefined): Statement {
  for (const k of ['reason', 'ticket', 'approver'] as const) {
    if (!flags[k] || flags[k].trim() === '') throw new UsageError(`an emergency override needs --${k}`);
  }
  return overrideStatement({
    ticket: flags.ticket,
    reason: flags.reason,
    approver: flags.approver,
    ...(env.ci.actor ? { requestedBy: env.ci.actor } : {}),
    ...(commit ? { commit } : {}),
    ...(flags.env
      ? { environment: flags.env }
      : env.ci.environment
        ? { environment: env.ci.environment }
        : {}),
    openedAt: parseTime(flags.at, env.now),
    reviewDays: env.config.thresholds.emergencyReviewDays,
    ...repoField(env),
    ci: env.ci,
  });
}

export async function override(flags: OverrideFlags): Promise<number> {
  const env = recordEnv(flags);
  const commit = flags.commit || env.ci.commit ? resolveCommit(env.root, flags.commit, env.ci) : undefined;
  const statement = overrideFor(env, flags, commit);
  const code = await recordOne(env, `emergency override ${flags.ticket}`, { statement });
  process.stdout.write(
    `post-incident review due by ${String(statement.predicate.reviewDueAt).slice(0, 10)}: close it with \`greenlight record review --ticket ${flags.ticket}\`\n`,
  );
  return code;
}

export interface ReviewFlags extends CommonFlags {
  ticket: string;
  reviewer?: string;
  notes?: string;
}

export async function review(flags: ReviewFlags): Promise<number> {
  const env = recordEnv(flags);
  if (!flags.ticket) throw new UsageError('a post-incident review needs --ticket');
  const statement = reviewStatement({
    ticket: flags.ticket,
    reviewedAt: parseTime(flags.at, env.now),
    ...(flags.reviewer ? { reviewer: flags.reviewer } : env.ci.actor ? { reviewer: env.ci.actor } : {}),
    ...(flags.notes ? { notes: flags.notes } : {}),
    ...repoField(env),
    ci: env.ci,
  });
  return recordOne(env, `post-incident review of ${flags.ticket}`, { statement });
}

// ---------------------------------------------------------------- access review

const accessReviewFile = z.strictObject({
  reviewedAt: z.union([z.string(), z.date()]).transform((v) => (v instanceof Date ? v.toISOString() : v)),
  signedOffBy: z.string().min(1),
  reviewers: z.array(z.string().min(1)).min(1),
  systems: z.array(z.string().min(1)).min(1),
  identities: z
    .array(
      z.object({
        id: z.string().min(1),
        system: z.string().optional(),
        access: z.string().optional(),
        decision: z.enum(['keep', 'remove', 'change']),
      }),
    )
    .default([]),
  notes: z.string().optional(),
});

export interface AccessReviewFlags extends CommonFlags {
  file: string;
}

export async function accessReview(flags: AccessReviewFlags): Promise<number> {
  const env = recordEnv(flags);
  let bytes: Buffer;
  try {
    bytes = readFileSync(flags.file);
  } catch (err) {
    throw new InputError(
      `${flags.file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  const doc = parseDocument(bytes.toString('utf8'));
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new InputError(`${flags.file}:${e.linePos?.[0]?.line ?? 1}: ${e.message.split('\n')[0]}`);
  }
  const text = bytes.toString('utf8');
  const parsed = accessReviewFile.safeParse(yamlToJs(doc, text, flags.file, (m) => new InputError(m)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(
      `${flags.file}: invalid access review at ${jsonPointer(issue.path)}: ${issue.message}`,
    );
  }
  const r = parsed.data;
  const reviewedAt = parseTime(r.reviewedAt, env.now, 'reviewedAt');
  const item = accessReviewStatement({
    reviewedAt,
    signedOffBy: r.signedOffBy,
    reviewers: r.reviewers,
    systems: r.systems,
    identitiesReviewed: r.identities.length,
    accessRemoved: r.identities.filter((i) => i.decision === 'remove').length,
    file: {
      bytes: (await redactBlob(bytes, path.basename(flags.file))).bytes,
      name: path.basename(flags.file),
    },
    ...repoField(env),
    ci: env.ci,
  });
  return recordOne(env, 'access review', item);
}

// ---------------------------------------------------------------- scans and tests

export interface ReportFlags extends CommonFlags {
  format?: string;
  commit?: string;
}

/**
 * A report as stored: the per-format structural pass (Gitleaks `Secret`, SARIF snippets…, see
 * sources/reports/redact.ts), then the value redaction every blob gets (src/redact/).
 */
async function storedReport(file: string, format: ReportFormat): Promise<Buffer> {
  const { redactReport } = await import('../sources/reports/index.js');
  const structural = await redactReport({ path: file }, format);
  return (await redactBlob(structural, path.basename(file))).bytes;
}

async function parseAll(files: string[], format: string | undefined, root: string): Promise<ScanReport[]> {
  if (files.length === 0) throw new UsageError('name at least one report file');
  // Parse every file before recording anything: one malformed report records nothing.
  const { parseReport } = await import('../sources/reports/index.js');
  const reports: ScanReport[] = [];
  for (const file of files)
    reports.push(
      await parseReport({ path: file }, { root, ...(format ? { format: format as ReportFormat } : {}) }),
    );
  return reports;
}

function findingRecords(r: ScanReport): ScanFindingRecord[] {
  return r.findings
    .filter((f) => !f.suppressed)
    .map((f) => {
      const rec: ScanFindingRecord = {
        fingerprint: f.fingerprint,
        ruleId: f.ruleId,
        severity: f.severity,
        scanType: f.scanType,
      };
      const where = f.location
        ? `${f.location.path}${f.location.line ? `:${f.location.line}` : ''}`
        : f.resource;
      if (where) rec.location = where;
      if (f.title) rec.title = f.title;
      return rec;
    });
}

export async function scan(files: string[], flags: ReportFlags): Promise<number> {
  const env = recordEnv(flags);
  const reports = await parseAll(files, flags.format, env.root);
  const commit = resolveCommit(env.root, flags.commit, env.ci);
  const scannedAt = parseTime(flags.at, env.now);
  for (const [i, r] of reports.entries())
    if (r.format === 'junit')
      throw new UsageError(`${files[i]}: a JUnit report holds tests: use \`greenlight record tests\``);
  const { reportMediaType } = await import('../sources/reports/index.js');
  return withStore(env, async (store) => {
    for (const [i, r] of reports.entries()) {
      const item = scanStatement({
        commit,
        tool: r.tool.name,
        format: r.format,
        scanTypes: [...new Set([r.scanType, ...r.findings.map((f) => f.scanType)])],
        scannedAt,
        report: {
          bytes: await storedReport(files[i]!, r.format),
          name: path.basename(files[i]!),
          mediaType: reportMediaType(r.format),
        },
        findings: findingRecords(r),
        ...repoField(env),
        ci: env.ci,
      });
      report(
        `${r.tool.name} ${r.scanType} scan (${r.findings.length} findings)`,
        await recordIdempotent(store, item, env.now),
        store,
      );
    }
    return 0;
  });
}

export async function tests(files: string[], flags: ReportFlags): Promise<number> {
  const env = recordEnv(flags);
  const reports = await parseAll(files, flags.format ?? 'junit', env.root);
  const sum = { total: 0, failed: 0, errors: 0, skipped: 0 };
  for (const [i, r] of reports.entries()) {
    if (!r.tests) throw new InputError(`${files[i]}: not a test report (JUnit XML expected)`);
    sum.total += r.tests.total;
    sum.failed += r.tests.failed;
    sum.errors += r.tests.errored;
    sum.skipped += r.tests.skipped;
  }
  const item = testsStatement({
    commit: resolveCommit(env.root, flags.commit, env.ci),
    format: 'junit',
    ...sum,
    reports: await Promise.all(
      files.map(async (f) => ({ bytes: await storedReport(f, 'junit'), name: path.basename(f) })),
    ),
    ...repoField(env),
    ci: env.ci,
  });
  const verdict = item.statement.predicate.passed ? 'passed' : 'FAILED';
  return recordOne(
    env,
    `test results (${sum.total} tests, ${sum.failed} failed, ${sum.errors} errored: ${verdict})`,
    item,
  );
}
