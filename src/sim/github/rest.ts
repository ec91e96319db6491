import { rulesetsFor, type World, type WorldAlert, type WorldRepo, type WorldRuleset } from './world.js';

/**
 * REST endpoints of the simulator: the ones the GitHub source reads, shaped as GitHub's OpenAPI
 * description says (the tests validate every response against it).
 */

export interface RestRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  world: World;
  /** Base URL of the REST API as clients see it (for `url` fields and Link headers). */
  base: string;
  admin: boolean;
}

export interface RestResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const DOCS = 'https://docs.github.com/rest';
export const notFound = () => new HttpError(404, 'Not Found');

type Handler = (req: RestRequest) => RestResponse;
interface Route {
  method: string;
  template: string;
  regex: RegExp;
  keys: string[];
  handler: Handler;
}

const routes: Route[] = [];
function route(method: string, template: string, handler: Handler): void {
  const keys: string[] = [];
  const pattern = template
    .split('/')
    .map((p) => {
      if (!p.startsWith('{')) return p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      keys.push(p.slice(1, -1));
      return '([^/]+)';
    })
    .join('/');
  routes.push({ method, template, regex: new RegExp(`^${pattern}$`), keys, handler });
}

export function matchRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | null {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.regex.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1]!)));
    return { route: r, params };
  }
  return null;
}

export function errorBody(status: number, message: string): unknown {
  return { message, documentation_url: DOCS, status: String(status) };
}

// ------------------------------------------------------------------ helpers

function org(req: RestRequest) {
  if (req.params.org !== req.world.org.login) throw notFound();
  return req.world.org;
}

function repo(req: RestRequest): WorldRepo {
  const r = req.world.repos.find(
    (x) => req.params.owner === req.world.org.login && x.name === req.params.repo,
  );
  if (!r) throw notFound();
  return r;
}

function admin(req: RestRequest): void {
  if (!req.admin) throw notFound();
}

/** Page-number pagination with GitHub's Link header. */
function paginate<T>(req: RestRequest, items: T[]): { body: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(req.query.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const body = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number, rel: string) => {
    const q = new URLSearchParams(req.query);
    q.set('page', String(p));
    q.set('per_page', String(perPage));
    return `<${req.base}${req.path}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
  return { body, headers: links.length ? { link: links.join(', ') } : {} };
}

function ok(body: unknown, headers?: Record<string, string>): RestResponse {
  return headers ? { status: 200, body, headers } : { status: 200, body };
}

export function userId(world: World, login: string): number {
  return world.users.get(login) ?? 9000 + (login.length % 100);
}

export function simpleUser(req: RestRequest, login: string): Record<string, unknown> {
  const id = userId(req.world, login);
  const url = `${req.base}/users/${login}`;
  const bot = login.endsWith('[bot]');
  return {
    login,
    id,
    node_id: Buffer.from(`04:User${id}`).toString('base64'),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `https://github.com/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: bot ? 'Bot' : 'User',
    site_admin: false,
    user_view_type: 'public',
  };
}

function orgAsOwner(req: RestRequest): Record<string, unknown> {
  const o = req.world.org;
  const u = simpleUser(req, o.login);
  return { ...u, type: 'Organization', id: o.id, html_url: `https://github.com/${o.login}` };
}

function repoUrls(req: RestRequest, r: WorldRepo): Record<string, unknown> {
  const url = `${req.base}/repos/${r.fullName}`;
  return {
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    hooks_url: `${url}/hooks`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
    url,
  };
}

function status(on: boolean) {
  return { status: on ? 'enabled' : 'disabled' };
}

