import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { yamlToJs } from '../../config/index.js';
import { InputError } from '../../errors.js';

/**
 * The simulator's scenario: a compact YAML description of an organisation. Keys follow GitHub's
 * REST names; dates are ISO 8601 or relative to the scenario's `now` (`-30d`, `-6h`).
 * Documented in docs/github-simulator.md.
 */

const date = z.string().describe('ISO 8601 date, or relative to now: -30d, -6h, -15m');

const bypassActor = z.strictObject({
  type: z.enum(['OrganizationAdmin', 'RepositoryRole', 'Team', 'Integration', 'DeployKey', 'User']),
  /** Team slug, role name (`admin`, `maintain`, `write`), app slug or login. */
  name: z.string().default(''),
  mode: z.enum(['always', 'pull_request', 'exempt']).default('always'),
});

const pullRequestRule = z.strictObject({
  required_approving_review_count: z.number().int().min(0).default(1),
  dismiss_stale_reviews_on_push: z.boolean().default(false),
  require_code_owner_review: z.boolean().default(false),
  require_last_push_approval: z.boolean().default(false),
  required_review_thread_resolution: z.boolean().default(false),
});

const rulesetRules = z
  .strictObject({
    pull_request: pullRequestRule.optional(),
    required_status_checks: z
      .strictObject({ contexts: z.array(z.string()), strict: z.boolean().default(false) })
      .optional(),
    non_fast_forward: z.boolean().default(false),
    deletion: z.boolean().default(false),
    required_linear_history: z.boolean().default(false),
    required_signatures: z.boolean().default(false),
  })
  .default({
    non_fast_forward: false,
    deletion: false,
    required_linear_history: false,
    required_signatures: false,
  });

export const rulesetSchema = z.strictObject({
  name: z.string(),
  enforcement: z.enum(['active', 'evaluate', 'disabled']).default('active'),
  /** Branch patterns: `~DEFAULT_BRANCH`, `~ALL`, or `refs/heads/<glob>`. */
  include: z.array(z.string()).default(['~DEFAULT_BRANCH']),
  exclude: z.array(z.string()).default([]),
  /** Organisation rulesets: repository name globs (`~ALL` or `*` for all). */
  repositories: z.array(z.string()).default(['~ALL']),
  bypass: z.array(bypassActor).default([]),
  rules: rulesetRules,
});

const classicProtection = z.strictObject({
  required_pull_request_reviews: z
    .strictObject({
      required_approving_review_count: z.number().int().min(0).default(1),
      dismiss_stale_reviews: z.boolean().default(false),
      require_code_owner_reviews: z.boolean().default(false),
      require_last_push_approval: z.boolean().default(false),
      bypass_users: z.array(z.string()).default([]),
      bypass_teams: z.array(z.string()).default([]),
    })
    .nullable()
    .default(null),
  required_status_checks: z
    .strictObject({ contexts: z.array(z.string()), strict: z.boolean().default(false) })
    .nullable()
    .default(null),
  enforce_admins: z.boolean().default(false),
  allow_force_pushes: z.boolean().default(false),
  allow_deletions: z.boolean().default(false),
  required_linear_history: z.boolean().default(false),
  required_signatures: z.boolean().default(false),
});

const hook = z.strictObject({
  url: z.string(),
  secret: z.boolean().default(true),
  insecure_ssl: z.boolean().default(false),
  active: z.boolean().default(true),
  events: z.array(z.string()).default(['push']),
});

const secret = z.strictObject({
  name: z.string(),
  created_at: date.optional(),
  updated_at: date,
  visibility: z.enum(['all', 'private', 'selected']).default('private'),
});

const alert = z.strictObject({
  tool: z.enum(['dependabot', 'code-scanning', 'secret-scanning']),
  severity: z.enum(['critical', 'high', 'medium', 'low']).default('high'),
  title: z.string().default('Vulnerable dependency'),
  package: z.string().default('lodash'),
  created_at: date,
  state: z.enum(['open', 'fixed', 'dismissed']).default('open'),
  fixed_at: date.optional(),
  dismissed_at: date.optional(),
});

