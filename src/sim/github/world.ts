import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import {
  iso,
  resolveDate,
  type Scenario,
  type ScenarioPullRequest,
  type ScenarioRepository,
  type ScenarioRuleset,
} from './scenario.js';

/**
 * The scenario expanded into what the server answers from: ids assigned, relative dates resolved,
 * pull requests generated from their profiles, commit SHAs derived deterministically.
 */

export interface WorldRuleset {
  id: number;
  source: 'Organization' | 'Repository';
  sourceName: string;
  s: ScenarioRuleset;
  createdAt: string;
}

export interface WorldReview {
  id: number;
  author: string;
  state: string;
  submittedAt: string;
  commitSha: string;
}

export interface WorldCommit {
  sha: string;
  author: string;
  date: string;
}

export interface WorldPull {
  id: number;
  number: number;
  title: string;
  body: string;
  author: string;
  headRef: string;
  baseRef: string;
  createdAt: string;
  mergedAt: string;
  updatedAt: string;
  mergedBy: string;
  labels: string[];
  commits: WorldCommit[];
  headSha: string;
  mergeSha: string;
  reviews: WorldReview[];
  lastPusher: string;
  forcePushedAt: string | null;
  checks: { id: number; name: string; conclusion: string; status: boolean; completedAt: string }[];
}

export interface WorldAlert {
  number: number;
  tool: 'dependabot' | 'code-scanning' | 'secret-scanning';
  severity: 'critical' | 'high' | 'medium' | 'low';
  title: string;
  package: string;
  state: 'open' | 'fixed' | 'dismissed';
  createdAt: string;
  fixedAt: string | null;
  dismissedAt: string | null;
  updatedAt: string;
}

export interface WorldDeployment {
  id: number;
  environment: string;
  createdAt: string;
  sha: string;
  ref: string;
  creator: string;
  state: string;
}

export interface WorldRepo {
  id: number;
  name: string;
  fullName: string;
  s: ScenarioRepository;
  createdAt: string;
  pushedAt: string;
  rulesets: WorldRuleset[];
  pulls: WorldPull[];
  alerts: WorldAlert[];
  deployments: WorldDeployment[];
  secrets: { name: string; createdAt: string; updatedAt: string }[];
  deployKeys: { id: number; title: string; readOnly: boolean; createdAt: string }[];
  hooks: { id: number; s: ScenarioRepository['hooks'][number]; createdAt: string }[];
  environments: { id: number; s: ScenarioRepository['environments'][number] }[];
}

export interface World {
  now: Date;
  s: Scenario;
  org: Scenario['org'] & { id: number; createdAt: string };
  users: Map<string, number>;
  teams: Map<string, { id: number; slug: string; members: string[] }>;
  orgRulesets: WorldRuleset[];
  orgSecrets: { name: string; createdAt: string; updatedAt: string; visibility: string }[];
  orgHooks: { id: number; s: Scenario['org']['hooks'][number]; createdAt: string }[];
  runnerGroups: { id: number; s: Scenario['org']['runner_groups'][number] }[];
  auditLog: { actor: string; action: string; createdAt: string }[];
  repos: WorldRepo[];
}

