import { z } from 'zod';

/**
 * The parts of GitHub's responses the source reads, parsed at the edge. Only fields greenlight
 * uses are declared; a missing or mistyped one makes the affected facts `not_available` naming
 * the endpoint, instead of a crash or a silent pass.
 */

const login = z.object({ login: z.string() });
const enabled = z.object({ enabled: z.boolean().optional() }).nullish();

export const orgSchema = z.object({
  login: z.string(),
  is_verified: z.boolean().nullish(),
  plan: z.object({ name: z.string() }).nullish(),
  two_factor_requirement_enabled: z.boolean().nullish(),
  default_repository_permission: z.string().nullish(),
  members_can_create_repositories: z.boolean().nullish(),
  members_can_create_public_repositories: z.boolean().nullish(),
  members_can_delete_repositories: z.boolean().nullish(),
  members_can_change_repo_visibility: z.boolean().nullish(),
});

export const usersSchema = z.array(login);

export const repoSchema = z.object({
  name: z.string(),
  full_name: z.string(),
  private: z.boolean(),
  visibility: z.enum(['public', 'private', 'internal']).optional(),
  archived: z.boolean(),
  fork: z.boolean(),
  default_branch: z.string(),
  pushed_at: z.string().nullish(),
  permissions: z.object({ admin: z.boolean(), push: z.boolean() }).partial().nullish(),
  security_and_analysis: z
    .object({
      advanced_security: z.object({ status: z.string() }).nullish(),
      secret_scanning: z.object({ status: z.string() }).nullish(),
      secret_scanning_push_protection: z.object({ status: z.string() }).nullish(),
      dependabot_security_updates: z.object({ status: z.string() }).nullish(),
    })
    .nullish(),
});
export type RestRepo = z.infer<typeof repoSchema>;
export const reposSchema = z.array(repoSchema);

const actorRef = z.object({
  id: z.number().optional(),
  login: z.string().optional(),
  slug: z.string().optional(),
});

export const classicProtectionSchema = z.object({
  required_status_checks: z
    .object({
      strict: z.boolean().nullish(),
      contexts: z.array(z.string()).nullish(),
      checks: z.array(z.object({ context: z.string() })).nullish(),
    })
    .nullish(),
  enforce_admins: enabled,
  required_pull_request_reviews: z
    .object({
      dismiss_stale_reviews: z.boolean(),
      require_code_owner_reviews: z.boolean(),
      required_approving_review_count: z.number().int().nullish(),
      require_last_push_approval: z.boolean().nullish(),
      bypass_pull_request_allowances: z
        .object({
          users: z.array(actorRef).nullish(),
          teams: z.array(actorRef).nullish(),
          apps: z.array(actorRef).nullish(),
        })
        .nullish(),
    })
    .nullish(),
  required_linear_history: enabled,
  allow_force_pushes: enabled,
  allow_deletions: enabled,
  required_signatures: enabled,
});
export type ClassicProtection = z.infer<typeof classicProtectionSchema>;

export const branchRuleSchema = z.object({
  type: z.string(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  ruleset_source_type: z.string().nullish(),
  ruleset_source: z.string().nullish(),
  ruleset_id: z.number().int().nullish(),
});
export type BranchRule = z.infer<typeof branchRuleSchema>;
export const branchRulesSchema = z.array(branchRuleSchema);

export const rulesetDetailSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  source_type: z.string().nullish(),
  enforcement: z.string(),
  bypass_actors: z
    .array(
      z.object({
        actor_id: z.number().int().nullish(),
        actor_type: z.string(),
        bypass_mode: z.string().nullish(),
      }),
    )
    .nullish(),
});
export type RulesetDetail = z.infer<typeof rulesetDetailSchema>;
export const teamsSchema = z.array(z.object({ id: z.number(), slug: z.string() }));
export const branchListSchema = z.array(z.object({ name: z.string() }));

export const workflowPermissionsSchema = z.object({
  default_workflow_permissions: z.enum(['read', 'write']),
  can_approve_pull_request_reviews: z.boolean(),
});

