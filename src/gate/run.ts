import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  PREDICATE,
  gateStatement,
  isStoreUnreachable,
  overrideStatement,
  prSubject,
  recordIdempotent,
  toRecordedEvidence,
  type EvidenceStore,
  type SpoolWriter,
  type StoredStatement,
} from '../evidence/index.js';
import { EVIDENCE_LOOKBACK_DAYS, loadPopulation } from '../sources/ledger/index.js';
import type { CiContext } from '../ci-context/index.js';
import type { Config } from '../config/index.js';
import { SourceError, UsageError } from '../errors.js';
import { isUnavailable, type GitHistory, type RecordedEvidence, type Unavailable } from '../facts/index.js';
import {
  decideDeploy,
  decidePullRequest,
  detectContext,
  short,
  type GateContext,
  type GateDecision,
} from './decide.js';
import { readPullRequestGit, type PullRequestPolicy } from './policy.js';

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
  /** The `--config` file as given (a pull request gate reads it at the base when in the checkout). */
  configFile?: string;
  /** The pull request's base branch when the CI names no base commit (GITHUB_BASE_REF). */
  baseRef?: string;
  /**
   * Pass (recording to the local spool) when the evidence ledger cannot be reached — only then:
   * integrity failures and bad input keep their exit codes (see isStoreUnreachable).
   */
  failOpen: boolean;
  openStore: () => Promise<EvidenceStore>;
  /** The local spool used with `failOpen` (throws, failing closed, when it cannot be used). */
  openSpool: () => Promise<SpoolWriter>;
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
    ...(opts.baseRef ? { baseRef: opts.baseRef } : {}),
    protectedEnvironments: opts.protectedEnvironments,
  });

  // git runs while the ledger is opened and read.
  const early = await startGit(opts, ctx);
  let store: EvidenceStore;
  try {
    store = await opts.openStore();
  } catch (err) {
    return failOpenOrThrow(opts, ctx, early, err);
  }
  try {
    let decision: GateDecision;
    try {
      decision = await decide(opts, ctx, store, early);
    } catch (err) {
      return await failOpenOrThrow(opts, ctx, early, err);
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

/**
 * `--fail-open` passes only when the evidence store cannot be reached. Anything else — an integrity
 * failure (exit 3), bad input (exit 2), a refused spool — fails exactly as without the flag, and
 * so does a gate whose own input is wrong (a base or commit not in the checkout), looked at first.
 */
async function failOpenOrThrow(
  opts: GateOptions,
  ctx: GateContext,
  early: EarlyGit,
  err: unknown,
): Promise<GateRun> {
  const why = (err as Error).message;
  if (!opts.failOpen || !isStoreUnreachable(err))
    throw err instanceof Error && 'exitCode' in err
      ? err
      : new SourceError(`the evidence ledger cannot be used: ${why}`);
  await early.policy;
  await early.deploy?.commit;
  const commit = ctx.kind === 'deploy' ? ctx.commit : ctx.kind === 'pull_request' ? ctx.head : ctx.commit;
  const decision: GateDecision = {
    context: ctx.kind,
    decision: 'fail-open',
    ...(commit ? { commit } : {}),
    ...(ctx.kind === 'deploy' ? { environment: ctx.environment } : {}),
    reasons: [],
    notes: [`the evidence ledger cannot be reached (${why}); passing because of --fail-open`],
  };
  const spool = await opts.openSpool();
  const { stored } = await spool.append([{ statement: decisionStatement(opts, decision) }]);
  return {
    decision,
    recordedAt: `${spool.describe()} entry ${stored[0]!.index} (unsigned until replayed into the ledger)`,
  };
}

/** The git work of a gate, started before the ledger is opened (see startGit). */
interface EarlyGit {
  /** Pull request: the policy (the base's config), where to read the head's and the base's evidence from. */
  policy?: Promise<PullRequestPolicy>;
  headSince?: Promise<Date>;
  baseSince?: Promise<Date | null>;
  /** Deploy: the deployed commit, and its history once told what the previous deploy shipped. */
  deploy?: {
    commit: Promise<string>;
    shippedBefore: (commits: string[]) => void;
    history: Promise<GitHistory | Unavailable>;
  };
}

async function startGit(opts: GateOptions, ctx: GateContext): Promise<EarlyGit> {
  const quiet = <T>(p: Promise<T>): Promise<T> => {
    p.catch(() => {}); // awaited by the decision; not at all when the ledger cannot be opened
    return p;
  };
  if (ctx.kind === 'pull_request') {
    // One git process: the commit times of head and base, and the base's policy.
    const git = quiet(
      readPullRequestGit({
        root: opts.root,
        head: ctx.head,
        base: ctx.base,
        inCi: opts.ci.system !== 'local',
        headConfig: opts.config,
        explicit: opts.configFile,
      }),
    );
    return {
      policy: quiet(
        git.then((g) => {
          if (g.policy instanceof Error) throw g.policy;
          return g.policy;
        }),
      ),
      headSince: quiet(git.then((g) => readSince(g.headTime, opts.now))),
      baseSince: quiet(git.then((g) => (ctx.base ? readSince(g.baseTime, opts.now) : null))),
    };
  }
  if (ctx.kind !== 'deploy') return {};
  const commit = quiet(
    gitOut(opts.root, ['rev-parse', '--verify', '--end-of-options', `${ctx.commit}^{commit}`]).then((s) =>
      s.trim(),
    ),
  );
  let shippedBefore!: (commits: string[]) => void;
  const exclude = new Promise<string[]>((resolve) => (shippedBefore = resolve));
  // What ships: the commits reachable from the deployed commit and not from the previous
  // deploy, read in one `git log commit ^previous`; the git source is loaded for deploys alone,
  // and before the ledger, so that its first git processes start now.
  const { collectGit } = await import('../sources/git/index.js');
  const history = quiet(
    collectGit(
      { root: opts.root, since: null, until: ALL_TIME, config: opts.config, progress: () => {} },
      { tip: commit, exclude },
    ),
  );
  return { deploy: { commit, shippedBefore, history } };
}

async function decide(
  opts: GateOptions,
  ctx: GateContext,
  store: EvidenceStore,
  early: EarlyGit,
): Promise<GateDecision> {
  if (ctx.kind === 'pull_request') return decidePr(opts, ctx, store, early);
  if (ctx.kind === 'deploy') return decideDeployCtx(opts, ctx, store, early.deploy!);
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

/**
 * Evidence about a commit is recorded after the commit exists: reading from a day before its
 * time (clock skew) keeps the gate to an indexed range of the ledger. Without the commit's time
 * (a shallow checkout may not have it), the last EVIDENCE_LOOKBACK_DAYS.
 */
function readSince(committed: number | null, now: Date): Date {
  return new Date(committed !== null ? committed - DAY : now.getTime() - EVIDENCE_LOOKBACK_DAYS * DAY);
}

async function decidePr(
  opts: GateOptions,
  ctx: Extract<GateContext, { kind: 'pull_request' }>,
  store: EvidenceStore,
  early: EarlyGit,
): Promise<GateDecision> {
  const [policy, headSince, baseSince] = await Promise.all([
    early.policy!,
    early.headSince!,
    early.baseSince!,
  ]);
  const baseSha = policy.base ?? ctx.base;
  const [head, base] = await Promise.all([
    store.statements({
      predicateTypes: [PREDICATE.scan, PREDICATE.tests],
      subjectDigest: ctx.head,
      since: headSince,
    }),
    baseSha && baseSince
      ? store.statements({ predicateTypes: [PREDICATE.scan], subjectDigest: baseSha, since: baseSince })
      : [],
  ]);
  const headEv = await evidenceOf(store, head);
  const baseEv = await evidenceOf(store, base);
  // A scan recorded for the PR's head in an earlier run counts; one for the synthetic merge ref does not.
  const decision = decidePullRequest({
    head: ctx.head,
    ...(ctx.prNumber !== undefined ? { prNumber: ctx.prNumber } : {}),
    scans: headEv.scans.filter((s) => s.commit === ctx.head),
    baseScans: baseEv.scans,
    tests: headEv.tests.filter((t) => t.commit === ctx.head),
    // The base's policy: a pull request cannot weaken its own gate.
    requiredScanTypes: policy.config.scans.required,
    blockingSeverities: opts.blockingSeverities,
  });
  return { ...decision, notes: [...policy.notes, ...decision.notes] };
}

async function gitOut(root: string, args: string[]): Promise<string> {
  try {
    return (await execFileP('git', args, { cwd: root, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (err) {
    throw new UsageError(`git ${args[0]} failed in ${root}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * A deploy gate judges every commit it ships, whatever its date: a commit dated after the gate's
 * clock (a skewed laptop clock) must not fall out of the window and pass unjudged.
 */
const ALL_TIME = new Date(8.64e15);

async function decideDeployCtx(
  opts: GateOptions,
  ctx: Extract<GateContext, { kind: 'deploy' }>,
  store: EvidenceStore,
  early: NonNullable<EarlyGit['deploy']>,
): Promise<GateDecision> {
  const envName = ctx.environment.toLowerCase();
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

  early.shippedBefore(prev ? [prev.commit] : []);
  const commit = await early.commit;
  const git = await early.history;
  if (isUnavailable(git)) {
    if (prev && git.reason.includes(`bad object ${prev.commit}`))
      throw new UsageError(
        `the previous deploy to ${ctx.environment} (${short(prev.commit)}, ledger entry ${prev.ref.index}) is not ` +
          'in this checkout, so what this deploy ships cannot be told: fetch the full history ' +
          '(`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)',
      );
    throw new UsageError(`cannot read the history of ${short(commit)}: ${git.reason}`);
  }
  // The changes shipped: the first-parent line of what the deploy adds.
  const shipped = git.commits.filter((c) => c.firstParent).map((c) => c.sha);
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
  // The history and evidence read above are only what this deploy ships, and what is about it.
  const { population: pop } = await loadPopulation(
    { root: opts.root, since: null, until: ALL_TIME, config: opts.config, progress: () => {} },
    { now: opts.now, git, evidence, ...(opts.ci.repository ? { repository: opts.ci.repository } : {}) },
  );
  return decideDeploy(pop, shipped, commit, ctx.environment);
}