export function buildWorld(s: Scenario, nowOverride?: Date): World {
  const now = nowOverride ?? (s.now ? new Date(resolveDate(s.now, new Date())) : new Date());
  const d = (v: string) => resolveDate(v, now);
  let nextId = 1000;
  const id = () => nextId++;
  const users = new Map<string, number>();
  const user = (login: string) => {
    if (!users.has(login)) users.set(login, 5000 + users.size);
    return login;
  };
  s.members.forEach((m) => user(m.login));
  s.outside_collaborators.forEach((m) => user(m.login));
  user(s.token.login);
  const teams = new Map(s.teams.map((t) => [t.slug, { id: id(), slug: t.slug, members: t.members }]));

  const ruleset = (r: ScenarioRuleset, source: WorldRuleset['source'], sourceName: string): WorldRuleset => ({
    id: id(),
    source,
    sourceName,
    s: r,
    createdAt: d('-400d'),
  });

  const world: World = {
    now,
    s,
    org: { ...s.org, id: 1, createdAt: d('-1500d') },
    users,
    teams,
    orgRulesets: s.org.rulesets.map((r) => ruleset(r, 'Organization', s.org.login)),
    orgSecrets: s.org.secrets.map((x) => ({
      name: x.name,
      createdAt: d(x.created_at ?? x.updated_at),
      updatedAt: d(x.updated_at),
      visibility: x.visibility,
    })),
    orgHooks: s.org.hooks.map((h) => ({ id: id(), s: h, createdAt: d('-300d') })),
    runnerGroups: s.org.runner_groups.map((g) => ({ id: id(), s: g })),
    auditLog: s.org.audit_log
      .map((e) => ({ actor: user(e.actor), action: e.action, createdAt: d(e.created_at) }))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    repos: [],
  };

  let alertNumber = 1;
  for (const r of s.repositories) {
    const fullName = `${s.org.login}/${r.name}`;
    const pulls = [
      ...r.pull_requests.map((p, i) => explicitPull(p, i + 1, fullName, r, d, id, user)),
      ...generatePulls(r, fullName, now, r.pull_requests.length + 1, id, user),
    ].sort((a, b) => b.mergedAt.localeCompare(a.mergedAt));
    r.collaborators.forEach((c) => user(c.login));
    const repo: WorldRepo = {
      id: id(),
      name: r.name,
      fullName,
      s: r,
      createdAt: d('-900d'),
      pushedAt: d(r.pushed_at),
      rulesets: r.rulesets.map((x) => ruleset(x, 'Repository', fullName)),
      pulls,
      alerts: r.alerts.map((a) => ({
        number: alertNumber++,
        tool: a.tool,
        severity: a.severity,
        title: a.title,
        package: a.package,
        state: a.state,
        createdAt: d(a.created_at),
        fixedAt: a.fixed_at ? d(a.fixed_at) : null,
        dismissedAt: a.dismissed_at ? d(a.dismissed_at) : null,
        updatedAt: d(a.fixed_at ?? a.dismissed_at ?? a.created_at),
      })),
      deployments: [],
      secrets: r.secrets.map((x) => ({
        name: x.name,
        createdAt: d(x.created_at ?? x.updated_at),
        updatedAt: d(x.updated_at),
      })),
      deployKeys: r.deploy_keys.map((k) => ({
        id: id(),
        title: k.title,
        readOnly: k.read_only,
        createdAt: d(k.created_at),
      })),
      hooks: r.hooks.map((h) => ({ id: id(), s: h, createdAt: d('-200d') })),
      environments: r.environments.map((e) => ({ id: id(), s: e })),
    };
    repo.deployments = r.deployments
      .map((x) => {
        const pr = x.pr !== undefined ? pulls.find((p) => p.number === x.pr) : undefined;
        return {
          id: id(),
          environment: x.environment,
          createdAt: d(x.created_at),
          sha: pr?.mergeSha ?? x.sha ?? sha(`${fullName}:deploy:${x.created_at}`),
          ref: r.default_branch,
          creator: x.creator,
          state: x.state,
        };
      })
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    world.repos.push(repo);
  }
  return world;
}

export function sha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

type DateFn = (v: string) => string;
type IdFn = () => number;

function explicitPull(
  p: ScenarioPullRequest,
  index: number,
  fullName: string,
  r: ScenarioRepository,
  d: DateFn,
  id: IdFn,
  user: (l: string) => string,
): WorldPull {
  const number = p.number ?? index;
  const createdAt = d(p.created_at);
  const mergedAt = d(p.merged_at);
  const mid = midpoint(createdAt, mergedAt);
  const pusher = user(p.last_pusher ?? p.author);
  const first: WorldCommit = { sha: sha(`${fullName}#${number}:1`), author: user(p.author), date: createdAt };
  const head: WorldCommit = { sha: sha(`${fullName}#${number}:2`), author: pusher, date: mid };
  const reviews = p.reviews.map((rv) => ({
    id: id(),
    author: user(rv.author),
    state: rv.state,
    submittedAt: rv.at ? d(rv.at) : rv.on_head ? midpoint(mid, mergedAt) : midpoint(createdAt, mid),
    commitSha: rv.on_head ? head.sha : first.sha,
  }));
  return {
    id: id(),
    number,
    title: p.title,
    body: p.body,
    author: user(p.author),
    headRef: p.head_ref,
    baseRef: p.base_ref ?? r.default_branch,
    createdAt,
    mergedAt,
    updatedAt: mergedAt,
    mergedBy: user(p.merged_by ?? p.author),
    labels: p.labels,
    commits: [first, head],
    headSha: head.sha,
    mergeSha: sha(`${fullName}#${number}:merge`),
    reviews,
    lastPusher: pusher,
    forcePushedAt: p.force_pushed ? mid : null,
    checks: p.checks.map((c) => ({
      id: id(),
      name: c.name,
      conclusion: c.conclusion,
      status: c.status,
      completedAt: mid,
    })),
  };
}

function midpoint(a: string, b: string): string {
  return iso(new Date((Date.parse(a) + Date.parse(b)) / 2));
}

/** A small deterministic PRNG (mulberry32), so generated histories are identical run to run. */
export function prng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), 1 | t);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS = [
  'Add retry to payment webhook',
  'Fix pagination in search results',
  'Upgrade logging library',
  'Refactor session handling',
  'Add audit fields to orders',
  'Tighten input validation on signup',
  'Cache feature flags',
  'Improve error messages for billing',
  'Remove unused endpoints',
  'Add metrics to job runner',
  'Bump dependencies',
  'Speed up CI cache',
];

