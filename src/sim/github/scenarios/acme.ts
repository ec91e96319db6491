import type { ScenarioInput } from '../scenario.js';

/**
 * The bundled demo organisation "acme": fourteen repositories in a realistic mix of good and bad
 * practice (ruleset-only protection, admin bypass, self-approved merges, stale secrets, missing
 * scans, an emergency change without review, overdue critical alerts), and a few hundred merged
 * pull requests generated deterministically from per-repository profiles.
 */

type RepoInput = NonNullable<ScenarioInput['repositories']>[number];

const ENGINEERS = [
  'alice',
  'bob',
  'carol',
  'dan',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'niaj',
  'olivia',
  'peggy',
  'rupert',
  'sybil',
  'trent',
  'victor',
];
const OWNERS = ['alice', 'bob', 'carol', 'dan'];

const fullScanning = {
  security_and_analysis: {
    advanced_security: true,
    secret_scanning: true,
    push_protection: true,
    dependabot_security_updates: true,
  },
  dependabot_alerts: true,
  code_scanning: true,
};

const strongClassic = {
  required_pull_request_reviews: { required_approving_review_count: 2, dismiss_stale_reviews: true },
  required_status_checks: { contexts: ['ci', 'CodeQL'], strict: true },
  enforce_admins: true,
  required_linear_history: true,
  required_signatures: true,
};

const productionGated = {
  name: 'production',
  reviewers: [{ type: 'Team' as const, name: 'sre-oncall' }],
  prevent_self_review: true,
  branch_policy: 'protected' as const,
  can_admins_bypass: false,
};

function prs(count: number, seed: number, team: string[], over: Record<string, unknown> = {}) {
  return { count, seed, days: 90, authors: team, reviewers: team, checks: ['ci'], ...over };
}

function repo(name: string, over: Omit<RepoInput, 'name'>): RepoInput {
  return { name, ...over };
}

const payments = ENGINEERS.slice(0, 6);
const platform = ENGINEERS.slice(4, 11);
const product = ENGINEERS.slice(9, 18);

