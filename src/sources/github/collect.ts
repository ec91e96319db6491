import picomatch from 'picomatch';
import type { z } from 'zod';
import { SourceError, UsageError } from '../../errors.js';
import { DEFAULT_API_URL } from './connect.js';
import {
  isUnavailable,
  unavailable,
  type AlertTool,
  type BypassActor,
  type GithubAlert,
  type GithubAuditLog,
  type GithubEnvironment,
  type GithubFacts,
  type GithubOrgSettings,
  type GithubRepository,
  type GithubRunnerGroup,
  type GithubSecret,
  type GithubWebhook,
  type Maybe,
  type Unavailable,
  type WorkflowTokenPermissions,
} from '../../facts/index.js';
import { createClient, type AppCredentials, type GithubClient } from './client.js';
import { readRepositoriesGraph, type RepoGraph } from './graphql.js';
import { needs } from './permissions.js';
import { bypassActorsOf, mergeProtection, type RulesetInput } from './protection.js';
import * as S from './schemas.js';

export interface GithubProgress {
  repositoriesDone: number;
  repositoriesTotal: number;
  requests: number;
  rateLimitRemaining: number | null;
}

export interface GithubSourceOptions {
  /** `org` or `org/repo`. */
  target: string;
  /** REST API base: https://api.github.com, or https://HOST/api/v3 for Enterprise Server. */
  apiUrl?: string;
  token?: string;
  app?: AppCredentials;
  since: Date | null;
  until: Date;
  /** Parallel requests (default 8). */
  concurrency?: number;
  /** Globs of release branches whose protection is read besides the default branch. */
  releaseBranches?: string[];
  /** Days of audit log read for member activity (default 180). */
  auditDays?: number;
  /** ETag cache file; null or undefined keeps it in memory only. */
  cacheFile?: string | null;
  retryBaseMs?: number;
  /** Repositories per GraphQL query (default 10). */
  graphqlBatch?: number;
  /** Read only the first N repositories (doctor samples one). */
  maxRepositories?: number;
  progress?: (p: GithubProgress) => void;
}

/** `--github-url`: a GitHub Enterprise Server host, or an API base URL. */

export function parseTarget(target: string): { org: string; repo: string | null } {
  const m = /^([A-Za-z0-9][A-Za-z0-9-]*)(?:\/([A-Za-z0-9._-]+))?$/.exec(target.trim());
  if (!m) throw new UsageError(`--github "${target}": expected ORG or ORG/REPO`);
  return { org: m[1]!, repo: m[2] ?? null };
}

type Reader = <T>(endpoint: string, schema: z.ZodType<T>, call: () => Promise<unknown>) => Promise<Maybe<T>>;

/** Reads everything greenlight needs about an organisation (or one repository) from GitHub. */
export async function collectGithubFacts(opts: GithubSourceOptions): Promise<GithubFacts> {
  const { org, repo: onlyRepo } = parseTarget(opts.target);
  const apiUrl = (opts.apiUrl ?? DEFAULT_API_URL).replace(/\/$/, '');
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const client = await connect(opts, org, apiUrl, concurrency);
  const api = githubReaders(client);
  const progress = progressReporter(opts, client);

  const orgRaw = await api.read('GET /orgs/{org}', S.orgSchema, api.get('GET /orgs/{org}', { org }));
  api.throwOnAuthFailure();
  const orgData = await readOrganisation(api, client, org, opts);

  const repos = await listRepositories(api, org, onlyRepo, opts, apiUrl);
  progress.total = repos.length;
  progress.report();
  const live = repos.filter((r) => !r.archived);
  const orgWorkflow = workflowTokenPermissions(orgData.workflowPerms);
  const finished = await readLiveRepositories(api, client, live, {
    org,
    onlyRepo,
    opts,
    concurrency,
    progress,
    outside: orgData.outside,
    repoCtx: {
      releaseBranches: opts.releaseBranches ?? [],
      orgWorkflow,
      orgRuleset: orgRulesetReader(api, org),
      teamName: teamNamer(orgData.teams),
    },
  });
  api.throwOnAuthFailure();

  const archived = repos.filter((r) => r.archived).map((r) => archivedRepo(r));
  client.save();

  return {
    apiUrl,
    org,
    scope: onlyRepo ? { kind: 'repository', repository: `${org}/${onlyRepo}` } : { kind: 'organization' },
    auth: { kind: opts.app ? 'app' : 'token', scopes: client.stats.scopes },
    window: { since: opts.since?.toISOString() ?? null, until: opts.until.toISOString() },
    ...organisationFacts(orgRaw, orgData, orgWorkflow, finished),
    repositories: [...finished, ...archived],
    stats: {
      requests: client.stats.requests,
      notModified: client.stats.notModified,
      rateLimitRemaining: client.stats.rateLimitRemaining,
    },
  };
}

interface Readers {
  read: Reader;
  page: Page;
  get: Get;
  /** Throws the first authentication failure any read met (a bad or expired token). */
  throwOnAuthFailure(): void;
  /** Whether any read succeeded. */
  readSomething(): boolean;
}