const review = z.strictObject({
  author: z.string(),
  state: z.enum(['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED']).default('APPROVED'),
  /** Minutes after the PR opened; default: halfway to the merge. */
  at: date.optional(),
  /** False: the review was given on an earlier commit than the merged head. */
  on_head: z.boolean().default(true),
});

const check = z.strictObject({
  name: z.string(),
  conclusion: z
    .enum(['SUCCESS', 'FAILURE', 'NEUTRAL', 'SKIPPED', 'CANCELLED', 'TIMED_OUT', 'ACTION_REQUIRED'])
    .default('SUCCESS'),
  /** A commit status instead of a check run. */
  status: z.boolean().default(false),
});

export const pullRequestSchema = z.strictObject({
  number: z.number().int().min(1).optional(),
  title: z.string(),
  body: z.string().default(''),
  author: z.string(),
  head_ref: z.string().default('feature'),
  base_ref: z.string().optional(),
  created_at: date,
  merged_at: date,
  merged_by: z.string().optional(),
  labels: z.array(z.string()).default([]),
  reviews: z.array(review).default([]),
  /** Who pushed the last commit (default: the author). */
  last_pusher: z.string().optional(),
  /** The last push was a force push by `last_pusher`. */
  force_pushed: z.boolean().default(false),
  checks: z.array(check).default([]),
});

const prProfile = z.strictObject({
  count: z.number().int().min(0),
  seed: z.number().int().default(1),
  /** Spread of merge dates, in days before now. */
  days: z.number().int().min(1).default(90),
  authors: z.array(z.string()).min(1),
  reviewers: z.array(z.string()).min(1),
  checks: z.array(z.string()).default(['ci/test']),
  /** Shares (0..1) of generated PRs with each defect. */
  self_approved: z.number().min(0).max(1).default(0),
  unreviewed: z.number().min(0).max(1).default(0),
  stale_approval: z.number().min(0).max(1).default(0),
  approved_by_last_pusher: z.number().min(0).max(1).default(0),
  failed_checks: z.number().min(0).max(1).default(0),
  no_ticket: z.number().min(0).max(1).default(0),
  emergency: z.number().min(0).max(1).default(0),
  ticket_prefix: z.string().default('ENG'),
});

const environment = z.strictObject({
  name: z.string(),
  reviewers: z
    .array(z.strictObject({ type: z.enum(['User', 'Team']).default('Team'), name: z.string() }))
    .default([]),
  prevent_self_review: z.boolean().default(false),
  wait_timer: z.number().int().min(0).default(0),
  branch_policy: z.enum(['protected', 'custom', 'none']).default('none'),
  can_admins_bypass: z.boolean().default(true),
});

const deployment = z.strictObject({
  environment: z.string(),
  created_at: date,
  /** Deploys the merge commit of this PR number, or `sha`. */
  pr: z.number().int().optional(),
  sha: z.string().optional(),
  creator: z.string().default('github-actions[bot]'),
  state: z.enum(['SUCCESS', 'FAILURE', 'ERROR', 'INACTIVE', 'IN_PROGRESS', 'PENDING']).default('SUCCESS'),
});

