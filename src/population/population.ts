import type { CiContext } from '../ci-context/index.js';
import { compileLinear } from '../linear-regex.js';
import type {
  ApprovalRecord,
  Commit,
  DeploymentRecord,
  GateRecord,
  GithubFacts,
  RecordedEvidence,
  ScanRecord,
  TestRecord,
} from '../facts/index.js';
import { isBotLogin, standingReviews } from '../facts/index.js';
import { forgePullRequests } from './forge.js';
import type {
  ChangeApproval,
  ChangeDeployment,
  ChangeEmergency,
  ChangeRow,
  ChangeScan,
  ForgePullRequest,
  OffBranchDeployment,
  Population,
  PopulationInput,
} from './types.js';

/**
 * The change population: one row per change that reached the protected branch in the window,
 * joining git history, forge data (when present) and recorded evidence. Pure: facts in, rows out.
 */
export function buildPopulation(input: PopulationInput): Population {
  const { git, config } = input;
  const repository =
    input.repository ?? repositoryName(git.remotes) ?? git.root.split('/').pop() ?? 'repository';
  const evidence = forRepository(input.evidence, input.repository);
  const envs = new Set((input.protectedEnvironments ?? ['production', 'prod']).map((e) => e.toLowerCase()));
  const warnings: string[] = [...(git.warnings ?? [])];
  if (git.shallow)
    warnings.push('the clone is shallow: the population may be incomplete (fetch with --unshallow)');

  const bySha = new Map<string, Commit>();
  for (const c of git.commits) bySha.set(c.sha, c);
  const inWindow = (iso: string): boolean => {
    const t = Date.parse(iso);
    return (input.since === null || t >= input.since.getTime()) && t <= input.until.getTime();
  };

  const idx = indexEvidence(evidence, input.pullRequests ?? []);
  const ticketRe = ticketMatcher(config.tickets.pattern, config.tickets.urlPattern);
  const shipped = shipments(
    evidence.deployments.filter((d) => envs.has(d.environment.toLowerCase())),
    bySha,
  );

  const rows: ChangeRow[] = [];
  for (const c of git.commits) {
    if (!c.firstParent || c.kind === 'merged' || !inWindow(c.committedAt)) continue;
    rows.push(
      changeRow(c, {
        repository,
        bySha,
        idx,
        ticketRe,
        shipped: shipped.byCommit.get(c.sha) ?? [],
        input,
        evidence,
      }),
    );
  }
  for (const f of evidence.forcePushes) {
    if (!inWindow(f.at)) continue;
    rows.push(forcePushRow(f, repository, git.branch));
  }
  rows.sort((a, b) =>
    a.mergedAt < b.mergedAt ? -1 : a.mergedAt > b.mergedAt ? 1 : a.commit < b.commit ? -1 : 1,
  );

  const approvalSources = new Set<'forge' | 'ci' | 'trailer'>();
  if (input.pullRequests) approvalSources.add('forge');
  if (evidence.approvals.length > 0) approvalSources.add('ci');
  if (git.commits.some((c) => c.trailers.some((t) => APPROVAL_TRAILERS.has(t.key.toLowerCase()))))
    approvalSources.add('trailer');

  return {
    repository,
    branch: git.branch,
    since: input.since ? input.since.toISOString() : null,
    until: input.until.toISOString(),
    rows,
    offBranchDeployments: shipped.offBranch.filter((d) => inWindow(d.deployedAt)),
    deployments: shipped.deployments.filter((d) => inWindow(d.deployedAt)),
    approvalSources: [...approvalSources],
    warnings,
  };
}

// ---------------------------------------------------------------- evidence indexes

/** Any recorded evidence: its CI context and where it is in the ledger. */
interface Recorded {
  ci: CiContext;
  ref: { index: number };
}

/** Records of one kind, by the commit they name and by the pull request of their CI run. */
interface ByChange<T> {
  byCommit: Map<string, T[]>;
  byPr: Map<number, T[]>;
}