function repository(req: RestRequest, r: WorldRepo, full: boolean): Record<string, unknown> {
  const s = r.s;
  const base: Record<string, unknown> = {
    id: r.id,
    node_id: Buffer.from(`010:Repository${r.id}`).toString('base64'),
    name: r.name,
    full_name: r.fullName,
    owner: orgAsOwner(req),
    private: s.visibility !== 'public',
    html_url: `https://github.com/${r.fullName}`,
    description: null,
    fork: s.fork,
    ...repoUrls(req, r),
    git_url: `git://github.com/${r.fullName}.git`,
    ssh_url: `git@github.com:${r.fullName}.git`,
    clone_url: `https://github.com/${r.fullName}.git`,
    svn_url: `https://github.com/${r.fullName}`,
    mirror_url: null,
    homepage: null,
    language: 'TypeScript',
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 1024,
    default_branch: s.default_branch,
    open_issues_count: 0,
    open_issues: 0,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: s.archived,
    disabled: false,
    visibility: s.visibility,
    pushed_at: r.pushedAt,
    created_at: r.createdAt,
    updated_at: r.pushedAt,
    permissions: {
      admin: req.admin,
      maintain: req.admin,
      push: true,
      triage: true,
      pull: true,
    },
    allow_forking: false,
    web_commit_signoff_required: false,
    license: null,
  };
  if (req.admin) {
    base.security_and_analysis = {
      advanced_security: status(s.security_and_analysis.advanced_security),
      dependabot_security_updates: status(s.security_and_analysis.dependabot_security_updates),
      secret_scanning: status(s.security_and_analysis.secret_scanning),
      secret_scanning_push_protection: status(s.security_and_analysis.push_protection),
    };
  }
  if (full) {
    base.network_count = 0;
    base.subscribers_count = 1;
  }
  return base;
}

function teamOf(req: RestRequest, slug: string): Record<string, unknown> {
  const t = req.world.teams.get(slug);
  const id = t?.id ?? 1;
  const url = `${req.base}/orgs/${req.world.org.login}/teams/${slug}`;
  return {
    id,
    node_id: Buffer.from(`04:Team${id}`).toString('base64'),
    url,
    html_url: `https://github.com/orgs/${req.world.org.login}/teams/${slug}`,
    name: slug,
    slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    parent: null,
    type: 'organization',
  };
}

// ------------------------------------------------------------------ organisation

route('GET', '/orgs/{org}', (req) => {
  const o = org(req);
  const w = req.world;
  const url = `${req.base}/orgs/${o.login}`;
  const body: Record<string, unknown> = {
    login: o.login,
    id: o.id,
    node_id: Buffer.from(`012:Organization${o.id}`).toString('base64'),
    url,
    repos_url: `${url}/repos`,
    events_url: `${url}/events`,
    hooks_url: `${url}/hooks`,
    issues_url: `${url}/issues`,
    members_url: `${url}/members{/member}`,
    public_members_url: `${url}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${o.id}?v=4`,
    description: null,
    name: o.name ?? o.login,
    is_verified: o.verified,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: w.repos.filter((r) => r.s.visibility === 'public').length,
    public_gists: 0,
    followers: 0,
    following: 0,
    html_url: `https://github.com/${o.login}`,
    type: 'Organization',
    created_at: o.createdAt,
    updated_at: o.createdAt,
    archived_at: null,
  };
  if (req.admin) {
    // Owner-only fields: absent for members, as on GitHub.
    Object.assign(body, {
      total_private_repos: w.repos.filter((r) => r.s.visibility !== 'public').length,
      owned_private_repos: w.repos.filter((r) => r.s.visibility !== 'public').length,
      private_gists: 0,
      disk_usage: 10000,
      collaborators: w.s.outside_collaborators.length,
      billing_email: `billing@${o.login}.example`,
      plan: {
        name: o.plan,
        space: 976562499,
        private_repos: 999999,
        filled_seats: w.s.members.length,
        seats: 50,
      },
      default_repository_permission: o.default_repository_permission,
      members_can_create_repositories: o.members_can_create_repositories,
      two_factor_requirement_enabled: o.two_factor_requirement_enabled,
      members_allowed_repository_creation_type: o.members_can_create_repositories
        ? o.members_can_create_public_repositories
          ? 'all'
          : 'private'
        : 'none',
      members_can_create_public_repositories: o.members_can_create_public_repositories,
      members_can_create_private_repositories: o.members_can_create_repositories,
      members_can_create_internal_repositories: false,
      members_can_delete_repositories: o.members_can_delete_repositories,
      members_can_change_repo_visibility: o.members_can_change_repo_visibility,
      members_can_fork_private_repositories: false,
      web_commit_signoff_required: false,
    });
  }
  return ok(body);
});

route('GET', '/orgs/{org}/members', (req) => {
  org(req);
  const filter = req.query.get('filter') ?? 'all';
  const role = req.query.get('role') ?? 'all';
  if (filter === '2fa_disabled' && !req.admin) throw new HttpError(422, 'Only owners can use this filter.');
  const members = req.world.s.members.filter(
    (m) => (role === 'all' || m.role === role) && (filter !== '2fa_disabled' || !m.two_factor),
  );
  const page = paginate(
    req,
    members.map((m) => simpleUser(req, m.login)),
  );
  return ok(page.body, page.headers);
});