/** How every endpoint is read: one request, or a paginated list; each parsed against its schema. */
function githubReaders(client: GithubClient): Readers {
  const ok = client.octokit;
  let authFailure: string | null = null;
  let readSomething = false;

  /** One request or paginated list: parsed, or Unavailable naming the endpoint and what it needs. */
  const read: Reader = async (endpoint, schema, call) => {
    try {
      const data = await call();
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        return unavailable(
          `${endpoint} returned an unexpected response (${i?.path.join('.') || '(root)'}: ${i?.message ?? 'invalid'})`,
        );
      }
      readSomething = true;
      return parsed.data;
    } catch (err) {
      return unavailable(describe(endpoint, err, (m) => (authFailure = m)));
    }
  };

  const page =
    <T>(route: string, params: Record<string, unknown>, key?: string) =>
    async () => {
      const items: T[] = [];
      for await (const res of ok.paginate.iterator(
        route as 'GET /orgs/{org}/repos',
        { per_page: 100, ...params } as never,
      )) {
        const data = res.data as unknown;
        if (key && data && typeof data === 'object' && !Array.isArray(data))
          items.push(...(((data as Record<string, unknown>)[key] as T[]) ?? []));
        else items.push(...(data as T[]));
      }
      return key ? { total_count: items.length, [key]: items } : items;
    };
  const get = (route: string, params: Record<string, unknown>) => async () =>
    (await ok.request(route as 'GET /orgs/{org}', params as never)).data;

  return {
    read,
    page,
    get,
    throwOnAuthFailure: () => {
      if (authFailure) throw new SourceError(authFailure);
    },
    readSomething: () => readSomething,
  };
}

interface Progress {
  done: number;
  total: number;
  report(): void;
}

function progressReporter(opts: GithubSourceOptions, client: GithubClient): Progress {
  const progress: Progress = {
    done: 0,
    total: 0,
    report: () =>
      opts.progress?.({
        repositoriesDone: progress.done,
        repositoriesTotal: progress.total,
        requests: client.stats.requests,
        rateLimitRemaining: client.stats.rateLimitRemaining,
      }),
  };
  return progress;
}

/** The organisation's members, settings, Actions policy, secrets, runners, hooks, teams and audit log. */
async function readOrganisation(api: Readers, client: GithubClient, org: string, opts: GithubSourceOptions) {
  const { read, page, get } = api;
  const [
    members,
    owners,
    members2fa,
    outside,
    outside2fa,
    actions,
    workflowPerms,
    orgSecrets,
    runnerGroups,
    runners,
    orgHooks,
    teams,
    saml,
  ] = await Promise.all([
    read('GET /orgs/{org}/members', S.usersSchema, page('GET /orgs/{org}/members', { org })),
    read('GET /orgs/{org}/members', S.usersSchema, page('GET /orgs/{org}/members', { org, role: 'admin' })),
    read(
      'GET /orgs/{org}/members?filter=2fa_disabled',
      S.usersSchema,
      page('GET /orgs/{org}/members', { org, filter: '2fa_disabled' }),
    ),
    read(
      'GET /orgs/{org}/outside_collaborators',
      S.usersSchema,
      page('GET /orgs/{org}/outside_collaborators', { org }),
    ),
    read(
      'GET /orgs/{org}/outside_collaborators',
      S.usersSchema,
      page('GET /orgs/{org}/outside_collaborators', { org, filter: '2fa_disabled' }),
    ),
    read(
      'GET /orgs/{org}/actions/permissions',
      S.actionsPermissionsSchema,
      get('GET /orgs/{org}/actions/permissions', { org }),
    ),
    read(
      'GET /orgs/{org}/actions/permissions/workflow',
      S.workflowPermissionsSchema,
      get('GET /orgs/{org}/actions/permissions/workflow', { org }),
    ),
    read(
      'GET /orgs/{org}/actions/secrets',
      S.secretsSchema,
      page('GET /orgs/{org}/actions/secrets', { org }, 'secrets'),
    ),
    read(
      'GET /orgs/{org}/actions/runner-groups',
      S.runnerGroupsSchema,
      page('GET /orgs/{org}/actions/runner-groups', { org }, 'runner_groups'),
    ),
    read(
      'GET /orgs/{org}/actions/runners',
      S.runnersSchema,
      page('GET /orgs/{org}/actions/runners', { org }, 'runners'),
    ),
    read('GET /orgs/{org}/hooks', S.hooksSchema, page('GET /orgs/{org}/hooks', { org })),
    read('GET /orgs/{org}/teams', S.teamsSchema, page('GET /orgs/{org}/teams', { org })),
    readSaml(client, org),
  ]);

  const selected =
    !isUnavailable(actions) && actions.allowed_actions === 'selected'
      ? await read(
          'GET /orgs/{org}/actions/permissions/selected-actions',
          S.selectedActionsSchema,
          get('GET /orgs/{org}/actions/permissions/selected-actions', { org }),
        )
      : null;
  const auditLog = await readAuditLog(read, page, org, opts);
  return {
    members,
    owners,
    members2fa,
    outside,
    outside2fa,
    actions,
    selected,
    workflowPerms,
    orgSecrets,
    runnerGroups,
    runners,
    orgHooks,
    teams,
    saml,
    auditLog,
  };
}

type OrganisationData = Awaited<ReturnType<typeof readOrganisation>>;

