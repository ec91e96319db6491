import { beforeAll, describe, expect, it } from 'vitest';
import { CHECK_REGISTRY } from '../src/checks/index.js';
import type { GithubFacts } from '../src/facts/index.js';
import type { ScenarioInput } from '../src/sim/github/index.js';
import { outcomes, runCheck } from './check-tester.js';
import { NOW, simulatorHarness, TOKEN } from './github-fixtures.js';

/**
 * Every GitHub check through the real pipeline: scenario → simulator → Octokit source → facts →
 * check. A well-run organisation passes, a badly-run one fails, and a token that sees too little
 * gives not_available (never pass). Every simulator response is validated against the OpenAPI
 * description by the harness.
 */

const GITHUB_CHECKS = [
  'branch.protected',
  'branch.pr-required',
  'branch.no-bypass',
  'branch.no-force-push',
  'branch.approvals-required',
  'branch.stale-approvals-dismissed',
  'branch.status-checks-required',
  'branch.linear-history',
  'branch.signed-commits',
  'org.mfa-required',
  'org.members-mfa',
  'org.sso-enforced',
  'org.base-permission-restricted',
  'org.admin-count',
  'org.outside-collaborators-restricted',
  'org.repo-creation-restricted',
  'org.repo-deletion-restricted',
  'org.webhooks-secured',
  'repo.admin-count',
  'access.stale-members',
  'pipeline.default-token-read-only',
  'pipeline.actions-cannot-approve',
  'pipeline.allowed-actions-restricted',
  'secrets.rotated',
  'deploy-keys.read-only',
  'runners.restricted',
  'deploy.environment-protected',
  'audit-log.streaming',
  'change.independent-approval',
  'change.checks-passed',
];

const members = [{ login: 'alice', role: 'admin' as const }, { login: 'bob' }, { login: 'carol' }];

const GOOD: ScenarioInput = {
  org: {
    login: 'acme',
    plan: 'enterprise',
    two_factor_requirement_enabled: true,
    default_repository_permission: 'read',
    members_can_create_public_repositories: false,
    members_can_delete_repositories: false,
    saml_sso: true,
    actions: { allowed_actions: 'selected', verified_allowed: true, default_workflow_permissions: 'read' },
    secrets: [{ name: 'NPM_TOKEN', updated_at: '-30d' }],
    runner_groups: [{ name: 'build', visibility: 'selected', runners: 2 }],
    hooks: [{ url: 'https://siem.example/in', secret: true }],
    audit_log: [
      { actor: 'alice', action: 'repo.create', created_at: '-2d' },
      { actor: 'bob', action: 'git.push', created_at: '-20d' },
      { actor: 'carol', action: 'git.push', created_at: '-100d' },
    ],
  },
  members,
  outside_collaborators: [{ login: 'vendor-vic' }],
  token: { value: TOKEN },
  repositories: [
    {
      name: 'api',
      protection: {
        required_pull_request_reviews: { required_approving_review_count: 1, dismiss_stale_reviews: true },
        required_status_checks: { contexts: ['ci/test'], strict: true },
        enforce_admins: true,
        required_linear_history: true,
        required_signatures: true,
      },
      collaborators: [
        { login: 'alice', permission: 'admin' },
        { login: 'vendor-vic', permission: 'read' },
      ],
      environments: [
        {
          name: 'production',
          reviewers: [{ name: 'sre' }],
          prevent_self_review: true,
          can_admins_bypass: false,
        },
      ],
      deploy_keys: [{ title: 'mirror', read_only: true }],
      secrets: [{ name: 'DEPLOY', updated_at: '-10d' }],
      hooks: [{ url: 'https://ci.example/hook' }],
      pull_requests: [
        {
          title: 'ENG-1 add endpoint',
          author: 'bob',
          created_at: '-6d',
          merged_at: '-5d',
          merged_by: 'alice',
          reviews: [{ author: 'alice' }],
          checks: [{ name: 'ci/test' }],
        },
      ],
    },
  ],
};