route('GET', '/orgs/{org}/outside_collaborators', (req) => {
  org(req);
  admin(req);
  const filter = req.query.get('filter') ?? 'all';
  const list = req.world.s.outside_collaborators.filter((m) => filter !== '2fa_disabled' || !m.two_factor);
  const page = paginate(
    req,
    list.map((m) => simpleUser(req, m.login)),
  );
  return ok(page.body, page.headers);
});

route('GET', '/orgs/{org}/actions/permissions', (req) => {
  const o = org(req);
  admin(req);
  const body: Record<string, unknown> = { enabled_repositories: o.actions.enabled_repositories };
  if (o.actions.enabled_repositories !== 'none') {
    body.allowed_actions = o.actions.allowed_actions;
    if (o.actions.allowed_actions === 'selected')
      body.selected_actions_url = `${req.base}/orgs/${o.login}/actions/permissions/selected-actions`;
  }
  if (o.actions.enabled_repositories === 'selected')
    body.selected_repositories_url = `${req.base}/orgs/${o.login}/actions/permissions/repositories`;
  return ok(body);
});

route('GET', '/orgs/{org}/actions/permissions/selected-actions', (req) => {
  const o = org(req);
  admin(req);
  if (o.actions.allowed_actions !== 'selected') throw notFound();
  return ok({
    github_owned_allowed: o.actions.github_owned_allowed,
    verified_allowed: o.actions.verified_allowed,
    patterns_allowed: o.actions.patterns_allowed,
  });
});

route('GET', '/orgs/{org}/actions/permissions/workflow', (req) => {
  const o = org(req);
  admin(req);
  return ok({
    default_workflow_permissions: o.actions.default_workflow_permissions,
    can_approve_pull_request_reviews: o.actions.can_approve_pull_request_reviews,
  });
});

route('GET', '/orgs/{org}/actions/secrets', (req) => {
  const o = org(req);
  admin(req);
  const page = paginate(
    req,
    req.world.orgSecrets.map((x) => ({
      name: x.name,
      created_at: x.createdAt,
      updated_at: x.updatedAt,
      visibility: x.visibility,
      ...(x.visibility === 'selected'
        ? { selected_repositories_url: `${req.base}/orgs/${o.login}/actions/secrets/${x.name}/repositories` }
        : {}),
    })),
  );
  return ok({ total_count: req.world.orgSecrets.length, secrets: page.body }, page.headers);
});

route('GET', '/orgs/{org}/actions/runner-groups', (req) => {
  const o = org(req);
  admin(req);
  const groups = req.world.runnerGroups.map((g) => ({
    id: g.id,
    name: g.s.name,
    visibility: g.s.visibility,
    default: g.s.name === 'Default',
    runners_url: `${req.base}/orgs/${o.login}/actions/runner-groups/${g.id}/runners`,
    ...(g.s.visibility === 'selected'
      ? {
          selected_repositories_url: `${req.base}/orgs/${o.login}/actions/runner-groups/${g.id}/repositories`,
        }
      : {}),
    inherited: false,
    allows_public_repositories: g.s.allows_public_repositories,
    restricted_to_workflows: g.s.restricted_to_workflows,
    selected_workflows: [],
    workflow_restrictions_read_only: false,
  }));
  const page = paginate(req, groups);
  return ok({ total_count: groups.length, runner_groups: page.body }, page.headers);
});

route('GET', '/orgs/{org}/actions/runners', (req) => {
  org(req);
  admin(req);
  let n = 1;
  const runners = req.world.runnerGroups.flatMap((g) =>
    Array.from({ length: g.s.runners }, (_, i) => ({
      id: n++,
      runner_group_id: g.id,
      name: `${g.s.name.toLowerCase().replace(/\W+/g, '-')}-${i + 1}`,
      os: 'linux',
      status: 'online',
      busy: false,
      ephemeral: false,
      labels: [
        { id: 1, name: 'self-hosted', type: 'read-only' },
        { id: 2, name: 'linux', type: 'read-only' },
      ],
    })),
  );
  const page = paginate(req, runners);
  return ok({ total_count: runners.length, runners: page.body }, page.headers);
});