/** The repositories in scope: the one named, or the organisation's (at most `maxRepositories`). */
async function listRepositories(
  api: Readers,
  org: string,
  onlyRepo: string | null,
  opts: GithubSourceOptions,
  apiUrl: string,
): Promise<S.RestRepo[]> {
  const { read, page, get } = api;
  const repoList: Maybe<S.RestRepo[]> = onlyRepo
    ? await read(
        'GET /repos/{owner}/{repo}',
        S.repoSchema,
        get('GET /repos/{owner}/{repo}', { owner: org, repo: onlyRepo }),
      ).then((r) => (isUnavailable(r) ? r : [r]))
    : await read('GET /orgs/{org}/repos', S.reposSchema, page('GET /orgs/{org}/repos', { org, type: 'all' }));
  api.throwOnAuthFailure();
  if (isUnavailable(repoList) && !api.readSomething())
    throw new SourceError(`GitHub ${apiUrl}: nothing could be read for ${opts.target}: ${repoList.reason}`);
  return isUnavailable(repoList) ? [] : repoList.slice(0, opts.maxRepositories ?? repoList.length);
}

/** Organisation rulesets, each read once however many repositories it applies to. */
function orgRulesetReader(api: Readers, org: string): RepoContext['orgRuleset'] {
  const details = new Map<number, Promise<Maybe<S.RulesetDetail>>>();
  return (id: number) => {
    if (!details.has(id))
      details.set(
        id,
        api.read(
          'GET /orgs/{org}/rulesets/{ruleset_id}',
          S.rulesetDetailSchema,
          api.get('GET /orgs/{org}/rulesets/{ruleset_id}', { org, ruleset_id: id }),
        ),
      );
    return details.get(id)!;
  };
}

function teamNamer(teams: OrganisationData['teams']): RepoContext['teamName'] {
  const teamNames = new Map<number, string>(isUnavailable(teams) ? [] : teams.map((t) => [t.id, t.slug]));
  return (id) => teamNames.get(id);
}

function workflowTokenPermissions(
  workflowPerms: OrganisationData['workflowPerms'],
): Maybe<WorkflowTokenPermissions> {
  return isUnavailable(workflowPerms)
    ? workflowPerms
    : {
        defaultWorkflowPermissions: workflowPerms.default_workflow_permissions,
        canApprovePullRequestReviews: workflowPerms.can_approve_pull_request_reviews,
      };
}

/**
 * The repositories that are not archived: GraphQL (branches, history, collaborators), alerts and
 * the REST reads of each, in parallel; then the reads that only some repositories need, decided
 * by that first pass.
 */
async function readLiveRepositories(
  api: Readers,
  client: GithubClient,
  live: S.RestRepo[],
  {
    org,
    onlyRepo,
    opts,
    concurrency,
    progress,
    outside,
    repoCtx,
  }: {
    org: string;
    onlyRepo: string | null;
    opts: GithubSourceOptions;
    concurrency: number;
    progress: Progress;
    outside: OrganisationData['outside'];
    repoCtx: RepoContext;
  },
): Promise<GithubRepository[]> {
  const { read, page, get } = api;
  const outsideSet = new Set(isUnavailable(outside) ? [] : outside.map((u) => u.login));
  const graphPromise = readRepositoriesGraph(
    client,
    live.map((r) => ({ owner: org, name: r.name, admin: r.permissions?.admin === true })),
    {
      since: opts.since,
      until: opts.until,
      batchSize: Math.max(1, opts.graphqlBatch ?? 10),
      isOutside: (l) => outsideSet.has(l),
      onBatch: progress.report,
    },
  );
  const alertsPromise = readAlerts(read, page, org, onlyRepo);
  const perRepo = await pool(live, concurrency, (r) => readRepoRest(read, page, get, org, r, repoCtx));
  const [graph, alerts] = await Promise.all([graphPromise, alertsPromise]);

  return pool(live, concurrency, async (r, i) => {
    const rest = perRepo[i]!;
    const g = graph.get(r.full_name)!;
    const repo = await assembleRepo(read, page, get, org, r, rest, g, alerts, repoCtx);
    progress.done++;
    progress.report();
    return repo;
  });
}

/** The organisation-level facts, from what was read (outside collaborators' repositories from the repositories read). */
function organisationFacts(
  orgRaw: Maybe<z.infer<typeof S.orgSchema>>,
  d: OrganisationData,
  orgWorkflow: Maybe<WorkflowTokenPermissions>,
  finished: GithubRepository[],
) {
  const { runners, selected } = d;
  return {
    settings: orgSettings(orgRaw, d.saml),
    members: mergeMembers(d.members, d.owners),
    membersWithout2fa: mapMaybe(d.members2fa, (xs) => xs.map((x) => x.login)),
    outsideCollaborators: mapMaybe(d.outside, (xs) =>
      xs.map((x) => ({
        login: x.login,
        repositories: finished.flatMap((r) =>
          isUnavailable(r.collaborators)
            ? []
            : r.collaborators
                .filter((c) => c.login === x.login)
                .map((c) => ({ repository: r.fullName, permission: c.permission })),
        ),
      })),
    ),
    outsideCollaboratorsWithout2fa: mapMaybe(d.outside2fa, (xs) => xs.map((x) => x.login)),
    actions: mapMaybe(d.actions, (a) => ({
      enabledRepositories: a.enabled_repositories,
      allowedActions: a.enabled_repositories === 'none' ? null : (a.allowed_actions ?? 'all'),
      selected:
        selected === null
          ? null
          : mapMaybe(selected, (s) => ({
              githubOwnedAllowed: s.github_owned_allowed ?? false,
              verifiedAllowed: s.verified_allowed ?? false,
              patternsAllowed: s.patterns_allowed ?? [],
            })),
      shaPinningRequired: a.sha_pinning_required ?? null,
    })),
    workflowPermissions: orgWorkflow,
    secrets: mapMaybe(d.orgSecrets, (s) =>
      s.secrets.map((x): GithubSecret => ({
        name: x.name,
        scope: 'organization',
        visibility: x.visibility ?? 'all',
        createdAt: x.created_at,
        updatedAt: x.updated_at,
      })),
    ),
    runnerGroups: mapMaybe(d.runnerGroups, (g) =>
      g.runner_groups.map((x): GithubRunnerGroup => ({
        id: x.id,
        name: x.name,
        visibility: x.visibility,
        default: x.default,
        allowsPublicRepositories: x.allows_public_repositories,
        restrictedToWorkflows: x.restricted_to_workflows ?? false,
        runners: isUnavailable(runners)
          ? 0
          : runners.runners.filter((r) => r.runner_group_id === x.id).length,
      })),
    ),
    webhooks: mapMaybe(d.orgHooks, (hs) => hs.map((h) => webhook(h, 'organization'))),
    auditLog: d.auditLog,
  } satisfies Partial<GithubFacts>;
}