function generatePulls(
  r: ScenarioRepository,
  fullName: string,
  now: Date,
  firstNumber: number,
  id: IdFn,
  user: (l: string) => string,
): WorldPull[] {
  const g = r.generate_pull_requests;
  if (!g) return [];
  const rand = prng(g.seed * 7919 + hashString(fullName));
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const out: WorldPull[] = [];
  for (let i = 0; i < g.count; i++) {
    const number = firstNumber + i;
    // Oldest first, spread over the window with jitter.
    const mergedMs = now.getTime() - g.days * 86_400_000 * (1 - (i + 0.5) / g.count) - rand() * 3_600_000;
    const createdMs = mergedMs - (2 + rand() * 46) * 3_600_000;
    const createdAt = iso(new Date(createdMs));
    const mergedAt = iso(new Date(mergedMs));
    const author = user(pick(g.authors));
    const others = g.reviewers.filter((x) => x !== author);
    const reviewer = user(others.length ? pick(others) : pick(g.reviewers));
    const roll = rand();
    const defect =
      roll < g.unreviewed
        ? 'unreviewed'
        : roll < g.unreviewed + g.self_approved
          ? 'self'
          : roll < g.unreviewed + g.self_approved + g.stale_approval
            ? 'stale'
            : roll < g.unreviewed + g.self_approved + g.stale_approval + g.approved_by_last_pusher
              ? 'pusher'
              : 'ok';
    const emergency = rand() < g.emergency;
    const noTicket = rand() < g.no_ticket;
    const failed = rand() < g.failed_checks;
    const topic = pick(TOPICS);
    const ticket = `${g.ticket_prefix}-${100 + Math.floor(rand() * 900)}`;
    const title = emergency ? `hotfix: ${topic.toLowerCase()}` : noTicket ? topic : `${ticket}: ${topic}`;
    const body = noTicket || emergency ? 'Quick fix.' : `Implements ${ticket}.\n\nTested locally and in CI.`;
    const mid = iso(new Date((createdMs + mergedMs) / 2));
    const lastPusher = defect === 'self' || defect === 'pusher' ? reviewer : author;
    const first: WorldCommit = { sha: sha(`${fullName}#${number}:1`), author, date: createdAt };
    const head: WorldCommit = { sha: sha(`${fullName}#${number}:2`), author: lastPusher, date: mid };
    const reviewAt = iso(new Date((Date.parse(mid) + mergedMs) / 2));
    const earlyAt = iso(new Date((createdMs + Date.parse(mid)) / 2));
    const reviews: WorldReview[] =
      defect === 'unreviewed' || emergency
        ? []
        : defect === 'stale'
          ? [{ id: id(), author: reviewer, state: 'APPROVED', submittedAt: earlyAt, commitSha: first.sha }]
          : [{ id: id(), author: reviewer, state: 'APPROVED', submittedAt: reviewAt, commitSha: head.sha }];
    if (defect === 'ok' && rand() < 0.3)
      reviews.unshift({
        id: id(),
        author: reviewer,
        state: 'COMMENTED',
        submittedAt: earlyAt,
        commitSha: first.sha,
      });
    const checks = g.checks.map((name, k) => ({
      id: id(),
      name,
      conclusion: failed && k === 0 ? 'FAILURE' : 'SUCCESS',
      status: false,
      completedAt: mid,
    }));
    out.push({
      id: id(),
      number,
      title,
      body,
      author,
      headRef: emergency
        ? `hotfix/${number}`
        : noTicket
          ? `fix-${number}`
          : `${ticket.toLowerCase()}-${number}`,
      baseRef: r.default_branch,
      createdAt,
      mergedAt,
      updatedAt: mergedAt,
      mergedBy: emergency || defect === 'unreviewed' ? author : reviewer,
      labels: emergency ? ['emergency'] : [],
      commits: [first, head],
      headSha: head.sha,
      mergeSha: sha(`${fullName}#${number}:merge`),
      reviews,
      lastPusher,
      forcePushedAt: null,
      checks,
    });
  }
  return out;
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Rulesets of the organisation and the repository that target `branch` of `repo`, in any enforcement. */
export function rulesetsFor(world: World, repo: WorldRepo, branch: string): WorldRuleset[] {
  const org = world.orgRulesets.filter((r) => matchesAny(r.s.repositories, repo.name));
  return [...org, ...repo.rulesets].filter((r) => refMatches(r.s, branch, repo.s.default_branch));
}

function matchesAny(globs: string[], name: string): boolean {
  return globs.some((g) => g === '~ALL' || picomatch.isMatch(name, g));
}

function refMatches(r: ScenarioRuleset, branch: string, defaultBranch: string): boolean {
  const m = (p: string) =>
    p === '~ALL' ||
    (p === '~DEFAULT_BRANCH' && branch === defaultBranch) ||
    picomatch.isMatch(`refs/heads/${branch}`, p.startsWith('refs/') ? p : `refs/heads/${p}`);
  return r.include.some(m) && !r.exclude.some(m);
}