export const repositorySchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/),
  visibility: z.enum(['public', 'private', 'internal']).default('private'),
  archived: z.boolean().default(false),
  fork: z.boolean().default(false),
  default_branch: z.string().default('main'),
  pushed_at: date.default('-1d'),
  /** Extra branches besides the default one (e.g. release/1.0). */
  branches: z.array(z.string()).default([]),
  protection: classicProtection.nullable().default(null),
  /** Classic protection of other branches, by name. */
  branch_protections: z.record(z.string(), classicProtection).default({}),
  rulesets: z.array(rulesetSchema).default([]),
  collaborators: z
    .array(
      z.strictObject({
        login: z.string(),
        permission: z.enum(['admin', 'maintain', 'write', 'triage', 'read']),
      }),
    )
    .default([]),
  workflow_permissions: z
    .strictObject({
      default_workflow_permissions: z.enum(['read', 'write']),
      can_approve_pull_request_reviews: z.boolean().default(false),
    })
    .optional(),
  environments: z.array(environment).default([]),
  deploy_keys: z
    .array(
      z.strictObject({
        title: z.string(),
        read_only: z.boolean().default(true),
        created_at: date.default('-200d'),
      }),
    )
    .default([]),
  secrets: z.array(secret.omit({ visibility: true })).default([]),
  hooks: z.array(hook).default([]),
  security_and_analysis: z
    .strictObject({
      advanced_security: z.boolean().default(false),
      secret_scanning: z.boolean().default(false),
      push_protection: z.boolean().default(false),
      dependabot_security_updates: z.boolean().default(false),
    })
    .default({
      advanced_security: false,
      secret_scanning: false,
      push_protection: false,
      dependabot_security_updates: false,
    }),
  dependabot_alerts: z.boolean().default(false),
  code_scanning: z.boolean().default(false),
  alerts: z.array(alert).default([]),
  codeowners_errors: z
    .array(z.strictObject({ line: z.number().int(), kind: z.string(), message: z.string() }))
    .default([]),
  pull_requests: z.array(pullRequestSchema).default([]),
  generate_pull_requests: prProfile.optional(),
  deployments: z.array(deployment).default([]),
});