function hookBody(
  req: RestRequest,
  h: {
    id: number;
    s: { url: string; secret: boolean; insecure_ssl: boolean; active: boolean; events: string[] };
    createdAt: string;
  },
  scope: string,
  repoHook: boolean,
): Record<string, unknown> {
  const url = `${req.base}${scope}/hooks/${h.id}`;
  const body: Record<string, unknown> = {
    id: h.id,
    url,
    ping_url: `${url}/pings`,
    deliveries_url: `${url}/deliveries`,
    name: 'web',
    events: h.s.events,
    active: h.s.active,
    config: {
      url: h.s.url,
      content_type: 'json',
      insecure_ssl: h.s.insecure_ssl ? '1' : '0',
      ...(h.s.secret ? { secret: '********' } : {}),
    },
    updated_at: h.createdAt,
    created_at: h.createdAt,
    type: repoHook ? 'Repository' : 'Organization',
  };
  if (repoHook) {
    body.test_url = `${url}/test`;
    body.last_response = { code: 200, status: 'active', message: 'OK' };
  }
  return body;
}

route('GET', '/orgs/{org}/hooks', (req) => {
  const o = org(req);
  admin(req);
  const page = paginate(
    req,
    req.world.orgHooks.map((h) => hookBody(req, h, `/orgs/${o.login}`, false)),
  );
  return ok(page.body, page.headers);
});

function bypassActors(req: RestRequest, r: WorldRuleset): unknown[] {
  return r.s.bypass.map((b) => ({
    actor_id:
      b.type === 'OrganizationAdmin'
        ? 1
        : b.type === 'Team'
          ? (req.world.teams.get(b.name)?.id ?? null)
          : b.type === 'RepositoryRole'
            ? (({ admin: 5, maintain: 2, write: 4 } as Record<string, number>)[b.name] ?? 5)
            : b.type === 'User'
              ? userId(req.world, b.name)
              : 7,
    actor_type: b.type,
    bypass_mode: b.mode,
  }));
}

export function rulesOf(r: WorldRuleset): { type: string; parameters?: Record<string, unknown> }[] {
  const rules: { type: string; parameters?: Record<string, unknown> }[] = [];
  const x = r.s.rules;
  if (x.deletion) rules.push({ type: 'deletion' });
  if (x.non_fast_forward) rules.push({ type: 'non_fast_forward' });
  if (x.required_linear_history) rules.push({ type: 'required_linear_history' });
  if (x.required_signatures) rules.push({ type: 'required_signatures' });
  if (x.pull_request)
    rules.push({
      type: 'pull_request',
      parameters: {
        required_approving_review_count: x.pull_request.required_approving_review_count,
        dismiss_stale_reviews_on_push: x.pull_request.dismiss_stale_reviews_on_push,
        require_code_owner_review: x.pull_request.require_code_owner_review,
        require_last_push_approval: x.pull_request.require_last_push_approval,
        required_review_thread_resolution: x.pull_request.required_review_thread_resolution,
        allowed_merge_methods: ['merge', 'squash', 'rebase'],
      },
    });
  if (x.required_status_checks)
    rules.push({
      type: 'required_status_checks',
      parameters: {
        strict_required_status_checks_policy: x.required_status_checks.strict,
        do_not_enforce_on_create: false,
        required_status_checks: x.required_status_checks.contexts.map((context) => ({ context })),
      },
    });
  return rules;
}

function rulesetBody(req: RestRequest, r: WorldRuleset, detail: boolean): Record<string, unknown> {
  const self =
    r.source === 'Organization'
      ? `${req.base}/orgs/${r.sourceName}/rulesets/${r.id}`
      : `${req.base}/repos/${r.sourceName}/rulesets/${r.id}`;
  const body: Record<string, unknown> = {
    id: r.id,
    name: r.s.name,
    target: 'branch',
    source_type: r.source,
    source: r.sourceName,
    enforcement: r.s.enforcement,
    node_id: Buffer.from(`RRS_${r.id}`).toString('base64'),
    _links: { self: { href: self } },
    created_at: r.createdAt,
    updated_at: r.createdAt,
  };
  if (!detail) return body;
  if (req.admin) {
    body.bypass_actors = bypassActors(req, r);
    body.current_user_can_bypass = r.s.bypass.length ? 'always' : 'never';
  }
  const refName = { include: r.s.include, exclude: r.s.exclude };
  body.conditions =
    r.source === 'Organization'
      ? { ref_name: refName, repository_name: { include: r.s.repositories, exclude: [], protected: false } }
      : { ref_name: refName };
  body.rules = rulesOf(r);
  return body;
}