async function connect(
  opts: GithubSourceOptions,
  org: string,
  apiUrl: string,
  concurrency: number,
): Promise<GithubClient> {
  if (!opts.token && !opts.app)
    throw new SourceError(
      'no GitHub credentials: set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY',
    );
  try {
    return await createClient({
      apiUrl,
      ...(opts.token ? { token: opts.token } : {}),
      ...(opts.app ? { app: opts.app } : {}),
      org,
      concurrency,
      retryBaseMs: opts.retryBaseMs ?? 1000,
      cacheFile: opts.cacheFile ?? null,
    });
  } catch (err) {
    throw new SourceError(
      `GitHub App authentication failed for ${org} at ${apiUrl}: ${(err as Error).message}`,
    );
  }
}

/** Turns a request error into a reason naming the endpoint and the permission or plan it needs. */
function describe(endpoint: string, err: unknown, onAuth: (m: string) => void): string {
  const status = (err as { status?: number }).status;
  const message = (err as Error).message?.split('\n')[0] ?? String(err);
  if (status === 401) {
    const m = `GitHub rejected the credentials (401 ${message}): check GITHUB_TOKEN or the App's key`;
    onAuth(m);
    return m;
  }
  if (status === 403 && /rate limit/i.test(message))
    return `${endpoint}: the API rate limit is exhausted (${message}); run again after the reset`;
  if (status === 403 || status === 404 || status === 422)
    return `${endpoint} answered ${status} (${message}): needs ${needs(endpoint)}`;
  const answered = (err as { response?: unknown }).response !== undefined;
  if (status !== undefined && status >= 500 && answered)
    return `${endpoint} failed with ${status} after retries (${message}); GitHub may be degraded, run again later`;
  return `${endpoint} could not be reached after retries (${message})`;
}

function mapMaybe<T, U>(v: Maybe<T>, f: (t: T) => U): Maybe<U> {
  return isUnavailable(v) ? v : f(v);
}

async function readSaml(client: GithubClient, org: string): Promise<Maybe<{ configured: boolean }>> {
  try {
    const res = await client.octokit.request({
      method: 'POST',
      url: client.graphqlUrl,
      query: `query($org: String!) { organization(login: $org) { samlIdentityProvider { id } } }`,
      variables: { org },
    });
    const body = res.data as {
      data?: { organization: { samlIdentityProvider: { id: string } | null } | null };
      errors?: { message: string }[];
    };
    if (body.errors?.length || !body.data?.organization)
      return unavailable(
        `GraphQL organization.samlIdentityProvider: ${body.errors?.[0]?.message ?? 'not visible'}; needs ${needs('graphql samlIdentityProvider')}`,
      );
    return { configured: body.data.organization.samlIdentityProvider !== null };
  } catch (err) {
    return unavailable(`GraphQL organization.samlIdentityProvider failed: ${(err as Error).message}`);
  }
}

const OWNER_ONLY = (field: string) =>
  unavailable(`GET /orgs/{org} does not show ${field} to this token: needs ${needs('GET /orgs/{org}')}`);

function orgSettings(
  raw: Maybe<z.infer<typeof S.orgSchema>>,
  saml: Maybe<{ configured: boolean }>,
): Maybe<GithubOrgSettings> {
  if (isUnavailable(raw)) return raw;
  const field = <T>(v: T | null | undefined, name: string): Maybe<T> =>
    v === null || v === undefined ? OWNER_ONLY(name) : v;
  return {
    login: raw.login,
    plan: field(raw.plan?.name, 'the plan'),
    verified: raw.is_verified ?? null,
    twoFactorRequired: field(raw.two_factor_requirement_enabled, 'the two-factor requirement'),
    defaultRepositoryPermission: field(raw.default_repository_permission, 'the base permission'),
    membersCanCreatePublicRepositories: field(
      raw.members_can_create_public_repositories,
      'repository creation settings',
    ),
    membersCanCreateRepositories: field(raw.members_can_create_repositories, 'repository creation settings'),
    membersCanDeleteRepositories: field(raw.members_can_delete_repositories, 'repository deletion settings'),
    membersCanChangeRepoVisibility: field(
      raw.members_can_change_repo_visibility,
      'visibility change settings',
    ),
    samlSso: saml,
  };
}