export function acmeScenario(): ScenarioInput {
  return {
    org: {
      login: 'acme',
      name: 'Acme Corp',
      plan: 'enterprise',
      verified: true,
      two_factor_requirement_enabled: true,
      default_repository_permission: 'write',
      members_can_create_repositories: true,
      members_can_create_public_repositories: false,
      members_can_delete_repositories: true,
      members_can_change_repo_visibility: false,
      saml_sso: true,
      actions: {
        enabled_repositories: 'all',
        allowed_actions: 'all',
        default_workflow_permissions: 'read',
        can_approve_pull_request_reviews: false,
      },
      secrets: [
        { name: 'NPM_PUBLISH_TOKEN', updated_at: '-420d', visibility: 'private' },
        { name: 'SONAR_TOKEN', updated_at: '-40d', visibility: 'all' },
        { name: 'SLACK_WEBHOOK', updated_at: '-120d', visibility: 'selected' },
      ],
      runner_groups: [
        { name: 'Default', visibility: 'all', allows_public_repositories: false, runners: 2 },
        { name: 'deploy', visibility: 'selected', restricted_to_workflows: true, runners: 3 },
      ],
      hooks: [
        { url: 'https://siem.acme.example/github', secret: true, events: ['*'] },
        { url: 'http://chatops.acme.example/hook', secret: false, insecure_ssl: true, events: ['push'] },
      ],
      rulesets: [
        {
          name: 'protect-default-branches',
          enforcement: 'active',
          repositories: ['payments-*', 'web', 'search-service', 'auth-service'],
          bypass: [{ type: 'Team', name: 'sre-oncall', mode: 'always' }],
          rules: {
            pull_request: { required_approving_review_count: 1, dismiss_stale_reviews_on_push: true },
            required_status_checks: { contexts: ['ci'], strict: true },
            non_fast_forward: true,
            deletion: true,
          },
        },
        {
          name: 'notifications-trial',
          enforcement: 'evaluate',
          repositories: ['notifications'],
          rules: { pull_request: { required_approving_review_count: 1 }, non_fast_forward: true },
        },
      ],
      audit_log: [
        ...ENGINEERS.filter((l) => l !== 'mallory').map((actor, i) => ({
          actor,
          action: i % 2 ? 'git.push' : 'pull_request.merge',
          created_at: `-${1 + (i % 9)}d`,
        })),
        { actor: 'mallory', action: 'git.clone', created_at: '-260d' },
        { actor: 'alice', action: 'org.update_member', created_at: '-30d' },
      ],
    },
    members: [
      ...ENGINEERS.map((login) => ({
        login,
        role: OWNERS.includes(login) ? ('admin' as const) : ('member' as const),
      })),
      { login: 'ghost-admin', role: 'member' },
    ],
    outside_collaborators: [
      { login: 'contractor-jo', two_factor: true },
      { login: 'auditor-kim', two_factor: true },
    ],
    teams: [
      { slug: 'sre-oncall', members: ['alice', 'erin'] },
      { slug: 'payments', members: payments },
      { slug: 'platform', members: platform },
    ],
    token: {
      value: 'ghp_demoDemoDemoDemoDemoDemoDemoDemo0000',
      login: 'greenlight-demo',
      admin: true,
      scopes: ['repo', 'read:org', 'admin:org', 'admin:org_hook', 'read:audit_log', 'security_events'],
    },
    repositories: [
      // Ruleset-only protection, well run, but one critical advisory left open past its SLA.
      repo('payments-api', {
        ...fullScanning,
        collaborators: [{ login: 'erin', permission: 'admin' }],
        environments: [productionGated],
        deploy_keys: [{ title: 'read-mirror', read_only: true }],
        secrets: [{ name: 'STRIPE_KEY', updated_at: '-60d' }],
        hooks: [{ url: 'https://ci.acme.example/hook' }],
        alerts: [
          {
            tool: 'dependabot',
            severity: 'critical',
            title: 'Prototype pollution in lodash',
            created_at: '-21d',
          },
          {
            tool: 'dependabot',
            severity: 'high',
            title: 'ReDoS in semver',
            created_at: '-50d',
            state: 'fixed',
            fixed_at: '-45d',
          },
          { tool: 'code-scanning', severity: 'medium', title: 'Missing rate limiting', created_at: '-12d' },
        ],
        generate_pull_requests: prs(30, 1, payments, { checks: ['ci', 'CodeQL'], stale_approval: 0.03 }),
        deployments: [{ environment: 'production', created_at: '-2d', pr: 30 }],
      }),
      repo('payments-worker', {
        ...fullScanning,
        collaborators: [{ login: 'frank', permission: 'admin' }],
        secrets: [{ name: 'QUEUE_URL', updated_at: '-200d' }],
        generate_pull_requests: prs(24, 2, payments, { checks: ['ci', 'CodeQL'], stale_approval: 0.1 }),
      }),
      // Classic protection plus the org ruleset; a pull_request_target workflow lives in its checkout.
      repo('web', {
        dependabot_alerts: true,
        security_and_analysis: {
          advanced_security: false,
          secret_scanning: true,
          push_protection: false,
          dependabot_security_updates: true,
        },
        protection: {
          required_pull_request_reviews: { required_approving_review_count: 1, dismiss_stale_reviews: true },
          required_status_checks: { contexts: ['ci', 'e2e'], strict: false },
          enforce_admins: true,
        },
        collaborators: [
          { login: 'judy', permission: 'admin' },
          { login: 'auditor-kim', permission: 'read' },
        ],
        environments: [
          { name: 'production', reviewers: [{ type: 'User', name: 'judy' }], prevent_self_review: false },
        ],
        alerts: [
          {
            tool: 'dependabot',
            severity: 'critical',
            title: 'Remote code execution in next',
            created_at: '-15d',
          },
          {
            tool: 'secret-scanning',
            severity: 'critical',
            title: 'AWS Access Key ID',
            created_at: '-9d',
            state: 'fixed',
            fixed_at: '-8d',
          },
        ],
        generate_pull_requests: prs(28, 3, product, {
          checks: ['ci', 'e2e'],
          failed_checks: 0.07,
          no_ticket: 0.1,
        }),
      }),
      // Admins can bypass: classic protection without "include administrators" and an org ruleset
      // whose bypass list includes organisation admins (via its own repository ruleset).
      repo('api-gateway', {
        ...fullScanning,
        protection: {
          required_pull_request_reviews: { required_approving_review_count: 1 },
          required_status_checks: { contexts: ['ci'], strict: true },
          enforce_admins: false,
        },
        rulesets: [
          {
            name: 'gateway-main',
            bypass: [{ type: 'OrganizationAdmin', mode: 'always' }],
            rules: {
              pull_request: { required_approving_review_count: 1 },
              non_fast_forward: true,
              deletion: true,
            },
          },
        ],
        collaborators: OWNERS.map((login) => ({ login, permission: 'admin' as const })),
        environments: [{ ...productionGated, can_admins_bypass: true }],
        generate_pull_requests: prs(26, 4, platform, { checks: ['ci', 'CodeQL'], unreviewed: 0.04 }),
      }),
      // Weak classic protection: a pull request with no approvals; self-approved merges happen.
      repo('mobile-app', {
        dependabot_alerts: true,
        protection: {
          required_pull_request_reviews: { required_approving_review_count: 0 },
          enforce_admins: false,
        },
        collaborators: [
          { login: 'olivia', permission: 'admin' },
          { login: 'contractor-jo', permission: 'write' },
        ],
        secrets: [{ name: 'APPLE_SIGNING_KEY', updated_at: '-380d' }],
        alerts: [
          { tool: 'dependabot', severity: 'high', title: 'Path traversal in tar', created_at: '-75d' },
        ],
        generate_pull_requests: prs(25, 5, product, { self_approved: 0.16, no_ticket: 0.2 }),
      }),
      // No protection at all; unreviewed changes and a deploy key that can push.
      repo('data-pipeline', {
        collaborators: [{ login: 'ivan', permission: 'admin' }],
        deploy_keys: [{ title: 'airflow-deployer', read_only: false }],
        secrets: [{ name: 'WAREHOUSE_PASSWORD', updated_at: '-610d' }],
        generate_pull_requests: prs(22, 6, platform, { unreviewed: 0.3, no_ticket: 0.3 }),
      }),
      repo('infra-terraform', {
        ...fullScanning,
        protection: strongClassic,
        collaborators: [{ login: 'erin', permission: 'admin' }],
        environments: [productionGated],
        secrets: [
          { name: 'AWS_ACCESS_KEY_ID', updated_at: '-500d' },
          { name: 'AWS_SECRET_ACCESS_KEY', updated_at: '-500d' },
        ],
        generate_pull_requests: prs(20, 7, platform, { checks: ['ci', 'CodeQL'] }),
      }),
      // Well run, except an emergency hotfix merged without review.
      repo('auth-service', {
        ...fullScanning,
        protection: strongClassic,
        collaborators: [{ login: 'grace', permission: 'admin' }],
        environments: [productionGated],
        alerts: [
          {
            tool: 'code-scanning',
            severity: 'high',
            title: 'JWT signature not verified',
            created_at: '-40d',
            state: 'fixed',
            fixed_at: '-36d',
          },
        ],
        generate_pull_requests: prs(26, 8, payments, { checks: ['ci', 'CodeQL'], emergency: 0.05 }),
      }),
      // Only an evaluate-mode ruleset: nothing is enforced.
      repo('notifications', {
        dependabot_alerts: true,
        collaborators: [{ login: 'heidi', permission: 'admin' }],
        generate_pull_requests: prs(22, 9, product, { unreviewed: 0.1 }),
      }),
      repo('docs-site', {
        visibility: 'public',
        protection: {
          required_pull_request_reviews: { required_approving_review_count: 1 },
          enforce_admins: true,
        },
        collaborators: [{ login: 'peggy', permission: 'admin' }],
        hooks: [{ url: 'https://netlify.example/hooks/acme', secret: false }],
        generate_pull_requests: prs(20, 10, product, { checks: ['build'], no_ticket: 0.5 }),
      }),
      repo('ml-models', { archived: true, pushed_at: '-400d' }),
      repo('search-service', {
        ...fullScanning,
        collaborators: [{ login: 'trent', permission: 'admin' }],
        environments: [productionGated],
        generate_pull_requests: prs(24, 11, platform, { checks: ['ci', 'CodeQL'] }),
      }),
      // Required checks without up-to-date branches; failing checks merged anyway.
      repo('billing-ui', {
        dependabot_alerts: true,
        protection: {
          required_pull_request_reviews: { required_approving_review_count: 1 },
          required_status_checks: { contexts: ['ci'], strict: false },
          enforce_admins: false,
        },
        collaborators: [{ login: 'sybil', permission: 'admin' }],
        alerts: [
          { tool: 'dependabot', severity: 'medium', title: 'XSS in markdown renderer', created_at: '-130d' },
        ],
        generate_pull_requests: prs(22, 12, product, { failed_checks: 0.12, approved_by_last_pusher: 0.05 }),
      }),
      repo('legacy-monolith', {
        collaborators: ['alice', 'bob', 'carol', 'dan', 'rupert'].map((login) => ({
          login,
          permission: 'admin' as const,
        })),
        workflow_permissions: {
          default_workflow_permissions: 'write',
          can_approve_pull_request_reviews: false,
        },
        hooks: [{ url: 'http://jenkins.acme.internal/github-webhook/', secret: false, insecure_ssl: true }],
        secrets: [{ name: 'DEPLOY_SSH_KEY', updated_at: '-900d' }],
        deploy_keys: [{ title: 'jenkins', read_only: false }],
        generate_pull_requests: prs(21, 13, ['rupert', 'sybil', 'victor'], {
          unreviewed: 0.25,
          self_approved: 0.1,
          no_ticket: 0.4,
        }),
      }),
    ],
  };
}