interface EvidenceIndex {
  tests: ByChange<TestRecord>;
  gates: ByChange<GateRecord>;
  scans: ByChange<ScanRecord>;
  prByNumber: Map<number, ForgePullRequest>;
  prByMerge: Map<string, ForgePullRequest>;
  /** CI contexts of pull-request statements, by PR number, in ledger order. */
  ciByPr: Map<number, Recorded[]>;
  approvalsByPr: Map<number, ApprovalRecord[]>;
  approvalsByCommit: Map<string, ApprovalRecord[]>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function byChange<T extends { commit?: string | undefined; ci: CiContext }>(
  records: readonly T[],
): ByChange<T> {
  const out: ByChange<T> = { byCommit: new Map(), byPr: new Map() };
  for (const r of records) {
    if (r.commit !== undefined) push(out.byCommit, r.commit, r);
    if (r.ci.pullRequest) push(out.byPr, r.ci.pullRequest.number, r);
  }
  return out;
}

/** The records that may be about a change (its commits or its PR), in ledger order, without repeats. */
function candidates<T extends { ref: { index: number } }>(
  idx: ByChange<T>,
  commits: readonly string[],
  pr: number | null,
): T[] {
  const lists: T[][] = [];
  for (const c of commits) {
    const l = idx.byCommit.get(c);
    if (l) lists.push(l);
  }
  const byPr = pr !== null ? idx.byPr.get(pr) : undefined;
  if (byPr) lists.push(byPr);
  // Each list is in ledger order already; most changes have one, or the same records twice.
  if (lists.length === 0) return [];
  let out = lists[0]!;
  for (let i = 1; i < lists.length; i++) out = mergeByIndex(out, lists[i]!);
  return out;
}

/** Two lists in ledger order as one, without repeats (returns `a` itself when `b` adds nothing). */
function mergeByIndex<T extends { ref: { index: number } }>(a: T[], b: T[]): T[] {
  if (a === b || (a.length === b.length && a.every((x, i) => x === b[i]))) return a;
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.ref.index < y.ref.index)) {
      out.push(x!);
      i++;
    } else if (x === undefined || y.ref.index < x.ref.index) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  return out;
}

function indexEvidence(ev: RecordedEvidence, prs: readonly ForgePullRequest[]): EvidenceIndex {
  const idx: EvidenceIndex = {
    tests: byChange(ev.tests),
    gates: byChange(ev.gates),
    scans: byChange(ev.scans),
    prByNumber: new Map(),
    prByMerge: new Map(),
    ciByPr: new Map(),
    approvalsByPr: new Map(),
    approvalsByCommit: new Map(),
  };
  for (const pr of prs) {
    idx.prByNumber.set(pr.number, pr);
    if (pr.mergeCommitSha) idx.prByMerge.set(pr.mergeCommitSha, pr);
  }
  for (const kind of [ev.scans, ev.tests, ev.gates, ev.deployments, ev.overrides, ev.reviews] as Recorded[][])
    for (const r of kind) if (r.ci.pullRequest) push(idx.ciByPr, r.ci.pullRequest.number, r);
  for (const list of idx.ciByPr.values()) if (list.length > 1) list.sort((a, b) => a.ref.index - b.ref.index);
  for (const a of ev.approvals) {
    if (a.prNumber !== undefined) push(idx.approvalsByPr, a.prNumber, a);
    else if (a.commit) push(idx.approvalsByCommit, a.commit, a);
  }
  return idx;
}

function forRepository(ev: RecordedEvidence, repository: string | undefined): RecordedEvidence {
  if (!repository) return ev;
  const ours = <T extends { repository?: string; ci: CiContext }>(r: T): boolean => {
    const repo = r.repository ?? r.ci.repository;
    return repo === undefined || repo.toLowerCase() === repository.toLowerCase();
  };
  return {
    ...ev,
    deployments: ev.deployments.filter(ours),
    scans: ev.scans.filter(ours),
    tests: ev.tests.filter(ours),
    overrides: ev.overrides.filter(ours),
    reviews: ev.reviews.filter(ours),
    approvals: ev.approvals.filter(ours),
    gates: ev.gates.filter(ours),
    forcePushes: ev.forcePushes.filter(ours),
  };
}

