import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  EVIDENCE_LOOKBACK_DAYS,
  PREDICATE,
  buildPopulation,
  gateStatement,
  isUserError,
  overrideStatement,
  prSubject,
  recordIdempotent,
  spoolStore,
  toRecordedEvidence,
  type EvidenceStore,
  type StoredStatement,
} from '../changes/index.js';
import type { CiContext } from '../ci-context/index.js';
import type { Config } from '../config/index.js';
import { SourceError, UsageError } from '../errors.js';
import { isUnavailable, type RecordedEvidence } from '../facts/index.js';
import {
  decideDeploy,
  decidePullRequest,
  detectContext,
  short,
  type GateContext,
  type GateDecision,
} from './decide.js';

const execFileP = promisify(execFile);
const DAY = 86_400_000;

export interface GateOptions {
  root: string;
  config: Config;
  ci: CiContext;
  now: Date;
  context?: 'auto' | 'pull_request' | 'deploy';
  environment?: string;
  commit?: string;
  protectedEnvironments: readonly string[];
  blockingSeverities: readonly string[];
  /** The emergency path: reason, ticket and approver are all required. */
  override?: { reason: string; ticket: string; approver: string };
  /** Pass (recording to the local spool) when the evidence ledger cannot be reached. */
  failOpen: boolean;
  openStore: () => Promise<EvidenceStore>;
  /** Folder of the local spool used with `failOpen`. */
  spoolDir: string;
}

export interface GateRun {
  decision: GateDecision;
  /** Where the decision was recorded (ledger entry or spool). */
  recordedAt: string;
  /** The override recorded on the emergency path. */
  overrideEntry?: number;
  reviewDueAt?: string;
}

/** Runs the gate: detect the context, read only the evidence it needs, decide, record. */
export async function runGate(opts: GateOptions): Promise<GateRun> {
  if (opts.override) {
    for (const k of ['reason', 'ticket', 'approver'] as const)
      if (!opts.override[k]?.trim()) throw new UsageError(`--override needs --${k}`);
  }
  const ctx = detectContext(opts.ci, {
    ...(opts.context ? { context: opts.context } : {}),
    ...(opts.environment ? { environment: opts.environment } : {}),
    ...(opts.commit ? { commit: opts.commit } : {}),
    protectedEnvironments: opts.protectedEnvironments,
  });

  let store: EvidenceStore;
  try {
    store = await opts.openStore();
  } catch (err) {
    if (isUserError(err)) throw err;
    return failOpenOrThrow(opts, ctx, err);
  }
  try {
    let decision: GateDecision;
    try {
      decision = await decide(opts, ctx, store);
    } catch (err) {
      if (isUserError(err)) throw err;
      return await failOpenOrThrow(opts, ctx, err);
    }
    let overrideEntry: number | undefined;
    let reviewDueAt: string | undefined;
    if (opts.override) {
      const o = overrideStatement({
        ...opts.override,
        ...(opts.ci.actor ? { requestedBy: opts.ci.actor } : {}),
        ...(decision.commit ? { commit: decision.commit } : {}),
        ...(decision.environment ? { environment: decision.environment } : {}),
        openedAt: opts.now.toISOString(),
        reviewDays: opts.config.thresholds.emergencyReviewDays,
        ...(opts.ci.repository ? { repository: opts.ci.repository } : {}),
        ci: opts.ci,
      });
      overrideEntry = (await recordIdempotent(store, { statement: o }, opts.now)).stored.index;
      reviewDueAt = String(o.predicate.reviewDueAt);
      if (decision.decision === 'fail') {
        decision = {
          ...decision,
          decision: 'override',
          notes: [
            ...decision.notes,
            `emergency override ${opts.override.ticket} approved by ${opts.override.approver}: ${opts.override.reason}`,
          ],
        };
      }
    }
    // A gate decision is about one CI run: a rerun of that run within a day is the same decision.
    const recorded = await recordIdempotent(
      store,
      { statement: decisionStatement(opts, decision) },
      opts.now,
      1,
    );
    const cp = recorded.checkpoint !== null ? ` (checkpoint ${recorded.checkpoint})` : '';
    return {
      decision,
      recordedAt: `ledger entry ${recorded.stored.index}${cp}`,
      ...(overrideEntry !== undefined ? { overrideEntry } : {}),
      ...(reviewDueAt ? { reviewDueAt } : {}),
    };
  } finally {
    await store.close();
  }
}

function decisionStatement(opts: GateOptions, d: GateDecision) {
  return gateStatement({
    context: d.context,
    decision: d.decision,
    ...(d.commit ? { commit: d.commit } : {}),
    ...(d.environment ? { environment: d.environment } : {}),
    ...(d.prNumber !== undefined ? { prNumber: d.prNumber } : {}),
    reasons: d.reasons,
    decidedAt: opts.now.toISOString(),
    ...(opts.ci.repository ? { repository: opts.ci.repository } : {}),
    ci: opts.ci,
  });
}

