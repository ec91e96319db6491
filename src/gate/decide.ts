import { untraceableReasons as untraceable, type Population } from '../population/index.js';
import type { CiContext } from '../ci-context/index.js';
import { UsageError } from '../errors.js';
import type { ScanRecord, TestRecord } from '../facts/index.js';

/** What the gate decided, and why, in plain words. */
export interface GateDecision {
  context: 'pull_request' | 'deploy' | 'other';
  decision: 'pass' | 'fail' | 'override' | 'fail-open';
  commit?: string;
  environment?: string;
  prNumber?: number;
  /** One sentence per problem (empty on pass). */
  reasons: string[];
  /** What was checked and found fine. */
  notes: string[];
  /** Deploy gate: each offending commit and why. */
  offending?: { commit: string; title: string; why: string[] }[];
}

export type GateContext =
  | { kind: 'pull_request'; head: string; base?: string; prNumber?: number }
  | { kind: 'deploy'; commit: string; environment: string }
  | { kind: 'other'; commit?: string; why: string };

/** The variable a CI system names its commit in, for messages. */
const commitVariable = (ci: CiContext): string =>
  ci.system === 'github-actions' ? 'GITHUB_SHA' : ci.system === 'gitlab-ci' ? 'CI_COMMIT_SHA' : '--commit';

/**
 * Which decision applies: an explicit `--context`, else a deploy when the job targets a
 * protected environment, else a pull request when the CI event is about one. A gate that would
 * have to decide without knowing the commit (or the environment) is a usage error (exit 2) saying
 * what to pass; only a run outside CI that asks for no context has nothing to gate.
 */
export function detectContext(
  ci: CiContext,
  opts: {
    context?: 'auto' | 'pull_request' | 'deploy';
    environment?: string;
    protectedEnvironments: readonly string[];
    commit?: string;
    /** The pull request's base branch when the CI names no base commit (GITHUB_BASE_REF). */
    baseRef?: string;
  },
): GateContext {
  const env = opts.environment ?? ci.environment;
  const commit = opts.commit ?? ci.commit;
  const inCi = ci.system !== 'local';
  const isProtected =
    env !== undefined && opts.protectedEnvironments.some((p) => p.toLowerCase() === env.toLowerCase());
  const want = opts.context ?? 'auto';
  if (want === 'deploy' || (want === 'auto' && isProtected)) {
    if (!env)
      throw new UsageError(
        'a deploy gate needs the environment being deployed to: pass --env NAME (or run it in a CI job with an environment)',
      );
    if (!commit)
      throw new UsageError(
        `a deploy gate needs the commit being deployed: pass --commit SHA${inCi ? ` (${commitVariable(ci)} is not set)` : ''}`,
      );
    return { kind: 'deploy', commit, environment: env };
  }
  if (want === 'pull_request' || (want === 'auto' && (ci.pullRequest || ci.event === 'pull_request'))) {
    // On a pull request event the CI's commit may be a synthetic merge commit: the head comes
    // from the event, or from --commit.
    const fromEvent = ci.pullRequest?.headSha;
    const head = fromEvent ?? opts.commit ?? (inCi && ci.event === 'pull_request' ? undefined : commit);
    if (!head)
      throw new UsageError(
        inCi && ci.event === 'pull_request'
          ? `a pull request gate needs the head commit, and this ${ci.system} run does not name it ` +
              `(${ci.system === 'github-actions' ? 'the event payload GITHUB_EVENT_PATH is missing' : 'no merge request variables'}): ` +
              'pass --commit SHA'
          : 'a pull request gate needs the head commit: pass --commit SHA (or run it on a pull request event)',
      );
    const baseRef = ci.pullRequest?.baseRef ?? opts.baseRef;
    const base =
      ci.pullRequest?.baseSha ??
      (baseRef && /^[\w./-]+$/.test(baseRef) ? `refs/remotes/origin/${baseRef}` : undefined);
    return {
      kind: 'pull_request',
      head,
      ...(base ? { base } : {}),
      ...(ci.pullRequest ? { prNumber: ci.pullRequest.number } : {}),
    };
  }
  if (inCi && !commit)
    throw new UsageError(
      `no commit to gate: ${commitVariable(ci)} is not set in this ${ci.system} run; pass --commit SHA (and --context)`,
    );
  return {
    kind: 'other',
    ...(commit ? { commit } : {}),
    why: env
      ? `environment "${env}" is not protected (protected: ${opts.protectedEnvironments.join(', ')})`
      : inCi
        ? 'this run is neither a pull request nor a deploy to a protected environment'
        : 'outside CI, and no --context asked for (pass --context pull_request or deploy with --commit)',
  };
}