route('GET', '/orgs/{org}/rulesets', (req) => {
  org(req);
  admin(req);
  const page = paginate(
    req,
    req.world.orgRulesets.map((r) => rulesetBody(req, r, false)),
  );
  return ok(page.body, page.headers);
});

route('GET', '/orgs/{org}/rulesets/{ruleset_id}', (req) => {
  org(req);
  admin(req);
  const r = req.world.orgRulesets.find((x) => String(x.id) === req.params.ruleset_id);
  if (!r) throw notFound();
  return ok(rulesetBody(req, r, true));
});

route('GET', '/orgs/{org}/audit-log', (req) => {
  const o = org(req);
  if (!req.admin || o.plan !== 'enterprise') throw notFound();
  const phrase = req.query.get('phrase') ?? '';
  const since = /created:>=?(\S+)/.exec(phrase)?.[1];
  const events = req.world.auditLog
    .filter((e) => !since || e.createdAt >= since)
    .map((e, i) => ({
      '@timestamp': Date.parse(e.createdAt),
      _document_id: `doc-${i}`,
      action: e.action,
      actor: e.actor,
      created_at: Date.parse(e.createdAt),
      org: o.login,
    }));
  const page = paginate(req, events);
  return ok(page.body, page.headers);
});

route('GET', '/orgs/{org}/repos', (req) => {
  org(req);
  const page = paginate(
    req,
    req.world.repos.map((r) => repository(req, r, false)),
  );
  return ok(page.body, page.headers);
});

route('GET', '/orgs/{org}/installation', () => {
  throw notFound(); // answered by the server when authenticated as the app
});

// ------------------------------------------------------------------ alerts

function repoSummary(req: RestRequest, r: WorldRepo): Record<string, unknown> {
  const full = repository(req, r, false);
  const keep = new Set([
    'id',
    'node_id',
    'name',
    'full_name',
    'owner',
    'private',
    'html_url',
    'description',
    'fork',
    ...Object.keys(repoUrls(req, r)),
  ]);
  return Object.fromEntries(Object.entries(full).filter(([k]) => keep.has(k)));
}

const GHSA = (n: number) => `GHSA-${(1000 + n).toString(36)}-abcd-efgh`;

function dependabotAlert(
  req: RestRequest,
  r: WorldRepo,
  a: WorldAlert,
  withRepo: boolean,
): Record<string, unknown> {
  const pkg = { ecosystem: 'npm', name: a.package };
  const vuln = {
    package: pkg,
    severity: a.severity,
    vulnerable_version_range: '< 4.17.21',
    first_patched_version: { identifier: '4.17.21' },
  };
  const body: Record<string, unknown> = {
    number: a.number,
    state: a.state,
    dependency: {
      package: pkg,
      manifest_path: 'package-lock.json',
      scope: 'runtime',
      relationship: 'direct',
    },
    security_advisory: {
      ghsa_id: GHSA(a.number),
      cve_id: null,
      summary: a.title,
      description: a.title,
      vulnerabilities: [vuln],
      severity: a.severity,
      cvss: { score: 7.5, vector_string: null },
      cwes: [],
      identifiers: [{ type: 'GHSA', value: GHSA(a.number) }],
      references: [{ url: `https://github.com/advisories/${GHSA(a.number)}` }],
      published_at: a.createdAt,
      updated_at: a.createdAt,
      withdrawn_at: null,
    },
    security_vulnerability: vuln,
    url: `${req.base}/repos/${r.fullName}/dependabot/alerts/${a.number}`,
    html_url: `https://github.com/${r.fullName}/security/dependabot/${a.number}`,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    dismissed_at: a.state === 'dismissed' ? a.dismissedAt : null,
    dismissed_by: null,
    dismissed_reason: a.state === 'dismissed' ? 'tolerable_risk' : null,
    dismissed_comment: null,
    fixed_at: a.state === 'fixed' ? a.fixedAt : null,
    auto_dismissed_at: null,
  };
  if (withRepo) body.repository = repoSummary(req, r);
  return body;
}