function mergeMembers(all: Maybe<{ login: string }[]>, owners: Maybe<{ login: string }[]>) {
  if (isUnavailable(all)) return all;
  if (isUnavailable(owners)) return owners;
  const ownerSet = new Set(owners.map((o) => o.login));
  return all.map((m) => ({
    login: m.login,
    role: ownerSet.has(m.login) ? ('admin' as const) : ('member' as const),
  }));
}

function webhook(
  h: z.infer<typeof S.hooksSchema>[number],
  scope: 'organization' | 'repository',
  repository?: string,
): GithubWebhook {
  let host = '(invalid url)';
  let https = false;
  try {
    const u = new URL(h.config.url ?? '');
    host = u.host;
    https = u.protocol === 'https:';
  } catch {
    // An unparsable URL stays "(invalid url)" and is not https.
  }
  return {
    id: h.id,
    scope,
    ...(repository ? { repository } : {}),
    host,
    https,
    active: h.active,
    events: h.events,
    hasSecret: typeof h.config.secret === 'string' && h.config.secret.length > 0,
    insecureSsl: String(h.config.insecure_ssl ?? '0') !== '0',
  };
}

type Page = (route: string, params: Record<string, unknown>, key?: string) => () => Promise<unknown>;
type Get = (route: string, params: Record<string, unknown>) => () => Promise<unknown>;

async function readAuditLog(
  read: Reader,
  page: Page,
  org: string,
  opts: GithubSourceOptions,
): Promise<GithubAuditLog> {
  const days = opts.auditDays ?? 180;
  const since = new Date(opts.until.getTime() - days * 86_400_000).toISOString().slice(0, 10);
  const events = await read(
    'GET /orgs/{org}/audit-log',
    S.auditLogSchema,
    page('GET /orgs/{org}/audit-log', { org, phrase: `created:>=${since}`, include: 'all' }),
  );
  const streams = unavailable(
    'audit-log streams are configured at the enterprise level and need an enterprise owner token (admin:enterprise); greenlight does not read them',
  );
  if (isUnavailable(events)) return { api: events, streams, lastActivity: events };
  const byActor: Record<string, string> = {};
  let latest: string | null = null;
  for (const e of events) {
    const t = e['@timestamp'] ?? e.created_at;
    if (!e.actor || typeof t !== 'number') continue;
    const at = new Date(t).toISOString();
    if (!byActor[e.actor] || byActor[e.actor]! < at) byActor[e.actor] = at;
    if (!latest || latest < at) latest = at;
  }
  return {
    api: { latestEventAt: latest },
    streams,
    lastActivity: { since: `${since}T00:00:00.000Z`, complete: true, byActor },
  };
}

// ---------------------------------------------------------------- alerts

type AlertMap = { [T in AlertTool]: Maybe<Map<string, GithubAlert[]>> };

async function readAlerts(read: Reader, page: Page, org: string, onlyRepo: string | null): Promise<AlertMap> {
  const scope = onlyRepo ? '/repos/{owner}/{repo}' : '/orgs/{org}';
  const params = onlyRepo ? { owner: org, repo: onlyRepo } : { org };
  const [dep, cs, ss] = await Promise.all([
    read(
      `GET ${scope}/dependabot/alerts`,
      S.dependabotAlertsSchema,
      page(`GET ${scope}/dependabot/alerts`, params),
    ),
    read(
      `GET ${scope}/code-scanning/alerts`,
      S.codeScanningAlertsSchema,
      page(`GET ${scope}/code-scanning/alerts`, params),
    ),
    read(
      `GET ${scope}/secret-scanning/alerts`,
      S.secretScanningAlertsSchema,
      page(`GET ${scope}/secret-scanning/alerts`, params),
    ),
  ]);
  const repoOf = (a: { repository?: { full_name: string } | undefined }) =>
    a.repository?.full_name ?? `${org}/${onlyRepo}`;
  const group = (list: GithubAlert[], repos: string[]) => {
    const m = new Map<string, GithubAlert[]>();
    list.forEach((a, i) => m.set(repos[i]!, [...(m.get(repos[i]!) ?? []), a]));
    return m;
  };
  return {
    dependabot: mapMaybe(dep, (xs) =>
      group(
        xs.map((a) => ({
          tool: 'dependabot' as const,
          number: a.number,
          state: a.state === 'open' ? 'open' : a.state === 'fixed' ? 'fixed' : 'dismissed',
          severity: sev(a.security_advisory.severity),
          title: a.security_advisory.summary,
          createdAt: a.created_at,
          fixedAt: a.fixed_at ?? null,
          dismissedAt: a.dismissed_at ?? a.auto_dismissed_at ?? null,
          url: a.html_url,
        })),
        xs.map(repoOf),
      ),
    ),
    'code-scanning': mapMaybe(cs, (xs) =>
      group(
        xs.map((a) => ({
          tool: 'code-scanning' as const,
          number: a.number,
          state: a.state === 'fixed' ? 'fixed' : a.state === 'dismissed' ? 'dismissed' : 'open',
          severity: sev(
            a.rule.security_severity_level ??
              (a.rule.severity === 'error' ? 'high' : a.rule.severity === 'warning' ? 'medium' : 'low'),
          ),
          title: a.rule.description ?? a.rule.name ?? 'code scanning alert',
          createdAt: a.created_at,
          fixedAt: a.fixed_at ?? null,
          dismissedAt: a.dismissed_at ?? null,
          url: a.html_url,
        })),
        xs.map(repoOf),
      ),
    ),
    'secret-scanning': mapMaybe(ss, (xs) =>
      group(
        xs.map((a) => {
          const revoked = a.resolution === 'revoked';
          return {
            tool: 'secret-scanning' as const,
            number: a.number,
            state: a.state === 'open' ? 'open' : revoked ? 'fixed' : 'dismissed',
            // An exposed credential is always treated as critical.
            severity: 'critical' as const,
            title: a.secret_type_display_name ?? 'exposed secret',
            createdAt: a.created_at,
            fixedAt: a.state !== 'open' && revoked ? (a.resolved_at ?? null) : null,
            dismissedAt: a.state !== 'open' && !revoked ? (a.resolved_at ?? null) : null,
            url: a.html_url,
          };
        }),
        xs.map(repoOf),
      ),
    ),
  };
}