async function failOpenOrThrow(opts: GateOptions, ctx: GateContext, err: unknown): Promise<GateRun> {
  const why = (err as Error).message;
  if (!opts.failOpen)
    throw err instanceof Error && 'exitCode' in err
      ? err
      : new SourceError(`the evidence ledger cannot be reached: ${why}`);
  const commit = ctx.kind === 'deploy' ? ctx.commit : ctx.kind === 'pull_request' ? ctx.head : ctx.commit;
  const decision: GateDecision = {
    context: ctx.kind,
    decision: 'fail-open',
    ...(commit ? { commit } : {}),
    ...(ctx.kind === 'deploy' ? { environment: ctx.environment } : {}),
    reasons: [],
    notes: [`the evidence ledger cannot be reached (${why}); passing because of --fail-open`],
  };
  const spool = spoolStore(opts.spoolDir, () => opts.now);
  const { stored } = await spool.append([{ statement: decisionStatement(opts, decision) }]);
  return {
    decision,
    recordedAt: `${spool.describe()} entry ${stored[0]!.index} (unsigned until replayed into the ledger)`,
  };
}

async function decide(opts: GateOptions, ctx: GateContext, store: EvidenceStore): Promise<GateDecision> {
  if (ctx.kind === 'pull_request') return decidePr(opts, ctx, store);
  if (ctx.kind === 'deploy') return decideDeployCtx(opts, ctx, store);
  return {
    context: 'other',
    decision: 'pass',
    ...(ctx.commit ? { commit: ctx.commit } : {}),
    reasons: [],
    notes: [`nothing to gate: ${ctx.why}`],
  };
}

async function evidenceOf(store: EvidenceStore, stored: StoredStatement[]): Promise<RecordedEvidence> {
  return toRecordedEvidence(stored, store);
}

/** When git made a commit (its committer time), or null when the checkout does not have it. */
async function commitTime(root: string, sha: string): Promise<number | null> {
  try {
    const out = await execFileP('git', ['log', '-1', '--format=%ct', sha, '--'], { cwd: root });
    const t = Number(out.stdout.trim()) * 1000;
    return Number.isFinite(t) && t > 0 ? t : null;
  } catch {
    return null; // a shallow checkout may not have the PR head
  }
}

/**
 * Evidence about a commit is recorded after the commit exists: reading from a day before its
 * time (clock skew) keeps the gate to an indexed range of the ledger. Without the commit's time,
 * the last EVIDENCE_LOOKBACK_DAYS.
 */
async function readSince(root: string, sha: string, now: Date): Promise<Date> {
  const t = await commitTime(root, sha);
  return new Date(t !== null ? t - DAY : now.getTime() - EVIDENCE_LOOKBACK_DAYS * DAY);
}

async function decidePr(
  opts: GateOptions,
  ctx: Extract<GateContext, { kind: 'pull_request' }>,
  store: EvidenceStore,
): Promise<GateDecision> {
  const [headSince, baseSince] = await Promise.all([
    readSince(opts.root, ctx.head, opts.now),
    ctx.base ? readSince(opts.root, ctx.base, opts.now) : null,
  ]);
  const [head, base] = await Promise.all([
    store.statements({
      predicateTypes: [PREDICATE.scan, PREDICATE.tests],
      subjectDigest: ctx.head,
      since: headSince,
    }),
    ctx.base && baseSince
      ? store.statements({ predicateTypes: [PREDICATE.scan], subjectDigest: ctx.base, since: baseSince })
      : [],
  ]);
  const headEv = await evidenceOf(store, head);
  const baseEv = await evidenceOf(store, base);
  // A scan recorded for the PR's head in an earlier run counts; one for the synthetic merge ref does not.
  return decidePullRequest({
    head: ctx.head,
    ...(ctx.prNumber !== undefined ? { prNumber: ctx.prNumber } : {}),
    scans: headEv.scans.filter((s) => s.commit === ctx.head),
    baseScans: baseEv.scans,
    tests: headEv.tests.filter((t) => t.commit === ctx.head),
    requiredScanTypes: opts.config.scans.required,
    blockingSeverities: opts.blockingSeverities,
  });
}