export const actionsPermissionsSchema = z.object({
  enabled_repositories: z.enum(['all', 'none', 'selected']),
  allowed_actions: z.enum(['all', 'local_only', 'selected']).nullish(),
  sha_pinning_required: z.boolean().nullish(),
});

export const selectedActionsSchema = z.object({
  github_owned_allowed: z.boolean().nullish(),
  verified_allowed: z.boolean().nullish(),
  patterns_allowed: z.array(z.string()).nullish(),
});

export const secretsSchema = z.object({
  total_count: z.number(),
  secrets: z.array(
    z.object({
      name: z.string(),
      created_at: z.string(),
      updated_at: z.string(),
      visibility: z.string().nullish(),
    }),
  ),
});

export const runnerGroupsSchema = z.object({
  total_count: z.number(),
  runner_groups: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      visibility: z.string(),
      default: z.boolean(),
      allows_public_repositories: z.boolean(),
      restricted_to_workflows: z.boolean().nullish(),
    }),
  ),
});

export const runnersSchema = z.object({
  total_count: z.number(),
  runners: z.array(z.object({ id: z.number(), runner_group_id: z.number().nullish() })),
});

export const hooksSchema = z.array(
  z.object({
    id: z.number(),
    active: z.boolean(),
    events: z.array(z.string()),
    config: z.object({
      url: z.string().nullish(),
      insecure_ssl: z.union([z.string(), z.number()]).nullish(),
      secret: z.string().nullish(),
    }),
  }),
);

export const environmentsSchema = z.object({
  total_count: z.number().nullish(),
  environments: z
    .array(
      z.object({
        name: z.string(),
        protection_rules: z
          .array(
            z.object({
              type: z.string(),
              prevent_self_review: z.boolean().nullish(),
              wait_timer: z.number().nullish(),
              reviewers: z
                .array(
                  z.object({
                    type: z.string().nullish(),
                    reviewer: z
                      .object({ login: z.string().optional(), slug: z.string().optional() })
                      .nullish(),
                  }),
                )
                .nullish(),
            }),
          )
          .nullish(),
        deployment_branch_policy: z
          .object({ protected_branches: z.boolean(), custom_branch_policies: z.boolean() })
          .nullish(),
        can_admins_bypass: z.boolean().nullish(),
      }),
    )
    .nullish(),
});

export const codeownersErrorsSchema = z.object({
  errors: z.array(z.object({ line: z.number(), kind: z.string(), message: z.string(), path: z.string() })),
});

export const defaultSetupSchema = z.object({ state: z.string().nullish() });

const alertRepo = z.object({ full_name: z.string() });
const severity = z.enum(['critical', 'high', 'medium', 'low']);

export const dependabotAlertsSchema = z.array(
  z.object({
    number: z.number(),
    state: z.string(),
    html_url: z.string(),
    created_at: z.string(),
    fixed_at: z.string().nullish(),
    dismissed_at: z.string().nullish(),
    auto_dismissed_at: z.string().nullish(),
    security_advisory: z.object({ summary: z.string(), severity: z.string() }),
    repository: alertRepo.optional(),
  }),
);

export const codeScanningAlertsSchema = z.array(
  z.object({
    number: z.number(),
    state: z.string().nullable(),
    html_url: z.string(),
    created_at: z.string(),
    fixed_at: z.string().nullish(),
    dismissed_at: z.string().nullish(),
    rule: z.object({
      description: z.string().nullish(),
      name: z.string().nullish(),
      security_severity_level: z.string().nullish(),
      severity: z.string().nullish(),
    }),
    repository: alertRepo.optional(),
  }),
);

export const secretScanningAlertsSchema = z.array(
  z.object({
    number: z.number(),
    state: z.string(),
    html_url: z.string(),
    created_at: z.string(),
    resolution: z.string().nullish(),
    resolved_at: z.string().nullish(),
    secret_type_display_name: z.string().nullish(),
    repository: alertRepo.optional(),
  }),
);

export const auditLogSchema = z.array(
  z.object({
    actor: z.string().nullish(),
    created_at: z.number().nullish(),
    '@timestamp': z.number().nullish(),
  }),
);

export { severity };