function codeScanningAlert(
  req: RestRequest,
  r: WorldRepo,
  a: WorldAlert,
  withRepo: boolean,
): Record<string, unknown> {
  const url = `${req.base}/repos/${r.fullName}/code-scanning/alerts/${a.number}`;
  const body: Record<string, unknown> = {
    number: a.number,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    url,
    html_url: `https://github.com/${r.fullName}/security/code-scanning/${a.number}`,
    instances_url: `${url}/instances`,
    state: a.state,
    fixed_at: a.state === 'fixed' ? a.fixedAt : null,
    dismissed_by: null,
    dismissed_at: a.state === 'dismissed' ? a.dismissedAt : null,
    dismissed_reason: a.state === 'dismissed' ? "won't fix" : null,
    dismissed_comment: null,
    rule: {
      id: 'js/sql-injection',
      name: 'js/sql-injection',
      severity: 'error',
      security_severity_level: a.severity,
      description: a.title,
      tags: ['security'],
    },
    tool: { name: 'CodeQL', version: '2.19.0', guid: null },
    most_recent_instance: {
      ref: 'refs/heads/' + r.s.default_branch,
      analysis_key: '.github/workflows/codeql.yml:analyze',
      environment: '{}',
      category: '.github/workflows/codeql.yml:analyze',
      state: a.state === 'open' ? 'open' : a.state === 'fixed' ? 'fixed' : 'dismissed',
      commit_sha: '0'.repeat(40),
      message: { text: a.title },
      location: { path: 'src/index.ts', start_line: 10, end_line: 10, start_column: 1, end_column: 20 },
      classifications: [],
    },
  };
  if (withRepo) body.repository = repoSummary(req, r);
  return body;
}

function secretScanningAlert(
  req: RestRequest,
  r: WorldRepo,
  a: WorldAlert,
  withRepo: boolean,
): Record<string, unknown> {
  const url = `${req.base}/repos/${r.fullName}/secret-scanning/alerts/${a.number}`;
  const resolved = a.state !== 'open';
  const body: Record<string, unknown> = {
    number: a.number,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    url,
    html_url: `https://github.com/${r.fullName}/security/secret-scanning/${a.number}`,
    locations_url: `${url}/locations`,
    state: resolved ? 'resolved' : 'open',
    resolution: resolved ? (a.state === 'fixed' ? 'revoked' : 'false_positive') : null,
    resolved_at: resolved ? (a.fixedAt ?? a.dismissedAt) : null,
    resolved_by: null,
    secret_type: 'aws_access_key_id',
    secret_type_display_name: a.title,
    validity: 'unknown',
    push_protection_bypassed: false,
    push_protection_bypassed_by: null,
    push_protection_bypassed_at: null,
    publicly_leaked: false,
    multi_repo: false,
  };
  if (withRepo) body.repository = repoSummary(req, r);
  return body;
}

type AlertTool = WorldAlert['tool'];
const alertBuilders: Record<AlertTool, typeof dependabotAlert> = {
  dependabot: dependabotAlert,
  'code-scanning': codeScanningAlert,
  'secret-scanning': secretScanningAlert,
};

function toolEnabled(r: WorldRepo, tool: AlertTool): boolean {
  if (tool === 'dependabot') return r.s.dependabot_alerts;
  if (tool === 'code-scanning') return r.s.code_scanning;
  return r.s.security_and_analysis.secret_scanning;
}

function stateFilter(req: RestRequest, tool: AlertTool, a: WorldAlert): boolean {
  const wanted = req.query.get('state');
  if (!wanted) return true;
  const states = wanted.split(',');
  const s = tool === 'secret-scanning' ? (a.state === 'open' ? 'open' : 'resolved') : a.state;
  return states.includes(s);
}

for (const tool of ['dependabot', 'code-scanning', 'secret-scanning'] as const) {
  route('GET', `/orgs/{org}/${tool}/alerts`, (req) => {
    org(req);
    admin(req);
    const list = req.world.repos.flatMap((r) =>
      toolEnabled(r, tool)
        ? r.alerts
            .filter((a) => a.tool === tool && stateFilter(req, tool, a))
            .map((a) => alertBuilders[tool](req, r, a, true))
        : [],
    );
    const page = paginate(req, list);
    return ok(page.body, page.headers);
  });
  route('GET', `/repos/{owner}/{repo}/${tool}/alerts`, (req) => {
    const r = repo(req);
    admin(req);
    if (!toolEnabled(r, tool))
      throw new HttpError(
        tool === 'code-scanning' ? 404 : 403,
        tool === 'code-scanning'
          ? 'no analysis found'
          : `${tool === 'dependabot' ? 'Dependabot alerts are' : 'Secret scanning is'} disabled for this repository.`,
      );
    const list = r.alerts
      .filter((a) => a.tool === tool && stateFilter(req, tool, a))
      .map((a) => alertBuilders[tool](req, r, a, false));
    const page = paginate(req, list);
    return ok(page.body, page.headers);
  });
}