const BAD: ScenarioInput = {
  org: {
    login: 'acme',
    plan: 'enterprise',
    two_factor_requirement_enabled: false,
    default_repository_permission: 'write',
    members_can_create_public_repositories: true,
    members_can_delete_repositories: true,
    saml_sso: false,
    actions: {
      allowed_actions: 'all',
      default_workflow_permissions: 'write',
      can_approve_pull_request_reviews: true,
    },
    secrets: [{ name: 'OLD_TOKEN', updated_at: '-700d' }],
    runner_groups: [{ name: 'Default', visibility: 'all', allows_public_repositories: true, runners: 3 }],
    hooks: [{ url: 'http://old.example/in', secret: false, insecure_ssl: true }],
    audit_log: [{ actor: 'alice', action: 'repo.create', created_at: '-2d' }],
  },
  members: [
    { login: 'alice', role: 'admin' },
    { login: 'bob', role: 'admin' },
    { login: 'carol', role: 'admin' },
    { login: 'dave', role: 'admin', two_factor: false },
  ],
  outside_collaborators: [{ login: 'vendor-vic', two_factor: false }],
  token: { value: TOKEN },
  repositories: [
    {
      name: 'legacy',
      collaborators: ['alice', 'bob', 'carol', 'dave', 'vendor-vic'].map((login) => ({
        login,
        permission: 'admin' as const,
      })),
      workflow_permissions: { default_workflow_permissions: 'write', can_approve_pull_request_reviews: true },
      environments: [{ name: 'production', can_admins_bypass: true }],
      deploy_keys: [{ title: 'deployer', read_only: false }],
      secrets: [{ name: 'AWS_KEY', updated_at: '-500d' }],
      pull_requests: [
        {
          title: 'quick fix',
          author: 'bob',
          last_pusher: 'carol',
          created_at: '-3d',
          merged_at: '-3d',
          reviews: [{ author: 'carol' }],
          checks: [{ name: 'build', conclusion: 'FAILURE' }],
        },
      ],
    },
    {
      name: 'bypassable',
      protection: {
        required_pull_request_reviews: { required_approving_review_count: 1 },
        enforce_admins: false,
      },
      rulesets: [
        {
          name: 'main',
          rules: { pull_request: { required_approving_review_count: 1 } },
          bypass: [{ type: 'OrganizationAdmin', mode: 'always' }],
        },
      ],
    },
  ],
};

/** A member-level token that cannot see admin settings, and a GraphQL endpoint that stays down. */
const HIDDEN: ScenarioInput = {
  ...GOOD,
  token: {
    value: TOKEN,
    admin: false,
    deny: ['GET /orgs/{org}/members', 'GET /repos/{owner}/{repo}/environments'],
  },
  faults: { errors: [{ path: '^/graphql$', status: 502, times: 1000 }] },
};

/** A Team-plan organisation: no audit-log API, no streaming. */
const TEAM: ScenarioInput = { ...GOOD, org: { ...GOOD.org, plan: 'team' } };

const h = simulatorHarness();
const facts: Record<string, GithubFacts> = {};

beforeAll(async () => {
  for (const [name, scenario] of Object.entries({ GOOD, BAD, HIDDEN, TEAM }))
    facts[name] = (await h.collect(scenario, { since: new Date(NOW.getTime() - 90 * 86_400_000) })).facts;
});

const check = (id: string) => {
  const c = CHECK_REGISTRY.find((x) => x.id === id);
  if (!c) throw new Error(`${id} is not registered`);
  return c;
};
const run = (id: string, scenario: string) =>
  outcomes(runCheck(check(id), { github: facts[scenario]! }, { now: NOW }));

describe('GitHub checks through Octokit against the simulator', () => {
  for (const id of GITHUB_CHECKS) {
    describe(id, () => {
      it('passes for the well-run organisation', () => {
        const got = run(id, 'GOOD');
        if (id === 'audit-log.streaming') {
          // Streams are configured at the enterprise level, which the source does not read.
          expect(got).toEqual(['not_available']);
          return;
        }
        expect(got).toContain('pass');
        expect(got).not.toContain('fail');
      });
      it('fails for the badly-run organisation', () => {
        expect(run(id, id === 'audit-log.streaming' ? 'TEAM' : 'BAD')).toContain('fail');
      });
      it('is not_available (never pass) when the token cannot see', () => {
        const got = run(id, 'HIDDEN');
        expect(got).toContain('not_available');
        expect(got).not.toContain('pass');
      });
    });
  }

  it('names the bypass actors of the ruleset and classic protection', () => {
    const [, bypassable] = runCheck(check('branch.no-bypass'), { github: facts.BAD! }, { now: NOW });
    expect(bypassable).toMatchObject({ outcome: 'fail', resource: 'acme/bypassable@main' });
    expect(bypassable!.message).toContain('organization admins');
    expect(bypassable!.message).toContain('repository admins');
  });

  it('names the permission a hidden setting needs', () => {
    const [f] = runCheck(check('pipeline.default-token-read-only'), { github: facts.HIDDEN! }, { now: NOW });
    expect(f!.message).toMatch(/answered 404 .*organisation owner \(classic PAT: admin:org/);
  });
});