export const scenarioSchema = z.strictObject({
  /** The instant relative dates count from; default: when the scenario is loaded. */
  now: z.string().optional(),
  org: z.strictObject({
    login: z.string(),
    name: z.string().optional(),
    plan: z.enum(['free', 'team', 'business', 'enterprise']).default('team'),
    verified: z.boolean().default(false),
    two_factor_requirement_enabled: z.boolean().default(false),
    default_repository_permission: z.enum(['none', 'read', 'write', 'admin']).default('read'),
    members_can_create_repositories: z.boolean().default(true),
    members_can_create_public_repositories: z.boolean().default(true),
    members_can_delete_repositories: z.boolean().default(true),
    members_can_change_repo_visibility: z.boolean().default(true),
    saml_sso: z.boolean().default(false),
    actions: z
      .strictObject({
        enabled_repositories: z.enum(['all', 'none', 'selected']).default('all'),
        allowed_actions: z.enum(['all', 'local_only', 'selected']).default('all'),
        github_owned_allowed: z.boolean().default(true),
        verified_allowed: z.boolean().default(false),
        patterns_allowed: z.array(z.string()).default([]),
        default_workflow_permissions: z.enum(['read', 'write']).default('read'),
        can_approve_pull_request_reviews: z.boolean().default(false),
      })
      .default({
        enabled_repositories: 'all',
        allowed_actions: 'all',
        github_owned_allowed: true,
        verified_allowed: false,
        patterns_allowed: [],
        default_workflow_permissions: 'read',
        can_approve_pull_request_reviews: false,
      }),
    secrets: z.array(secret).default([]),
    runner_groups: z
      .array(
        z.strictObject({
          name: z.string(),
          visibility: z.enum(['all', 'selected', 'private']).default('selected'),
          allows_public_repositories: z.boolean().default(false),
          restricted_to_workflows: z.boolean().default(false),
          runners: z.number().int().min(0).default(1),
        }),
      )
      .default([]),
    hooks: z.array(hook).default([]),
    rulesets: z.array(rulesetSchema).default([]),
    /** Audit-log events (served on the enterprise plan only). */
    audit_log: z
      .array(z.strictObject({ actor: z.string(), action: z.string(), created_at: date }))
      .default([]),
  }),
  members: z
    .array(
      z.strictObject({
        login: z.string(),
        role: z.enum(['admin', 'member']).default('member'),
        two_factor: z.boolean().default(true),
      }),
    )
    .default([]),
  outside_collaborators: z
    .array(z.strictObject({ login: z.string(), two_factor: z.boolean().default(true) }))
    .default([]),
  teams: z.array(z.strictObject({ slug: z.string(), members: z.array(z.string()).default([]) })).default([]),
  /** The token the simulator accepts and what it may see. */
  token: z
    .strictObject({
      value: z.string().default('ghp_simulatedtoken0000000000000000000000'),
      login: z.string().default('greenlight-bot'),
      /** Organisation owner and repository admin: sees admin-only endpoints and fields. */
      admin: z.boolean().default(true),
      scopes: z.array(z.string()).default(['repo', 'read:org', 'admin:org_hook', 'read:audit_log']),
      /** Endpoints answering 403 regardless, e.g. `GET /orgs/{org}/dependabot/alerts` (plan or permission missing). */
      deny: z.array(z.string()).default([]),
    })
    .default({
      value: 'ghp_simulatedtoken0000000000000000000000',
      login: 'greenlight-bot',
      admin: true,
      scopes: ['repo', 'read:org', 'admin:org_hook', 'read:audit_log'],
      deny: [],
    }),
  /** A GitHub App installed on the organisation (its id and PEM public key). */
  app: z
    .strictObject({ id: z.number().int(), installation_id: z.number().int(), public_key: z.string() })
    .optional(),
  faults: z
    .strictObject({
      latency_ms: z.number().min(0).default(0),
      /** Every Nth request is refused with a secondary rate limit (403 + retry-after). */
      secondary_rate_limit_every: z.number().int().min(0).default(0),
      retry_after_seconds: z.number().int().min(0).default(1),
      rate_limit: z.number().int().min(1).default(5000),
      /** Responses to paths matching `path` (a regular expression) fail `times` times with `status`. */
      errors: z
        .array(
          z.strictObject({
            path: z.string(),
            status: z.number().int().default(502),
            times: z.number().int().default(1),
          }),
        )
        .default([]),
      /** Responses to paths matching `path` lose the field `drop` (a malformed answer). */
      malformed: z.array(z.strictObject({ path: z.string(), drop: z.string() })).default([]),
    })
    .default({
      latency_ms: 0,
      secondary_rate_limit_every: 0,
      retry_after_seconds: 1,
      rate_limit: 5000,
      errors: [],
      malformed: [],
    }),
  repositories: z.array(repositorySchema).default([]),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioRepository = Scenario['repositories'][number];
export type ScenarioRuleset = z.output<typeof rulesetSchema>;
export type ScenarioPullRequest = z.output<typeof pullRequestSchema>;

/** Parses a scenario object; errors name the key path. */
export function parseScenario(input: unknown, where = 'scenario'): Scenario {
  const parsed = scenarioSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Reads a YAML scenario file; errors name the file, line and key. */
export function loadScenarioFile(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(
      `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0];
    throw new InputError(
      `${file}${line ? `:${line.line}:${line.col}` : ''}: invalid YAML: ${e.message.split('\n')[0]}`,
    );
  }
  const parsed = scenarioSchema.safeParse(yamlToJs(doc, text, file, (m) => new InputError(m)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const node = doc.getIn(issue.path as (string | number)[], true) as
      { range?: [number, number] } | undefined;
    const at = node?.range ? `:${lineOf(text, node.range[0])}` : '';
    throw new InputError(`${file}${at}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Resolves `-30d`-style offsets against `now`; ISO dates pass through normalized. */
export function resolveDate(value: string, now: Date): string {
  const m = /^([+-])(\d+(?:\.\d+)?)([dhms])$/.exec(value.trim());
  if (m) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[m[3] as 'd' | 'h' | 'm' | 's'];
    const sign = m[1] === '-' ? -1 : 1;
    return iso(new Date(now.getTime() + sign * Number(m[2]) * unit));
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new InputError(`scenario: invalid date "${value}"`);
  return iso(new Date(t));
}

/** GitHub's timestamp format: seconds precision, `Z`. */
export function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