// ------------------------------------------------------------------ repositories

route('GET', '/repos/{owner}/{repo}', (req) => ok(repository(req, repo(req), true)));

route('GET', '/repos/{owner}/{repo}/branches/{branch}/protection', (req) => {
  const r = repo(req);
  admin(req);
  const branch = req.params.branch!;
  if (branch !== r.s.default_branch && !r.s.branches.includes(branch))
    throw new HttpError(404, 'Branch not found');
  const p = branch === r.s.default_branch ? r.s.protection : r.s.branch_protections[branch];
  if (!p) throw new HttpError(404, 'Branch not protected');
  const url = `${req.base}/repos/${r.fullName}/branches/${encodeURIComponent(branch)}/protection`;
  const body: Record<string, unknown> = {
    url,
    required_signatures: { url: `${url}/required_signatures`, enabled: p.required_signatures },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: p.enforce_admins },
    required_linear_history: { enabled: p.required_linear_history },
    allow_force_pushes: { enabled: p.allow_force_pushes },
    allow_deletions: { enabled: p.allow_deletions },
    block_creations: { enabled: false },
    required_conversation_resolution: { enabled: false },
    lock_branch: { enabled: false },
    allow_fork_syncing: { enabled: false },
  };
  if (p.required_status_checks)
    body.required_status_checks = {
      url: `${url}/required_status_checks`,
      strict: p.required_status_checks.strict,
      contexts: p.required_status_checks.contexts,
      contexts_url: `${url}/required_status_checks/contexts`,
      checks: p.required_status_checks.contexts.map((context) => ({ context, app_id: null })),
    };
  const rv = p.required_pull_request_reviews;
  if (rv) {
    body.required_pull_request_reviews = {
      url: `${url}/required_pull_request_reviews`,
      dismiss_stale_reviews: rv.dismiss_stale_reviews,
      require_code_owner_reviews: rv.require_code_owner_reviews,
      required_approving_review_count: rv.required_approving_review_count,
      require_last_push_approval: rv.require_last_push_approval,
      ...(rv.bypass_users.length || rv.bypass_teams.length
        ? {
            bypass_pull_request_allowances: {
              users: rv.bypass_users.map((u) => simpleUser(req, u)),
              teams: rv.bypass_teams.map((t) => teamOf(req, t)),
              apps: [],
            },
          }
        : {}),
    };
  }
  return ok(body);
});

route('GET', '/repos/{owner}/{repo}/rules/branches/{branch}', (req) => {
  const r = repo(req);
  const branch = req.params.branch!;
  const active = rulesetsFor(req.world, r, branch).filter((x) => x.s.enforcement === 'active');
  const rules = active.flatMap((x) =>
    rulesOf(x).map((rule) => ({
      ...rule,
      ruleset_source_type: x.source,
      ruleset_source: x.sourceName,
      ruleset_id: x.id,
    })),
  );
  const page = paginate(req, rules);
  return ok(page.body, page.headers);
});

route('GET', '/repos/{owner}/{repo}/rulesets/{ruleset_id}', (req) => {
  const r = repo(req);
  const found =
    r.rulesets.find((x) => String(x.id) === req.params.ruleset_id) ??
    (req.query.get('includes_parents') !== 'false'
      ? req.world.orgRulesets.find((x) => String(x.id) === req.params.ruleset_id)
      : undefined);
  if (!found) throw notFound();
  return ok(rulesetBody(req, found, true));
});

route('GET', '/repos/{owner}/{repo}/actions/permissions/workflow', (req) => {
  const r = repo(req);
  admin(req);
  const o = req.world.org.actions;
  // An organisation that restricts the token forces its repositories to follow.
  const wp = r.s.workflow_permissions;
  return ok({
    default_workflow_permissions:
      o.default_workflow_permissions === 'read' ? 'read' : (wp?.default_workflow_permissions ?? 'write'),
    can_approve_pull_request_reviews: o.can_approve_pull_request_reviews
      ? (wp?.can_approve_pull_request_reviews ?? true)
      : false,
  });
});

route('GET', '/repos/{owner}/{repo}/actions/secrets', (req) => {
  const r = repo(req);
  admin(req);
  const page = paginate(
    req,
    r.secrets.map((x) => ({ name: x.name, created_at: x.createdAt, updated_at: x.updatedAt })),
  );
  return ok({ total_count: r.secrets.length, secrets: page.body }, page.headers);
});

