import { createHash } from 'node:crypto';
import { isNoLedger, openLedgerStore } from '../evidence/index.js';
import type { Config } from '../config/index.js';
import { GreenlightError } from '../errors.js';
import { isUnavailable, type CollectedFacts, type LedgerFacts } from '../facts/index.js';
import type { RecordItem, RecordResult } from '../ledger/index.js';
import { STATEMENT_TYPE } from '../predicate-types.js';
import type { AssessRun } from './index.js';
import type { Assessment } from './types.js';

/**
 * Recording an assessment in the evidence ledger (DESIGN "Evidence"): one run statement (config
 * digest, tool version, subject, time, summary), one statement per check result, and one
 * statement whose blobs are the raw facts the run read (redacted by the ledger). Every statement
 * is a pure function of the assessment, so recording the same assessment again appends nothing.
 */

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export interface RecordAssessmentOptions {
  root: string;
  config: Config;
  configFile?: string | undefined;
  /** The ledger's clock (default: now). */
  now?: () => Date;
}

export interface AssessmentRecord {
  /** Check results recorded. */
  results: number;
  /** Entry numbers of the run statement and of the last statement of this assessment. */
  first: number;
  last: number;
  /** Statements newly appended (0 when the same assessment was recorded before). */
  appended: number;
  /** Tree size of the signed checkpoint covering them. */
  checkpoint: number | null;
}

function subjectOf(a: Assessment) {
  const s = a.subject;
  return {
    name: s.name,
    digest: s.headSha ? { gitCommit: s.headSha } : { sha256: sha256(s.name) },
    ...(s.remoteUrl ? { uri: s.remoteUrl } : {}),
  };
}

/** What each fact kind was: read, unavailable (and why), or read from this ledger. */
function factStates(facts: CollectedFacts): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(facts)) {
    if (v === undefined) continue;
    out[k] = isUnavailable(v)
      ? `unavailable: ${v.reason}`
      : k === 'evidence' || k === 'ledger'
        ? 'read from this ledger'
        : 'collected';
  }
  return out;
}

/** The statements recording one assessment, in order: run, results, raw facts. */
export function assessmentStatements(
  run: Pick<AssessRun, 'assessment' | 'facts'>,
  types: { assessment: string; checkResult: string; rawFacts: string },
): RecordItem[] {
  const a = run.assessment;
  const subject = subjectOf(a);
  const ledger = run.facts.ledger;
  const checkpoint = ledger && !isUnavailable(ledger) ? (ledger as LedgerFacts).checkpoint : null;
  const statement = (predicateType: string, predicate: Record<string, unknown>, sub = [subject]) => ({
    _type: STATEMENT_TYPE,
    subject: sub,
    predicateType,
    predicate,
  });
  const context = { subject: a.subject.name, generatedAt: a.generatedAt, configSha256: a.config.sha256 };
  const items: RecordItem[] = [
    {
      statement: statement(types.assessment, {
        generatedAt: a.generatedAt,
        tool: a.tool,
        subject: a.subject,
        window: a.window,
        config: a.config,
        summary: a.summary,
        maturity: { level: a.maturity.level, name: a.maturity.name },
        results: a.results.length,
        facts: factStates(run.facts),
        // The checkpoint this assessment saw: the next one proves the log only grew since.
        ...(checkpoint ? { checkpoint } : {}),
      }),
    },
  ];
  for (const r of a.results) {
    const name = `${a.subject.name}:${r.checkId}:${r.resource}`;
    items.push({
      statement: statement(types.checkResult, { ...r, assessment: context }, [
        { name, digest: { sha256: sha256(name) } },
      ]),
    });
  }
  // The raw facts read (except those read from this ledger), each as a blob.
  const blobs = Object.entries(run.facts)
    .filter(([k, v]) => v !== undefined && !isUnavailable(v) && k !== 'evidence' && k !== 'ledger')
    .map(([k, v]) => ({
      name: `facts/${k}.json`,
      content: JSON.stringify(v),
      mediaType: 'application/json',
    }));
  if (blobs.length > 0)
    items.push({
      statement: statement(types.rawFacts, { ...context, kinds: blobs.map((b) => b.name) }),
      blobs,
    });
  return items;
}

/**
 * Records the assessment when a ledger exists; returns null (nothing recorded) when none does.
 * Errors (ledger unreachable, integrity, no signing key) are thrown for the caller to report.
 */
export async function recordAssessment(
  run: Pick<AssessRun, 'assessment' | 'facts'>,
  opts: RecordAssessmentOptions,
): Promise<AssessmentRecord | null> {
  let store;
  try {
    store = await openLedgerStore({
      root: opts.root,
      config: opts.config,
      configFile: opts.configFile,
      ...(opts.now ? { now: opts.now } : {}),
    });
  } catch (err) {
    if (isNoLedger(err)) return null;
    throw err;
  }
  try {
    const { PREDICATE_TYPES } = await import('../ledger/index.js');
    const items = assessmentStatements(run, PREDICATE_TYPES);
    const result: RecordResult = await store.ledger.recordStatements(items);
    const seqs = result.entries.map((e) => e.seq);
    return {
      results: run.assessment.results.length,
      first: Math.min(...seqs),
      last: Math.max(...seqs),
      appended: result.entries.filter((e) => !e.duplicate).length,
      checkpoint: result.checkpoint?.treeSize ?? null,
    };
  } finally {
    await store.close();
  }
}

/**
 * What `greenlight assess` does after printing its report: record it, say so in one stderr
 * line, and turn a recording failure into exit 3 (integrity) or 4 (unreachable) without losing
 * the report already printed.
 */
export async function recordAfterAssess(
  run: AssessRun,
  opts: { root: string; configFile?: string | undefined },
  exitCode: number,
): Promise<number> {
  const say = (line: string) => process.stderr.write(`greenlight: ${line}\n`);
  try {
    const rec = await recordAssessment(run, {
      root: opts.root,
      config: run.config.config,
      configFile: opts.configFile,
    });
    if (!rec) say('assessment not recorded: no evidence ledger yet (`greenlight init` starts one)');
    else if (rec.appended === 0)
      say(`assessment already recorded as ledger entries ${rec.first}..${rec.last}: nothing to do`);
    else
      say(
        `recorded ${rec.results} results as ledger entries ${rec.first}..${rec.last}` +
          (rec.checkpoint !== null ? ` (checkpoint ${rec.checkpoint})` : ''),
      );
    return exitCode;
  } catch (err) {
    const code = err instanceof GreenlightError ? err.exitCode : 4;
    say(
      `the report above is complete, but recording it in the evidence ledger failed: ${(err as Error).message}` +
        (code === 3 ? ' (run `greenlight ledger verify`)' : ''),
    );
    return code === 1 || code === 0 ? 4 : code;
  }
}