function sev(s: string | null | undefined): GithubAlert['severity'] {
  return s === 'critical' || s === 'high' || s === 'medium' || s === 'low' ? s : null;
}

// ---------------------------------------------------------------- per repository

interface RepoRest {
  branchNames: string[];
  workflowPermissions: GithubRepository['workflowPermissions'];
  secrets: Maybe<GithubSecret[]>;
  webhooks: Maybe<GithubWebhook[]>;
}

interface RepoContext {
  releaseBranches: string[];
  orgWorkflow: Maybe<WorkflowTokenPermissions>;
  orgRuleset: (id: number) => Promise<Maybe<S.RulesetDetail>>;
  teamName: (id: number) => string | undefined;
}

async function readRepoRest(
  read: Reader,
  page: Page,
  get: Get,
  owner: string,
  r: S.RestRepo,
  ctx: RepoContext,
): Promise<RepoRest> {
  const p = { owner, repo: r.name };
  const branchNames = [r.default_branch];
  if (ctx.releaseBranches.length) {
    const list = await read(
      'GET /repos/{owner}/{repo}/branches',
      S.branchListSchema,
      page('GET /repos/{owner}/{repo}/branches', p),
    );
    if (!isUnavailable(list))
      for (const b of list)
        if (b.name !== r.default_branch && picomatch.isMatch(b.name, ctx.releaseBranches))
          branchNames.push(b.name);
  }
  // An organisation that keeps the workflow token read-only and unable to approve binds every repository.
  const inherit =
    !isUnavailable(ctx.orgWorkflow) &&
    ctx.orgWorkflow.defaultWorkflowPermissions === 'read' &&
    !ctx.orgWorkflow.canApprovePullRequestReviews;
  const [wp, secrets, hooks] = await Promise.all([
    inherit
      ? Promise.resolve(null)
      : read(
          'GET /repos/{owner}/{repo}/actions/permissions/workflow',
          S.workflowPermissionsSchema,
          get('GET /repos/{owner}/{repo}/actions/permissions/workflow', p),
        ),
    read(
      'GET /repos/{owner}/{repo}/actions/secrets',
      S.secretsSchema,
      page('GET /repos/{owner}/{repo}/actions/secrets', p, 'secrets'),
    ),
    read('GET /repos/{owner}/{repo}/hooks', S.hooksSchema, page('GET /repos/{owner}/{repo}/hooks', p)),
  ]);
  return {
    branchNames,
    workflowPermissions:
      wp === null
        ? { ...(ctx.orgWorkflow as WorkflowTokenPermissions), inheritedFromOrganization: true }
        : mapMaybe(wp, (w) => ({
            defaultWorkflowPermissions: w.default_workflow_permissions,
            canApprovePullRequestReviews: w.can_approve_pull_request_reviews,
            inheritedFromOrganization: false,
          })),
    secrets: mapMaybe(secrets, (s) =>
      s.secrets.map((x) => ({
        name: x.name,
        scope: 'repository' as const,
        repository: r.full_name,
        createdAt: x.created_at,
        updatedAt: x.updated_at,
      })),
    ),
    webhooks: mapMaybe(hooks, (hs) => hs.map((h) => webhook(h, 'repository', r.full_name))),
  };
}

async function protectionOf(
  read: Reader,
  get: Get,
  owner: string,
  repo: string,
  branch: string,
  ctx: RepoContext,
  /** GraphQL already said whether classic protection exists (admin tokens); null: ask REST. */
  classicExists: boolean | null,
) {
  const p = { owner, repo, branch };
  const classicP = classicExists === false ? Promise.resolve(null) : readClassic(get, p);
  const rules = await read(
    'GET /repos/{owner}/{repo}/rules/branches/{branch}',
    S.branchRulesSchema,
    async () => {
      const out: unknown[] = [];
      let pageNo = 1;
      for (;;) {
        const data = (await get('GET /repos/{owner}/{repo}/rules/branches/{branch}', {
          ...p,
          per_page: 100,
          page: pageNo,
        })()) as unknown[];
        out.push(...data);
        if (data.length < 100) return out;
        pageNo++;
      }
    },
  );
  let rulesets: Maybe<RulesetInput[]>;
  if (isUnavailable(rules)) rulesets = rules;
  else {
    const ids = [
      ...new Set(rules.map((x) => x.ruleset_id).filter((x): x is number => typeof x === 'number')),
    ];
    rulesets = await Promise.all(
      ids.map(async (id): Promise<RulesetInput> => {
        const mine = rules.filter((x) => x.ruleset_id === id);
        const origin = mine[0]?.ruleset_source_type === 'Organization' ? 'organization' : 'repository';
        let detail: Maybe<S.RulesetDetail> =
          origin === 'organization' ? await ctx.orgRuleset(id) : unavailable('not read');
        if (isUnavailable(detail))
          detail = await read(
            'GET /repos/{owner}/{repo}/rulesets/{ruleset_id}',
            S.rulesetDetailSchema,
            get('GET /repos/{owner}/{repo}/rulesets/{ruleset_id}', { owner, repo, ruleset_id: id }),
          );
        const bypass: Maybe<BypassActor[]> = isUnavailable(detail)
          ? detail
          : detail.bypass_actors === undefined || detail.bypass_actors === null
            ? unavailable(
                `ruleset "${detail.name}" hides its bypass actors from this token: needs ${needs('GET /repos/{owner}/{repo}/rulesets/{ruleset_id}')}`,
              )
            : bypassActorsOf(detail, ctx.teamName);
        return {
          id,
          name: isUnavailable(detail) ? `ruleset ${id}` : detail.name,
          origin,
          rules: mine,
          bypass,
        };
      }),
    );
  }
  const classic = await classicP;
  return mergeProtection(branch, classic, rulesets);
}