/** `owner/repo` from the origin remote's URL. */
export function repositoryName(remotes: readonly { name: string; url: string }[]): string | undefined {
  const origin = remotes.find((r) => r.name === 'origin') ?? remotes[0];
  if (!origin) return undefined;
  const m = /[:/]([^/:]+(?:\/[^/:]+)*?\/[^/:]+?)(?:\.git)?\/?$/.exec(
    origin.url.replace(/^[a-z+]+:\/\/[^/]+/i, ''),
  );
  return m?.[1]?.replace(/^\//, '');
}

// ---------------------------------------------------------------- deployments by ancestry

interface Shipments {
  byCommit: Map<string, ChangeDeployment[]>;
  offBranch: OffBranchDeployment[];
  deployments: (ChangeDeployment & { changes: string[] })[];
}

/**
 * A deployment of commit D ships every commit reachable from D and not from the previous
 * deployment of the same environment. The walk from D stops at commits the previous
 * deployment reached: whatever lies beyond them was reachable from it too.
 */
function shipments(deployments: readonly DeploymentRecord[], bySha: Map<string, Commit>): Shipments {
  const out: Shipments = { byCommit: new Map(), offBranch: [], deployments: [] };
  const byEnv = new Map<string, DeploymentRecord[]>();
  for (const d of deployments) push(byEnv, d.environment, d);
  for (const [env, list] of byEnv) {
    list.sort((a, b) =>
      a.deployedAt === b.deployedAt ? a.ref.index - b.ref.index : a.deployedAt < b.deployedAt ? -1 : 1,
    );
    let reached = new Set<string>();
    let prevCommit: string | null = null;
    for (const d of list) {
      const dep: ChangeDeployment = {
        environment: env,
        commit: d.commit,
        deployedAt: d.deployedAt,
        index: d.ref.index,
      };
      if (!bySha.has(d.commit)) {
        out.offBranch.push(dep);
        continue;
      }
      const fresh: string[] = [];
      let sawPrev = false;
      const stack = [d.commit];
      const seen = new Set<string>();
      while (stack.length > 0) {
        const sha = stack.pop()!;
        if (seen.has(sha)) continue;
        seen.add(sha);
        if (reached.has(sha)) {
          if (sha === prevCommit) sawPrev = true;
          continue;
        }
        const c = bySha.get(sha);
        if (!c) continue;
        fresh.push(sha);
        for (const p of c.parents) stack.push(p);
      }
      for (const sha of fresh) push(out.byCommit, sha, dep);
      out.deployments.push({
        ...dep,
        changes: fresh.filter((s) => bySha.get(s)?.firstParent && bySha.get(s)?.kind !== 'merged'),
      });
      // Moving forward (D descends from the previous deploy): reach(D) = reach(prev) ∪ fresh.
      // Otherwise (a rollback), recompute reach(D) in full.
      if (sawPrev || prevCommit === null) for (const s of fresh) reached.add(s);
      else reached = reachable(d.commit, bySha);
      prevCommit = d.commit;
    }
  }
  return out;
}

function reachable(from: string, bySha: Map<string, Commit>): Set<string> {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const sha = stack.pop()!;
    if (seen.has(sha)) continue;
    const c = bySha.get(sha);
    if (!c) continue;
    seen.add(sha);
    for (const p of c.parents) stack.push(p);
  }
  return seen;
}

// ---------------------------------------------------------------- one change

const APPROVAL_TRAILERS = new Set(['approved-by', 'reviewed-by']);

interface RowContext {
  repository: string;
  bySha: Map<string, Commit>;
  idx: EvidenceIndex;
  ticketRe: (text: string) => string | null;
  shipped: ChangeDeployment[];
  input: PopulationInput;
  evidence: RecordedEvidence;
}

/** Lower-cased names an identity goes by (login, name, email, email local part). */
function aliases(...names: (string | null | undefined)[]): Set<string> {
  const out = new Set<string>();
  for (const n of names) if (n) for (const a of aliasesOf(n)) out.add(a);
  return out;
}

