import {
  unavailable,
  type EffectiveProtection,
  type GithubFacts,
  type GithubRepository,
  type ProtectionRules,
  type ProtectionSource,
} from '../src/facts/index.js';

/**
 * Small builders of GitHub facts for check unit tests (`runCheck`). Defaults describe a
 * well-run organisation; each test overrides the part it is about.
 */

export const NOT_SEEN = unavailable('GET /example answered 404 (Not Found): needs admin on the repository');

export function rules(over: Partial<ProtectionRules> = {}): ProtectionRules {
  return {
    pullRequest: true,
    requiredApprovals: 1,
    dismissStaleReviews: true,
    requireLastPushApproval: false,
    requireCodeOwnerReview: false,
    statusChecks: ['ci/test'],
    strictStatusChecks: true,
    blockForcePushes: true,
    blockDeletions: true,
    linearHistory: true,
    signedCommits: true,
    ...over,
  };
}

export function source(over: Partial<ProtectionSource> = {}): ProtectionSource {
  return {
    kind: 'ruleset',
    name: 'main',
    rulesetId: 1,
    origin: 'organization',
    enforcement: 'active',
    rules: rules(),
    bypass: [],
    ...over,
  };
}

/** An effective protection over the given sources: a rule holds when an active source enforces it. */
export function protection(sources: ProtectionSource[], gaps = false): EffectiveProtection {
  const active = sources.filter((x) => x.enforcement === 'active').map((x) => x.rules);
  const any = (f: (r: ProtectionRules) => boolean) => active.some(f);
  const effective: ProtectionRules = {
    pullRequest: any((r) => r.pullRequest),
    requiredApprovals: Math.max(0, ...active.map((r) => r.requiredApprovals)),
    dismissStaleReviews: any((r) => r.dismissStaleReviews),
    requireLastPushApproval: any((r) => r.requireLastPushApproval),
    requireCodeOwnerReview: any((r) => r.requireCodeOwnerReview),
    statusChecks: [...new Set(active.flatMap((r) => r.statusChecks))],
    strictStatusChecks: any((r) => r.strictStatusChecks),
    blockForcePushes: any((r) => r.blockForcePushes),
    blockDeletions: any((r) => r.blockDeletions),
    linearHistory: any((r) => r.linearHistory),
    signedCommits: any((r) => r.signedCommits),
  };
  return { branch: 'main', protected: active.length > 0, sources, effective, gaps: gaps ? [NOT_SEEN] : [] };
}

export function repository(over: Partial<GithubRepository> = {}): GithubRepository {
  return {
    fullName: 'acme/api',
    name: 'api',
    visibility: 'private',
    archived: false,
    fork: false,
    defaultBranch: 'main',
    pushedAt: '2026-10-30T00:00:00Z',
    branches: [{ branch: 'main', protection: protection([source()]) }],
    workflowPermissions: {
      defaultWorkflowPermissions: 'read',
      canApprovePullRequestReviews: false,
      inheritedFromOrganization: true,
    },
    collaborators: [{ login: 'alice', permission: 'admin', outside: false }],
    environments: [],
    deployKeys: [],
    secrets: [],
    webhooks: [],
    securityAndAnalysis: {
      advancedSecurity: true,
      secretScanning: true,
      pushProtection: true,
      dependabotSecurityUpdates: true,
    },
    dependabotAlertsEnabled: true,
    codeScanning: { enabled: true, evidence: 'code scanning default setup is configured' },
    alerts: { dependabot: [], 'code-scanning': [], 'secret-scanning': [] },
    codeownersErrors: null,
    pullRequests: [],
    deployments: [],
    ...over,
  };
}

export function githubFacts(over: Partial<GithubFacts> = {}): GithubFacts {
  return {
    apiUrl: 'https://api.github.com',
    org: 'acme',
    scope: { kind: 'organization' },
    auth: { kind: 'token', scopes: ['repo', 'read:org'] },
    window: { since: '2026-08-03T00:00:00.000Z', until: '2026-11-01T00:00:00.000Z' },
    settings: {
      login: 'acme',
      plan: 'enterprise',
      verified: true,
      twoFactorRequired: true,
      defaultRepositoryPermission: 'read',
      membersCanCreatePublicRepositories: false,
      membersCanCreateRepositories: true,
      membersCanDeleteRepositories: false,
      membersCanChangeRepoVisibility: false,
      samlSso: { configured: true },
    },
    members: [
      { login: 'alice', role: 'admin' },
      { login: 'bob', role: 'member' },
    ],
    membersWithout2fa: [],
    outsideCollaborators: [],
    outsideCollaboratorsWithout2fa: [],
    actions: {
      enabledRepositories: 'all',
      allowedActions: 'selected',
      selected: { githubOwnedAllowed: true, verifiedAllowed: true, patternsAllowed: [] },
      shaPinningRequired: null,
    },
    workflowPermissions: { defaultWorkflowPermissions: 'read', canApprovePullRequestReviews: false },
    secrets: [],
    runnerGroups: [],
    webhooks: [],
    auditLog: {
      api: { latestEventAt: '2026-10-31T00:00:00.000Z' },
      streams: unavailable('streams are not read'),
      lastActivity: {
        since: '2026-05-01T00:00:00.000Z',
        complete: true,
        byActor: { alice: '2026-10-30T00:00:00.000Z', bob: '2026-10-01T00:00:00.000Z' },
      },
    },
    repositories: [repository()],
    stats: { requests: 0, notModified: 0, rateLimitRemaining: null },
    ...over,
  };
}