/** Classic protection: the settings, null when the branch has none, or why it could not be read. */
async function readClassic(get: Get, p: Record<string, string>): Promise<Maybe<S.ClassicProtection | null>> {
  const endpoint = 'GET /repos/{owner}/{repo}/branches/{branch}/protection';
  try {
    const data = await get(endpoint, p)();
    const parsed = S.classicProtectionSchema.safeParse(data);
    if (!parsed.success)
      return unavailable(
        `${endpoint} returned an unexpected response (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`,
      );
    return parsed.data;
  } catch (err) {
    const status = (err as { status?: number }).status;
    const message = (err as Error).message ?? '';
    if (status === 404 && /branch not protected/i.test(message)) return null;
    return unavailable(describe(endpoint, err, () => {}));
  }
}

async function assembleRepo(
  read: Reader,
  page: Page,
  get: Get,
  owner: string,
  r: S.RestRepo,
  rest: RepoRest,
  g: RepoGraph,
  alerts: AlertMap,
  ctx: RepoContext,
): Promise<GithubRepository> {
  const p = { owner, repo: r.name };
  const branches = await Promise.all(
    rest.branchNames.map(async (b) => ({
      branch: b,
      protection: await protectionOf(
        read,
        get,
        owner,
        r.name,
        b,
        ctx,
        b === r.default_branch ? g.defaultBranchClassic : null,
      ),
    })),
  );
  const envs: Maybe<GithubEnvironment[]> = isUnavailable(g.environmentCount)
    ? await readEnvironments(read, page, p)
    : g.environmentCount > 0
      ? await readEnvironments(read, page, p)
      : [];

  const def = branches[0]?.protection;
  const wantsCodeowners = def !== undefined && !isUnavailable(def) && def.effective.requireCodeOwnerReview;
  const codeownersErrors = wantsCodeowners ? await readCodeownersErrors(read, get, p) : null;
  const securityAndAnalysis = securityAndAnalysisOf(r);
  const codeScanning = await readCodeScanning(read, get, p, r, g, alerts);
  return {
    fullName: r.full_name,
    name: r.name,
    visibility: r.visibility ?? (r.private ? 'private' : 'public'),
    archived: r.archived,
    fork: r.fork,
    defaultBranch: r.default_branch,
    pushedAt: r.pushed_at ?? null,
    branches,
    workflowPermissions: rest.workflowPermissions,
    collaborators: g.collaborators,
    environments: envs,
    deployKeys: g.deployKeys,
    secrets: rest.secrets,
    webhooks: rest.webhooks,
    securityAndAnalysis,
    dependabotAlertsEnabled: g.dependabotAlertsEnabled,
    codeScanning,
    alerts: repositoryAlerts(r, alerts, g, securityAndAnalysis, codeScanning),
    codeownersErrors,
    pullRequests: g.pullRequests,
    deployments: g.deployments,
  };
}

/** CODEOWNERS errors, read when the default branch requires code-owner review. */
async function readCodeownersErrors(
  read: Reader,
  get: Get,
  p: { owner: string; repo: string },
): Promise<GithubRepository['codeownersErrors']> {
  return mapMaybe(
    await read(
      'GET /repos/{owner}/{repo}/codeowners/errors',
      S.codeownersErrorsSchema,
      get('GET /repos/{owner}/{repo}/codeowners/errors', p),
    ),
    (x) => x.errors.map((e) => ({ path: e.path, line: e.line, kind: e.kind, message: e.message })),
  );
}

function securityAndAnalysisOf(r: S.RestRepo): GithubRepository['securityAndAnalysis'] {
  const sa = r.security_and_analysis;
  return sa
    ? {
        advancedSecurity: onOff(sa.advanced_security?.status),
        secretScanning: onOff(sa.secret_scanning?.status),
        pushProtection: onOff(sa.secret_scanning_push_protection?.status),
        dependabotSecurityUpdates: onOff(sa.dependabot_security_updates?.status),
      }
    : unavailable(
        `GET /orgs/{org}/repos does not show security_and_analysis to this token: needs admin on ${r.full_name}`,
      );
}