// The same few people author thousands of changes: their aliases are worked out once.
const ALIAS_CACHE = new Map<string, readonly string[]>();

function aliasesOf(n: string): readonly string[] {
  let out = ALIAS_CACHE.get(n);
  if (out) return out;
  const set = new Set<string>();
  const v = n.trim().toLowerCase();
  set.add(v);
  const email = /<([^>]+)>/.exec(v)?.[1] ?? (v.includes('@') ? v : undefined);
  if (email) {
    set.add(email);
    set.add(email.split('@')[0]!.replace(/^\d+\+/, ''));
  }
  const name = v.replace(/<[^>]*>/, '').trim();
  if (name) set.add(name);
  out = [...set];
  if (ALIAS_CACHE.size < 10_000) ALIAS_CACHE.set(n, out);
  return out;
}

function findLast<T>(list: readonly T[], ok: (x: T) => boolean): T | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (ok(list[i]!)) return list[i];
  return undefined;
}

function overlaps(a: Set<string>, b: Set<string>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

function changeRow(c: Commit, rc: RowContext): ChangeRow {
  const { idx, bySha, input, evidence } = rc;
  const pr =
    idx.prByMerge.get(c.sha) ?? (c.prNumber !== undefined ? idx.prByNumber.get(c.prNumber) : undefined);
  const prNumber = pr?.number ?? c.prNumber ?? null;
  const ciList = prNumber !== null ? (idx.ciByPr.get(prNumber) ?? []) : [];
  const ciPr = findLast(ciList, (x) => Boolean(x.ci.pullRequest?.headSha))?.ci.pullRequest;
  const headCommit = c.kind === 'pr-merge' && c.parents[1] ? bySha.get(c.parents[1]) : undefined;
  const headSha = pr?.headSha ?? (c.kind === 'pr-merge' ? (c.parents[1] ?? null) : (ciPr?.headSha ?? null));

  const authorCommit = headCommit ?? c;
  const author = pr?.author ?? ciPr?.author ?? authorCommit.authorName;
  const authorIds = aliases(author, authorCommit.authorName, authorCommit.authorEmail, ciPr?.author);
  const lastPushCi = findLast(ciList, (x) => x.ci.event === 'pull_request' && Boolean(x.ci.actor));
  const lastPusher =
    pr?.lastPusher ?? lastPushCi?.ci.actor ?? (headCommit ? headCommit.committerName : c.committerName);
  const pusherIds = aliases(lastPusher);
  const independent = (by: string | null): boolean | null => {
    if (!by) return null;
    const ids = aliases(by);
    return !overlaps(ids, authorIds) && !overlaps(ids, pusherIds);
  };
  const mergedAt = pr?.mergedAt ?? c.committedAt;
  const mergedTime = Date.parse(mergedAt);
  const before = (at: string): boolean => Date.parse(at) <= mergedTime;

  // Approvals from the forge, from CI review events, and from Approved-by/Reviewed-by trailers.
  const approvals: ChangeApproval[] = [];
  // A reviewer's latest review stands; a bot's or GitHub Actions' approval is not independent.
  for (const r of standingReviews(pr?.reviews ?? [])) {
    if (r.state.toUpperCase() !== 'APPROVED' || !r.submittedAt) continue;
    approvals.push({
      by: r.author,
      at: r.submittedAt,
      source: 'forge',
      onHead: headSha !== null && r.commitSha === headSha,
      beforeMerge: before(r.submittedAt),
      independent: isBotLogin(r.author) ? false : independent(r.author),
    });
  }
  const ciApprovals = [
    ...(prNumber !== null ? (idx.approvalsByPr.get(prNumber) ?? []) : []),
    ...(headSha ? (idx.approvalsByCommit.get(headSha) ?? []) : []),
  ];
  for (const a of ciApprovals) {
    if (a.state !== 'approved') continue;
    approvals.push({
      by: a.reviewer ?? null,
      at: a.submittedAt,
      source: 'ci',
      onHead: headSha !== null && a.commit === headSha,
      beforeMerge: before(a.submittedAt),
      independent: independent(a.reviewer ?? null),
    });
  }
  for (const t of c.trailers) {
    if (!APPROVAL_TRAILERS.has(t.key.toLowerCase())) continue;
    approvals.push({
      by: t.value,
      at: c.committedAt,
      source: 'trailer',
      onHead: true,
      beforeMerge: true,
      independent: independent(t.value),
    });
  }
  const good = approvals.filter((a) => a.onHead && a.beforeMerge && a.independent === true);
  const reviewers = new Set(good.map((a) => (a.by ?? '').toLowerCase()));
  const anyApprovalData =
    approvals.length > 0 || input.pullRequests !== undefined || evidence.approvals.length > 0;
  const independentApproval = anyApprovalData ? reviewers.size >= input.config.thresholds.approvals : null;

  // Checks on the head: the forge's, recorded test runs, and PR gate decisions.
  const checks: ChangeRow['checks'] = [];
  for (const ch of pr?.checks ?? [])
    checks.push({ name: ch.name, conclusion: ch.conclusion, source: 'forge' });
  const about = new Set([c.sha, ...(headSha ? [headSha] : [])]);
  const relevant = (r: { commit?: string | undefined; ci: CiContext }): boolean =>
    (r.commit !== undefined && about.has(r.commit)) ||
    (prNumber !== null &&
      r.ci.pullRequest?.number === prNumber &&
      (!headSha || r.ci.pullRequest.headSha === headSha));
  const near = [c.sha, ...(headSha ? [headSha] : [])];
  const tests = candidates(idx.tests, near, prNumber).filter(relevant);
  for (const t of tests)
    checks.push({
      name: `tests (${t.format})`,
      conclusion: t.passed ? 'SUCCESS' : 'FAILURE',
      source: 'tests',
      index: t.ref.index,
    });
  const gates = candidates(idx.gates, near, prNumber).filter(
    (g) => g.context === 'pull_request' && relevant(g),
  );
  for (const g of gates)
    checks.push({
      name: 'greenlight gate',
      conclusion: g.decision === 'fail' ? 'FAILURE' : 'SUCCESS',
      source: 'gate',
      index: g.ref.index,
    });
  const checksPassed = judgeChecks(pr, tests);

  const scanRecords = candidates(idx.scans, near, prNumber).filter(relevant);
  const scans: ChangeScan[] = scanRecords.map((s) => ({
    tool: s.tool,
    scanTypes: s.scanTypes,
    commit: s.commit,
    scannedAt: s.scannedAt,
    index: s.ref.index,
    blocking: s.summary.critical + s.summary.high,
  }));

  const text = [pr?.title, pr?.body, c.subject, c.body, c.sourceBranch].filter(Boolean).join('\n');
  const emergency = emergencyOf(c, pr, rc, text);
  const ticket = rc.ticketRe(withoutOwnPullRequest(text, prNumber)) ?? emergency?.ticket ?? null;

  const reasons: string[] = [];
  const isPr = prNumber !== null || c.kind === 'pr-merge' || c.kind === 'forge-squash';
  if (c.kind === 'direct-push') reasons.push(`pushed directly to ${input.git.branch} without a pull request`);
  else if (c.kind === 'bot' && !isPr) reasons.push('committed by automation without a pull request');
  if (isPr) {
    if (independentApproval === null) reasons.push('no approval data (no forge data and no recorded review)');
    else if (!independentApproval) reasons.push(approvalReason(approvals, input.config.thresholds.approvals));
  }
  if (checksPassed === null) reasons.push('no checks or test results recorded for the head commit');
  else if (!checksPassed) reasons.push('checks or tests failed on the head commit');
  if (!ticket) reasons.push('no ticket linked');
  if (emergency?.reviewState === 'overdue')
    reasons.push(`post-incident review overdue since ${emergency.dueAt}`);
  if (emergency?.reviewState === 'reviewed-late')
    reasons.push(`post-incident review done late (${emergency.reviewedAt}, due ${emergency.dueAt})`);

  const evidenceIdx = new Set<number>();
  for (const x of [...tests, ...gates, ...scanRecords]) evidenceIdx.add(x.ref.index);
  for (const d of rc.shipped) evidenceIdx.add(d.index);
  for (const a of ciApprovals) evidenceIdx.add(a.ref.index);
  for (const x of ciList) evidenceIdx.add(x.ref.index);
  if (emergency) {
    for (const o of evidence.overrides) if (o.ticket === emergency.ticket) evidenceIdx.add(o.ref.index);
    for (const r of evidence.reviews) if (r.ticket === emergency.ticket) evidenceIdx.add(r.ref.index);
  }

  // An emergency change handled through the emergency path (review on time, or not yet due)
  // is an exception, not a deviation: its missing approval or checks are what the path allows.
  const emergencyOk =
    emergency !== null && (emergency.reviewState === 'reviewed' || emergency.reviewState === 'open');
  const status = reasons.length === 0 ? 'compliant' : emergencyOk ? 'excepted' : 'deviation';

  return {
    commit: c.sha,
    repository: rc.repository,
    kind: c.kind,
    mergedAt,
    title: pr?.title ?? c.subject,
    pr: prNumber,
    prUrl: pr?.url ?? c.prUrl ?? ciPr?.url ?? null,
    author,
    headSha,
    lastPusher,
    approvals,
    independentApproval,
    checks,
    checksPassed,
    ticket,
    emergency,
    deployments: rc.shipped,
    scans,
    status,
    reasons,
    evidence: [...evidenceIdx].sort((a, b) => a - b),
  };
}

function approvalReason(approvals: ChangeApproval[], needed: number): string {
  if (approvals.length === 0) return 'no approval recorded';
  if (approvals.every((a) => a.independent === false)) return 'approved only by its author or last pusher';
  if (!approvals.some((a) => a.onHead)) return 'approval was not given on the merged head commit';
  if (!approvals.some((a) => a.beforeMerge)) return 'approval was given after the merge';
  if (approvals.some((a) => a.independent === null))
    return 'the approver is not named, so independence cannot be shown';
  return `fewer than ${needed} independent approval(s) on the head before the merge`;
}

/** Forge check state wins when present; recorded tests decide otherwise (the latest run counts). */
function judgeChecks(
  pr: ForgePullRequest | undefined,
  tests: { passed: boolean; ref: { index: number } }[],
): boolean | null {
  const latest = [...tests].sort((a, b) => b.ref.index - a.ref.index)[0];
  if (pr?.checkState) {
    const ok = pr.checkState.toUpperCase() === 'SUCCESS';
    return latest ? ok && latest.passed : ok;
  }
  return latest ? latest.passed : null;
}

function emergencyOf(
  c: Commit,
  pr: ForgePullRequest | undefined,
  rc: RowContext,
  text: string,
): ChangeEmergency | null {
  const { evidence, input } = rc;
  const days = input.config.thresholds.emergencyReviewDays;
  const override = evidence.overrides.find(
    (o) =>
      (o.commit !== undefined && (o.commit === c.sha || o.commit === c.parents[1])) ||
      (o.ticket && text.includes(o.ticket)),
  );
  let e: Omit<ChangeEmergency, 'reviewState'> | null = null;
  if (override) {
    e = {
      source: 'override',
      ticket: override.ticket,
      reason: override.reason,
      approver: override.approver,
      openedAt: override.openedAt,
      dueAt: override.reviewDueAt,
    };
  } else if (c.emergency !== undefined || pr?.labels.some((l) => /emergency|hotfix/i.test(l))) {
    const ticket = rc.ticketRe(c.emergency ?? '') ?? rc.ticketRe(text) ?? undefined;
    e = {
      source: c.emergency !== undefined ? 'trailer' : 'label',
      ...(ticket ? { ticket } : {}),
      ...(c.emergency ? { reason: c.emergency } : {}),
      openedAt: c.committedAt,
      dueAt: new Date(Date.parse(c.committedAt) + days * 86_400_000).toISOString(),
    };
  }
  if (!e) return null;
  const review = e.ticket
    ? evidence.reviews
        .filter((r) => r.ticket === e.ticket)
        .sort((a, b) => (a.reviewedAt < b.reviewedAt ? -1 : 1))[0]
    : undefined;
  const due = Date.parse(e.dueAt);
  if (review) {
    return {
      ...e,
      reviewedAt: review.reviewedAt,
      reviewState: Date.parse(review.reviewedAt) <= due ? 'reviewed' : 'reviewed-late',
    };
  }
  return { ...e, reviewState: input.now.getTime() <= due ? 'open' : 'overdue' };
}

function forcePushRow(
  f: RecordedEvidence['forcePushes'][number],
  repository: string,
  branch: string,
): ChangeRow {
  return {
    commit: f.after ?? '',
    repository,
    kind: 'force-push',
    mergedAt: f.at,
    title: `force push to ${f.gitRef ?? branch}${f.before ? ` replacing ${f.before.slice(0, 12)}` : ''}`,
    pr: null,
    prUrl: null,
    author: f.ci.actor ?? 'unknown',
    headSha: null,
    lastPusher: f.ci.actor ?? null,
    approvals: [],
    independentApproval: null,
    checks: [],
    checksPassed: null,
    ticket: null,
    emergency: null,
    deployments: [],
    scans: [],
    status: 'deviation',
    reasons: [`history of ${f.gitRef ?? branch} was rewritten by a force push`],
    evidence: [f.ref.index],
  };
}

/**
 * `text` without the change's own pull-request number (`Add x (#123)`, `Merge pull request #123`):
 * a pull request is not its own ticket. `#1234` stays when the number is 123.
 */
export function withoutOwnPullRequest(text: string, prNumber: number | null | undefined): string {
  if (prNumber === null || prNumber === undefined || !text.includes('#')) return text;
  return text.replace(new RegExp(`#${prNumber}(?!\\d)`, 'g'), '');
}

/** Returns the first ticket reference (key or tracker URL) in a text, or null. */
export function ticketMatcher(pattern: string, urlPattern: string): (text: string) => string | null {
  // Linear-time engine: a long commit message cannot stall the population (no ReDoS).
  const key = compileLinear(pattern);
  const url = compileLinear(urlPattern);
  return (text) => key.find(text)?.text ?? url.find(text)?.text ?? null;
}

/** Why a change is not traceable to an approved, tested change (empty: it is, or it is excepted). */
export function untraceableReasons(row: ChangeRow): string[] {
  if (row.status === 'excepted') return [];
  const why: string[] = [];
  if (row.kind === 'direct-push') why.push('pushed directly, without a pull request');
  if (row.kind === 'force-push') why.push('force push');
  if (row.kind !== 'direct-push' && row.kind !== 'force-push' && row.independentApproval !== true)
    why.push(
      row.independentApproval === null
        ? 'no approval recorded'
        : (row.reasons.find((r) => /approv/.test(r)) ?? 'not approved'),
    );
  if (row.checksPassed !== true)
    why.push(row.checksPassed === null ? 'no test results recorded' : 'tests or checks failed');
  return why;
}

/**
 * The population as checks see it: the window of the git facts, judged at `now`; with the
 * pull requests of the GitHub facts when given (approvals, last pusher, checks on the head).
 */
export function populationOf(
  git: PopulationInput['git'],
  evidence: RecordedEvidence,
  config: PopulationInput['config'],
  now: Date,
  github?: GithubFacts,
): Population {
  const repository = repositoryName(git.remotes);
  const forge = github ? forgePullRequests(github, repository) : null;
  const pop = buildPopulation({
    git,
    evidence,
    config,
    now,
    since: git.since ? new Date(git.since) : null,
    until: new Date(git.until),
    ...(forge && 'pullRequests' in forge
      ? { pullRequests: forge.pullRequests, repository: forge.repository }
      : {}),
  });
  if (forge && 'reason' in forge) pop.warnings.push(forge.reason);
  return pop;
}