export interface PullRequestEvidence {
  head: string;
  prNumber?: number;
  /** Scans recorded for the head commit. */
  scans: ScanRecord[];
  /** Scans recorded for the base commit, to tell new findings from old ones. */
  baseScans: ScanRecord[];
  tests: TestRecord[];
  requiredScanTypes: readonly string[];
  blockingSeverities: readonly string[];
}

/** On a pull request: required scans recorded, no new blocking finding, no secret, tests green. */
export function decidePullRequest(ev: PullRequestEvidence): GateDecision {
  const reasons: string[] = [];
  const notes: string[] = [];
  const ran = new Set(ev.scans.flatMap((s) => s.scanTypes));
  const missing = ev.requiredScanTypes.filter((t) => !ran.has(t));
  if (missing.length > 0)
    reasons.push(
      `required scan${missing.length > 1 ? 's' : ''} not recorded for ${short(ev.head)}: ${missing.join(', ')} (run the scanner and \`greenlight record scan\`)`,
    );
  else if (ev.requiredScanTypes.length > 0)
    notes.push(`required scans recorded: ${ev.requiredScanTypes.join(', ')}`);

  const known = new Set(ev.baseScans.flatMap((s) => s.findings.map((f) => f.fingerprint)));
  const seen = new Set<string>();
  const blocking: string[] = [];
  for (const s of ev.scans) {
    for (const f of s.findings) {
      if (seen.has(f.fingerprint)) continue;
      seen.add(f.fingerprint);
      const secret = f.scanType === 'secrets';
      const severe = ev.blockingSeverities.includes(f.severity) && !known.has(f.fingerprint);
      if (secret || severe)
        blocking.push(
          `${secret ? 'secret' : `new ${f.severity}`} finding ${f.ruleId}${f.location ? ` at ${f.location}` : ''} (${s.tool})`,
        );
    }
  }
  if (blocking.length > 0) {
    reasons.push(`${blocking.length} blocking finding${blocking.length > 1 ? 's' : ''}:`);
    for (const b of blocking.slice(0, 20)) reasons.push(`  - ${b}`);
    if (blocking.length > 20) reasons.push(`  - … and ${blocking.length - 20} more`);
  } else if (ev.scans.length > 0)
    notes.push(
      `no blocking finding (${ev.blockingSeverities.join('/')} new since the base${ev.baseScans.length === 0 ? ', none recorded for the base' : ''}, or any secret)`,
    );

  const latest = [...ev.tests].sort((a, b) => b.ref.index - a.ref.index)[0];
  if (!latest)
    reasons.push(`no test results recorded for ${short(ev.head)} (run \`greenlight record tests\`)`);
  else if (!latest.passed)
    reasons.push(
      `tests failed on ${short(ev.head)}: ${latest.failed} failed, ${latest.errors} errored of ${latest.total}`,
    );
  else notes.push(`tests passed: ${latest.total - latest.skipped} run, ${latest.skipped} skipped`);

  return {
    context: 'pull_request',
    decision: reasons.length === 0 ? 'pass' : 'fail',
    commit: ev.head,
    ...(ev.prNumber !== undefined ? { prNumber: ev.prNumber } : {}),
    reasons,
    notes,
  };
}

/** On a deploy: every change being shipped is approved and tested (or an emergency exception). */
export function decideDeploy(
  pop: Population,
  shipped: readonly string[],
  commit: string,
  environment: string,
): GateDecision {
  const set = new Set(shipped);
  const offending: NonNullable<GateDecision['offending']> = [];
  let ok = 0;
  const judged = new Set<string>();
  for (const row of pop.rows) {
    if (!set.has(row.commit)) continue;
    judged.add(row.commit);
    const why = untraceable(row);
    if (why.length > 0) offending.push({ commit: row.commit, title: row.title, why });
    else ok += 1;
  }
  // Never pass a commit that was not judged (the population has no row for it).
  for (const sha of set)
    if (!judged.has(sha))
      offending.push({ commit: sha, title: '', why: ['not in the change population read for this deploy'] });
  const reasons = offending.map((o) => `${short(o.commit)} "${o.title}": ${o.why.join('; ')}`);
  const notes = [
    `${set.size} change${set.size === 1 ? '' : 's'} shipped to ${environment} by ${short(commit)}; ${ok} traceable to an approved, tested change`,
  ];
  return {
    context: 'deploy',
    decision: offending.length === 0 ? 'pass' : 'fail',
    commit,
    environment,
    reasons,
    notes,
    offending,
  };
}

export const short = (sha: string): string => sha.slice(0, 7);
