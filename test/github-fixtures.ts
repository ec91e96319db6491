import { afterAll, expect } from 'vitest';
import { collectGithubFacts, type GithubSourceOptions } from '../src/sources/github/index.js';
import {
  parseScenario,
  startSimulator,
  type ScenarioInput,
  type Simulator,
} from '../src/sim/github/index.js';
import type { GithubFacts } from '../src/facts/index.js';
import { openapiRecorder } from './github-openapi.js';

/** A fixed evaluation instant shared by the simulator's relative dates and the checks. */
export const NOW = new Date('2026-11-01T00:00:00Z');

export const TOKEN = 'ghp_testtoken000000000000000000000000000';

/** A small organisation with one well-run and one poorly-run repository. */
export function baseScenario(over: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    org: {
      login: 'acme',
      plan: 'enterprise',
      two_factor_requirement_enabled: true,
      default_repository_permission: 'read',
      members_can_create_public_repositories: false,
      members_can_delete_repositories: false,
      saml_sso: true,
      actions: {
        allowed_actions: 'selected',
        github_owned_allowed: true,
        verified_allowed: true,
        default_workflow_permissions: 'read',
        can_approve_pull_request_reviews: false,
      },
      secrets: [{ name: 'NPM_TOKEN', updated_at: '-30d', visibility: 'private' }],
      runner_groups: [{ name: 'Default', visibility: 'selected', runners: 2 }],
      hooks: [{ url: 'https://siem.example/hook', secret: true }],
      rulesets: [
        {
          name: 'default-branch',
          rules: {
            pull_request: { required_approving_review_count: 1, dismiss_stale_reviews_on_push: true },
            non_fast_forward: true,
            deletion: true,
          },
          repositories: ['api'],
          bypass: [{ type: 'Team', name: 'break-glass', mode: 'always' }],
        },
      ],
      audit_log: [
        { actor: 'alice', action: 'repo.create', created_at: '-2d' },
        { actor: 'bob', action: 'git.push', created_at: '-10d' },
      ],
    },
    members: [{ login: 'alice', role: 'admin' }, { login: 'bob' }, { login: 'carol' }],
    outside_collaborators: [{ login: 'vendor-vic', two_factor: true }],
    teams: [{ slug: 'break-glass', members: ['alice'] }],
    token: { value: TOKEN },
    repositories: [
      {
        name: 'api',
        protection: {
          required_status_checks: { contexts: ['ci/test'], strict: true },
          enforce_admins: true,
        },
        collaborators: [
          { login: 'alice', permission: 'admin' },
          { login: 'vendor-vic', permission: 'read' },
        ],
        environments: [
          {
            name: 'production',
            reviewers: [{ type: 'Team', name: 'break-glass' }],
            prevent_self_review: true,
            branch_policy: 'protected',
            can_admins_bypass: false,
          },
        ],
        deploy_keys: [{ title: 'ci-readonly', read_only: true }],
        secrets: [{ name: 'DEPLOY_TOKEN', updated_at: '-20d' }],
        hooks: [{ url: 'https://ci.example/hook', secret: true }],
        security_and_analysis: {
          advanced_security: true,
          secret_scanning: true,
          push_protection: true,
          dependabot_security_updates: true,
        },
        dependabot_alerts: true,
        code_scanning: true,
        alerts: [
          { tool: 'dependabot', severity: 'high', created_at: '-40d', state: 'fixed', fixed_at: '-35d' },
          { tool: 'code-scanning', severity: 'medium', created_at: '-5d' },
        ],
        pull_requests: [
          {
            title: 'ENG-1: add health endpoint',
            author: 'bob',
            created_at: '-5d',
            merged_at: '-4d',
            merged_by: 'alice',
            reviews: [{ author: 'alice' }],
            checks: [{ name: 'ci/test' }],
          },
        ],
        deployments: [{ environment: 'production', created_at: '-4d', pr: 1 }],
      },
      {
        name: 'legacy',
        visibility: 'public',
        collaborators: [
          { login: 'bob', permission: 'admin' },
          { login: 'carol', permission: 'admin' },
          { login: 'vendor-vic', permission: 'write' },
        ],
        deploy_keys: [{ title: 'old-deployer', read_only: false }],
        secrets: [{ name: 'AWS_KEY', updated_at: '-500d' }],
        hooks: [{ url: 'http://old.example/hook', secret: false, insecure_ssl: true }],
        pull_requests: [
          {
            title: 'quick fix',
            author: 'carol',
            created_at: '-3d',
            merged_at: '-3d',
            checks: [{ name: 'build', conclusion: 'FAILURE' }],
          },
        ],
      },
    ],
    ...over,
  };
}

export interface SimRun {
  sim: Simulator;
  facts: GithubFacts;
}

/**
 * Starts the simulator for a scenario, runs the real GitHub source (Octokit) against it and
 * records every response for OpenAPI validation; the caller's `afterAll` asserts conformance.
 */
export function simulatorHarness() {
  const recorder = openapiRecorder();
  const sims: Simulator[] = [];
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.close()));
    expect(recorder.problems()).toEqual([]);
  });
  return {
    recorder,
    async start(input: ScenarioInput): Promise<Simulator> {
      const sim = await startSimulator(parseScenario(input), { now: NOW, onExchange: recorder.record });
      sims.push(sim);
      return sim;
    },
    async collect(input: ScenarioInput, opts: Partial<GithubSourceOptions> = {}): Promise<SimRun> {
      const sim = await this.start(input);
      const facts = await collectGithubFacts({
        target: 'acme',
        apiUrl: sim.url,
        token: TOKEN,
        since: new Date(NOW.getTime() - 90 * 86_400_000),
        until: NOW,
        retryBaseMs: 1,
        ...opts,
      });
      return { sim, facts };
    },
  };
}