route('GET', '/repos/{owner}/{repo}/hooks', (req) => {
  const r = repo(req);
  admin(req);
  const page = paginate(
    req,
    r.hooks.map((h) => hookBody(req, h, `/repos/${r.fullName}`, true)),
  );
  return ok(page.body, page.headers);
});

route('GET', '/repos/{owner}/{repo}/environments', (req) => {
  const r = repo(req);
  const envs = r.environments.map((e) => {
    const url = `${req.base}/repos/${r.fullName}/environments/${encodeURIComponent(e.s.name)}`;
    const rules: unknown[] = [];
    if (e.s.wait_timer)
      rules.push({
        id: e.id * 10 + 1,
        node_id: `GA_${e.id}1`,
        type: 'wait_timer',
        wait_timer: e.s.wait_timer,
      });
    if (e.s.reviewers.length)
      rules.push({
        id: e.id * 10 + 2,
        node_id: `GA_${e.id}2`,
        type: 'required_reviewers',
        prevent_self_review: e.s.prevent_self_review,
        reviewers: e.s.reviewers.map((x) => ({
          type: x.type,
          reviewer: x.type === 'Team' ? teamOf(req, x.name) : simpleUser(req, x.name),
        })),
      });
    if (e.s.branch_policy !== 'none')
      rules.push({ id: e.id * 10 + 3, node_id: `GA_${e.id}3`, type: 'branch_policy' });
    return {
      id: e.id,
      node_id: `EN_${e.id}`,
      name: e.s.name,
      url,
      html_url: `https://github.com/${r.fullName}/deployments/activity_log?environments_filter=${encodeURIComponent(e.s.name)}`,
      created_at: r.createdAt,
      updated_at: r.createdAt,
      protection_rules: rules,
      deployment_branch_policy:
        e.s.branch_policy === 'none'
          ? null
          : {
              protected_branches: e.s.branch_policy === 'protected',
              custom_branch_policies: e.s.branch_policy === 'custom',
            },
      can_admins_bypass: e.s.can_admins_bypass,
    };
  });
  const page = paginate(req, envs);
  return ok({ total_count: envs.length, environments: page.body }, page.headers);
});

route('GET', '/repos/{owner}/{repo}/codeowners/errors', (req) => {
  const r = repo(req);
  return ok({
    errors: r.s.codeowners_errors.map((e) => ({
      line: e.line,
      column: 1,
      kind: e.kind,
      source: '',
      suggestion: null,
      message: e.message,
      path: '.github/CODEOWNERS',
    })),
  });
});

route('GET', '/repos/{owner}/{repo}/code-scanning/default-setup', (req) => {
  const r = repo(req);
  admin(req);
  return ok(
    r.s.code_scanning
      ? {
          state: 'configured',
          languages: ['javascript-typescript'],
          query_suite: 'default',
          updated_at: r.createdAt,
          schedule: 'weekly',
          runner_type: 'standard',
          runner_label: null,
        }
      : {
          state: 'not-configured',
          languages: [],
          query_suite: 'default',
          updated_at: null,
          schedule: null,
          runner_type: null,
          runner_label: null,
        },
  );
});

route('GET', '/rate_limit', (req) => {
  const rate = req.world.s.faults.rate_limit;
  const core = { limit: rate, used: 0, remaining: rate, reset: Math.floor(Date.now() / 1000) + 3600 };
  return ok({
    resources: { core, graphql: core, search: { ...core, limit: 30, remaining: 30 } },
    rate: core,
  });
});

route('GET', '/orgs/{org}/teams', (req) => {
  org(req);
  const page = paginate(
    req,
    [...req.world.teams.keys()].map((slug) => teamOf(req, slug)),
  );
  return ok(page.body, page.headers);
});

route('GET', '/repos/{owner}/{repo}/branches', (req) => {
  const r = repo(req);
  const names = [r.s.default_branch, ...r.s.branches];
  const page = paginate(
    req,
    names.map((name) => {
      const classic = name === r.s.default_branch ? r.s.protection : r.s.branch_protections[name];
      const rules = rulesetsFor(req.world, r, name).some((x) => x.s.enforcement === 'active');
      return {
        name,
        commit: {
          sha: r.pulls[0]?.mergeSha ?? '0'.repeat(40),
          url: `${req.base}/repos/${r.fullName}/commits/${name}`,
        },
        protected: Boolean(classic) || rules,
      };
    }),
  );
  return ok(page.body, page.headers);
});
