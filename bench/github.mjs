// GitHub source cost against the simulator: API requests per repository, the share of 304s on
// an unchanged second run, and wall time with injected latency at the default concurrency.
// Usage: npm run build && node bench/github.mjs [--repos 500] [--prs 30] [--latency 50]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseScenario, startSimulator } from '../dist/sim/github/index.js';
import { collectGithubFacts } from '../dist/sources/github/index.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const REPOS = arg('repos', 500);
const PRS = arg('prs', 30);
const LATENCY = arg('latency', 50);
const TOKEN = 'ghp_benchbenchbenchbenchbenchbenchbench00';
const NOW = new Date('2026-11-01T00:00:00Z');
const SINCE = new Date(NOW.getTime() - 90 * 86_400_000);

/** A large organisation: a mix of ruleset-only, classic and unprotected repositories. */
function scenario() {
  const people = Array.from({ length: 60 }, (_, i) => `dev${i}`);
  return parseScenario({
    org: {
      login: 'bigco',
      plan: 'enterprise',
      two_factor_requirement_enabled: true,
      actions: { allowed_actions: 'selected', default_workflow_permissions: 'read' },
      secrets: [{ name: 'NPM_TOKEN', updated_at: '-30d' }],
      runner_groups: [{ name: 'Default', runners: 4 }],
      hooks: [{ url: 'https://siem.example/in' }],
      rulesets: [
        {
          name: 'default-branch',
          repositories: ['svc-*'],
          bypass: [{ type: 'Team', name: 'sre' }],
          rules: {
            pull_request: { required_approving_review_count: 1 },
            non_fast_forward: true,
            deletion: true,
          },
        },
      ],
      audit_log: people.map((actor, i) => ({ actor, action: 'git.push', created_at: `-${i % 30}d` })),
    },
    members: people.map((login, i) => ({ login, role: i < 3 ? 'admin' : 'member' })),
    teams: [{ slug: 'sre', members: people.slice(0, 3) }],
    token: { value: TOKEN },
    repositories: Array.from({ length: REPOS }, (_, i) => ({
      name: i % 3 === 2 ? `lib-${i}` : `svc-${i}`,
      protection:
        i % 2 === 0
          ? { required_pull_request_reviews: { required_approving_review_count: 1 }, enforce_admins: true }
          : null,
      collaborators: [{ login: people[i % people.length], permission: 'admin' }],
      environments:
        i % 5 === 0 ? [{ name: 'production', reviewers: [{ name: 'sre' }], prevent_self_review: true }] : [],
      secrets: [{ name: 'DEPLOY_KEY', updated_at: `-${i % 400}d` }],
      hooks: i % 10 === 0 ? [{ url: 'https://ci.example/hook' }] : [],
      dependabot_alerts: true,
      security_and_analysis: { secret_scanning: true, push_protection: i % 2 === 0 },
      code_scanning: i % 4 === 0,
      alerts: i % 7 === 0 ? [{ tool: 'dependabot', severity: 'high', created_at: `-${i % 60}d` }] : [],
      generate_pull_requests: {
        count: PRS,
        seed: i + 1,
        days: 80,
        authors: people.slice(i % 50, (i % 50) + 6),
        reviewers: people.slice(i % 50, (i % 50) + 6),
        checks: i % 4 === 0 ? ['ci', 'CodeQL'] : ['ci'],
        unreviewed: 0.05,
      },
    })),
  });
}

async function assess(sim, cacheFile) {
  const t0 = performance.now();
  const facts = await collectGithubFacts({
    target: 'bigco',
    apiUrl: sim.url,
    token: TOKEN,
    since: SINCE,
    until: NOW,
    cacheFile,
  });
  const ms = performance.now() - t0;
  const prs = facts.repositories.reduce(
    (n, r) => n + (r.pullRequests.unavailable ? 0 : r.pullRequests.length),
    0,
  );
  const gaps = facts.repositories.filter((r) => r.pullRequests.unavailable || r.secrets.unavailable).length;
  return { ms, prs, gaps };
}

const dir = mkdtempSync(path.join(tmpdir(), 'gl-bench-github-'));
const sc = scenario();
const sim = await startSimulator(sc, { now: NOW });
try {
  // 1. Cold run, no latency: request count.
  const cache = path.join(dir, 'cache.json');
  sim.resetStats();
  const cold = await assess(sim, cache);
  const coldStats = { ...sim.stats };
  // 2. Unchanged second run: conditional requests.
  sim.resetStats();
  const warm = await assess(sim, cache);
  const warmStats = { ...sim.stats };
  // 3. Cold run with latency on every request, default concurrency (8).
  sim.setLatency(LATENCY);
  sim.resetStats();
  const slow = await assess(sim, path.join(dir, 'cold2.json'));
  const slowStats = { ...sim.stats };
  // Floor for the latency run: every request's latency, perfectly spread over 8 connections.
  const floorMs = (slowStats.requests * LATENCY) / 8;

  const perRepo = coldStats.requests / REPOS;
  const share304 = warmStats.notModified / warmStats.requests;
  const lines = [
    `GitHub source vs simulator: ${REPOS} repositories × ${PRS} merged PRs (${cold.prs} PRs read, ${cold.gaps} repos with gaps)`,
    '',
    `cold run        ${coldStats.requests} requests (${coldStats.rest} REST, ${coldStats.graphql} GraphQL)  = ${perRepo.toFixed(2)} per repository  (target ≤ 8; floor: 1 per repository)   ${cold.ms.toFixed(0)} ms`,
    `unchanged rerun ${warmStats.requests} requests, ${warmStats.notModified} answered 304 = ${(share304 * 100).toFixed(1)}%  (target ≥ 90%)   ${warm.ms.toFixed(0)} ms`,
    `latency ${LATENCY} ms    ${slowStats.requests} requests in ${(slow.ms / 1000).toFixed(1)} s  (target ≤ 60 s; floor ${(floorMs / 1000).toFixed(1)} s at concurrency 8 → ${(slow.ms / floorMs).toFixed(2)}×)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (warm.prs !== cold.prs) throw new Error('the second run read different facts');
} finally {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