async function gitOut(root: string, args: string[]): Promise<string> {
  try {
    return (await execFileP('git', args, { cwd: root, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (err) {
    throw new UsageError(`git ${args[0]} failed in ${root}: ${(err as Error).message.split('\n')[0]}`);
  }
}

async function decideDeployCtx(
  opts: GateOptions,
  ctx: Extract<GateContext, { kind: 'deploy' }>,
  store: EvidenceStore,
): Promise<GateDecision> {
  const envName = ctx.environment.toLowerCase();
  // git runs while the ledger is read.
  const resolved = gitOut(opts.root, ['rev-parse', '--verify', '--end-of-options', `${ctx.commit}^{commit}`]);
  resolved.catch(() => {}); // awaited below
  // The previous deploy to this environment: look back a week, then further only when needed.
  let prev: RecordedEvidence['deployments'][number] | undefined;
  for (const days of [7, 90, 730, null]) {
    const since = days === null ? undefined : new Date(opts.now.getTime() - days * DAY);
    const stored = await store.statements({
      predicateTypes: [PREDICATE.deployment],
      ...(since ? { since } : {}),
    });
    prev = (await evidenceOf(store, stored)).deployments
      .filter((d) => d.environment.toLowerCase() === envName && d.commit !== ctx.commit)
      .sort((a, b) =>
        a.deployedAt < b.deployedAt ? 1 : a.deployedAt > b.deployedAt ? -1 : b.ref.index - a.ref.index,
      )[0];
    if (prev) break;
  }

  // The commits being shipped: reachable from the deployed commit and not from the previous deploy.
  const commit = (await resolved).trim();
  const range = prev ? [commit, `^${prev.commit}`] : [commit];
  const prevTime = prev ? gitOut(opts.root, ['log', '-1', '--format=%ct', prev.commit, '--']) : null;
  prevTime?.catch(() => {}); // awaited below, when something is shipped
  const shipped = (await gitOut(opts.root, ['rev-list', '--first-parent', ...range, '--']))
    .split('\n')
    .filter(Boolean);
  if (shipped.length === 0)
    return {
      context: 'deploy',
      decision: 'pass',
      commit,
      environment: ctx.environment,
      reasons: [],
      notes: [
        `nothing new to ship: ${short(commit)} adds no change since the last deploy to ${ctx.environment}`,
      ],
      offending: [],
    };
  // Read history only as far back as the previous deploy (a day of margin for clock skew).
  const historySince = prevTime ? new Date(Number((await prevTime).trim()) * 1000 - DAY) : null;
  // Only a deploy reads history: the git source is loaded for it alone.
  const { collectGit } = await import('../sources/git/index.js');
  const git = await collectGit({
    root: opts.root,
    since: historySince,
    until: opts.now,
    config: opts.config,
    progress: () => {},
    branch: commit,
  });
  if (isUnavailable(git)) throw new UsageError(`cannot read the history of ${short(commit)}: ${git.reason}`);

  const shippedSet = new Set(shipped);
  const bySha = new Map(git.commits.map((c) => [c.sha, c]));
  const digests = new Set<string>();
  let earliest = opts.now.getTime();
  for (const c of git.commits) {
    if (!shippedSet.has(c.sha)) continue;
    digests.add(c.sha);
    if (c.parents[1]) digests.add(c.parents[1]);
    // Evidence about a change is recorded after its commits exist; a squash or rebase merge
    // hides the reviewed head, whose evidence may predate the merge by up to the lookback.
    const head = c.parents[1] ? bySha.get(c.parents[1]) : undefined;
    const at = Date.parse((head ?? c).committedAt);
    const margin = head || c.kind === 'direct-push' ? DAY : EVIDENCE_LOOKBACK_DAYS * DAY;
    earliest = Math.min(earliest, at - margin);
    if (c.prNumber !== undefined) {
      for (const repo of [opts.ci.repository, undefined]) {
        const d = prSubject(c.prNumber, repo).digest.sha256;
        if (d) digests.add(d);
      }
    }
  }
  const since = new Date(earliest);
  // Emergency overrides and their reviews name tickets the commits mention, not the commits.
  const emergencySince = new Date(earliest - EVIDENCE_LOOKBACK_DAYS * DAY);
  const [about, emergencies] = await Promise.all([
    store.statements({
      predicateTypes: [PREDICATE.scan, PREDICATE.tests, PREDICATE.gate, PREDICATE.override],
      subjectDigest: [...digests],
      since,
    }),
    store.statements({ predicateTypes: [PREDICATE.override, PREDICATE.review], since: emergencySince }),
  ]);
  const seen = new Set<number>();
  const evidence = await evidenceOf(
    store,
    [...about, ...emergencies].filter((s) => !seen.has(s.index) && seen.add(s.index)),
  );
  const pop = buildPopulation({
    git,
    evidence,
    config: opts.config,
    now: opts.now,
    since: null,
    until: opts.now,
    ...(opts.ci.repository ? { repository: opts.ci.repository } : {}),
  });
  return decideDeploy(pop, shipped, commit, ctx.environment);
}