/** Code scanning: alerts or a code-scanning check show it runs; otherwise ask the default setup. */
async function readCodeScanning(
  read: Reader,
  get: Get,
  p: { owner: string; repo: string },
  r: S.RestRepo,
  g: RepoGraph,
  alerts: AlertMap,
): Promise<GithubRepository['codeScanning']> {
  const csAlerts = alerts['code-scanning'];
  const hasCsAlerts = !isUnavailable(csAlerts) && (csAlerts.get(r.full_name)?.length ?? 0) > 0;
  const csCheck =
    !isUnavailable(g.pullRequests) &&
    g.pullRequests.some((pr) => pr.checks.some((c) => /codeql|code scanning/i.test(c.name)));
  if (hasCsAlerts) return { enabled: true, evidence: 'code scanning alerts exist' };
  if (csCheck) return { enabled: true, evidence: 'a code scanning check ran on merged pull requests' };
  const setup = await read(
    'GET /repos/{owner}/{repo}/code-scanning/default-setup',
    S.defaultSetupSchema,
    get('GET /repos/{owner}/{repo}/code-scanning/default-setup', p),
  );
  return mapMaybe(setup, (s) => ({
    enabled: s.state === 'configured',
    evidence:
      s.state === 'configured'
        ? 'code scanning default setup is configured'
        : 'no code scanning alerts, checks or default setup',
  }));
}

/** The repository's alerts of each tool, unavailable when the tool is not enabled (or not visible). */
function repositoryAlerts(
  r: S.RestRepo,
  alerts: AlertMap,
  g: RepoGraph,
  securityAndAnalysis: GithubRepository['securityAndAnalysis'],
  codeScanning: GithubRepository['codeScanning'],
): GithubRepository['alerts'] {
  const alertsFor = (tool: AlertTool, enabled: Maybe<boolean>, label: string): Maybe<GithubAlert[]> => {
    const all = alerts[tool];
    if (isUnavailable(all)) return all;
    if (isUnavailable(enabled)) return enabled;
    if (!enabled) return unavailable(`${label} is not enabled on ${r.full_name}`);
    return all.get(r.full_name) ?? [];
  };
  const secretScanningOn: Maybe<boolean> = isUnavailable(securityAndAnalysis)
    ? securityAndAnalysis
    : securityAndAnalysis.secretScanning === true;
  return {
    dependabot: alertsFor('dependabot', g.dependabotAlertsEnabled, 'Dependabot alerts'),
    'code-scanning': alertsFor(
      'code-scanning',
      mapMaybe(codeScanning, (c) => c.enabled),
      'code scanning',
    ),
    'secret-scanning': alertsFor('secret-scanning', secretScanningOn, 'secret scanning'),
  };
}

function onOff(s: string | undefined): boolean | null {
  return s === 'enabled' ? true : s === 'disabled' ? false : null;
}

async function readEnvironments(
  read: Reader,
  page: Page,
  p: Record<string, string>,
): Promise<Maybe<GithubEnvironment[]>> {
  const res = await read(
    'GET /repos/{owner}/{repo}/environments',
    S.environmentsSchema,
    page('GET /repos/{owner}/{repo}/environments', p, 'environments'),
  );
  return mapMaybe(res, (x) =>
    (x.environments ?? []).map((e) => {
      const rules = e.protection_rules ?? [];
      const reviewersRule = rules.find((r) => r.type === 'required_reviewers');
      return {
        name: e.name,
        requiredReviewers: (reviewersRule?.reviewers ?? []).map((rv) => ({
          type: rv.type === 'Team' ? ('Team' as const) : ('User' as const),
          name: rv.reviewer?.slug ?? rv.reviewer?.login ?? '?',
        })),
        preventSelfReview: reviewersRule?.prevent_self_review ?? false,
        waitTimerMinutes: rules.find((r) => r.type === 'wait_timer')?.wait_timer ?? 0,
        branchPolicy: e.deployment_branch_policy
          ? {
              protectedBranches: e.deployment_branch_policy.protected_branches,
              customPolicies: e.deployment_branch_policy.custom_branch_policies,
            }
          : null,
        canAdminsBypass:
          e.can_admins_bypass === undefined || e.can_admins_bypass === null
            ? unavailable(
                `GET /repos/{owner}/{repo}/environments did not report can_admins_bypass for ${e.name}`,
              )
            : e.can_admins_bypass,
      };
    }),
  );
}

function archivedRepo(r: S.RestRepo): GithubRepository {
  const skip = unavailable(`${r.full_name} is archived: its settings were not read`);
  return {
    fullName: r.full_name,
    name: r.name,
    visibility: r.visibility ?? (r.private ? 'private' : 'public'),
    archived: true,
    fork: r.fork,
    defaultBranch: r.default_branch,
    pushedAt: r.pushed_at ?? null,
    branches: [],
    workflowPermissions: skip,
    collaborators: skip,
    environments: skip,
    deployKeys: skip,
    secrets: skip,
    webhooks: skip,
    securityAndAnalysis: skip,
    dependabotAlertsEnabled: skip,
    codeScanning: skip,
    alerts: { dependabot: skip, 'code-scanning': skip, 'secret-scanning': skip },
    codeownersErrors: null,
    pullRequests: skip,
    deployments: skip,
  };
}

/** Runs `work` over `items` with at most `n` in flight, keeping order. */
export async function pool<T, U>(
  items: T[],
  n: number,
  work: (item: T, index: number) => Promise<U>,
): Promise<U[]> {
  const out: U[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

export type { Unavailable };
