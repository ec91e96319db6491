import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  buildClientSchema,
  graphql,
  GraphQLError,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import type { World, WorldPull, WorldRepo } from './world.js';

/**
 * The simulator's GraphQL endpoint: queries run with the `graphql` package against GitHub's
 * published schema (`@octokit/graphql-schema`), so a query the real API would reject is rejected
 * here too, and every answer has GitHub's shape. Resolvers read the scenario.
 */

let schema: GraphQLSchema | undefined;

export function githubSchema(): GraphQLSchema {
  if (!schema) {
    const json = JSON.parse(readFileSync(schemaFile(), 'utf8')) as
      IntrospectionQuery | { data: IntrospectionQuery };
    schema = buildClientSchema('data' in json ? json.data : json);
  }
  return schema;
}

/** The package exports only its ESM entry, so its schema.json is found through the module paths. */
function schemaFile(): string {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths('@octokit/graphql-schema') ?? []) {
    const file = path.join(dir, '@octokit', 'graphql-schema', 'schema.json');
    if (existsSync(file)) return file;
  }
  throw new Error('@octokit/graphql-schema is not installed');
}

interface Ctx {
  world: World;
  admin: boolean;
}

type Args = Record<string, unknown>;

/** Cursor-paginated connection over a list, as GitHub's connections behave. */
function connection<T>(items: T[], args: Args, edge?: (item: T) => Record<string, unknown>) {
  const first = typeof args.first === 'number' ? args.first : undefined;
  const last = typeof args.last === 'number' ? args.last : undefined;
  if (first === undefined && last === undefined)
    throw new GraphQLError('You must provide a `first` or `last` value to properly paginate the connection.');
  if ((first ?? 0) > 100 || (last ?? 0) > 100)
    throw new GraphQLError('Requesting more than 100 records on a connection is not allowed.');
  let start =
    typeof args.after === 'string'
      ? Number(Buffer.from(args.after, 'base64').toString().split(':')[1]) + 1
      : 0;
  let end =
    typeof args.before === 'string'
      ? Number(Buffer.from(args.before, 'base64').toString().split(':')[1])
      : items.length;
  if (first !== undefined) end = Math.min(end, start + first);
  if (last !== undefined) start = Math.max(start, end - last);
  const slice = items.slice(start, end).map((node, i) => ({ node, index: start + i }));
  const cursor = (i: number) => Buffer.from(`cursor:${i}`).toString('base64');
  return {
    totalCount: items.length,
    nodes: slice.map((x) => x.node),
    edges: slice.map((x) => ({ cursor: cursor(x.index), node: x.node, ...(edge ? edge(x.node) : {}) })),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length ? cursor(slice[0]!.index) : null,
      endCursor: slice.length ? cursor(slice[slice.length - 1]!.index) : null,
    },
  };
}

function forbidden(what: string): GraphQLError {
  return new GraphQLError(`Resource not accessible by integration (${what})`, {
    extensions: { type: 'FORBIDDEN' },
  });
}

function user(world: World, login: string) {
  const bot = login.endsWith('[bot]');
  const id = world.users.get(login) ?? 9999;
  return {
    __typename: bot ? 'Bot' : 'User',
    login: bot ? login.replace(/\[bot\]$/, '') : login,
    id: Buffer.from(`04:User${id}`).toString('base64'),
    databaseId: id,
    url: `https://github.com/${login}`,
  };
}

function commitNode(world: World, r: WorldRepo, sha: string, authorLogin: string, date: string) {
  return {
    __typename: 'Commit',
    oid: sha,
    abbreviatedOid: sha.slice(0, 7),
    committedDate: date,
    authoredDate: date,
    message: 'commit',
    url: `https://github.com/${r.fullName}/commit/${sha}`,
    author: {
      name: authorLogin,
      email: `${authorLogin}@users.noreply.github.com`,
      date,
      user: user(world, authorLogin),
    },
    committer: { name: 'GitHub', email: 'noreply@github.com', date, user: null },
  };
}

function pullNode(world: World, r: WorldRepo, p: WorldPull) {
  const head = p.commits[p.commits.length - 1]!;
  const rollupState = p.checks.length
    ? p.checks.some((c) => !['SUCCESS', 'NEUTRAL', 'SKIPPED'].includes(c.conclusion))
      ? 'FAILURE'
      : 'SUCCESS'
    : null;
  const contexts = p.checks.map((c) =>
    c.status
      ? {
          __typename: 'StatusContext',
          context: c.name,
          state: c.conclusion === 'SUCCESS' ? 'SUCCESS' : c.conclusion === 'FAILURE' ? 'FAILURE' : 'ERROR',
          createdAt: c.completedAt,
          targetUrl: null,
          description: null,
        }
      : {
          __typename: 'CheckRun',
          name: c.name,
          status: 'COMPLETED',
          conclusion: c.conclusion,
          startedAt: c.completedAt,
          completedAt: c.completedAt,
          databaseId: c.id,
        },
  );
  const timeline = [
    ...p.commits.map((c) => ({
      __typename: 'PullRequestCommit',
      at: c.date,
      commit: commitNode(world, r, c.sha, c.author, c.date),
    })),
    ...(p.forcePushedAt
      ? [
          {
            __typename: 'HeadRefForcePushedEvent',
            at: p.forcePushedAt,
            createdAt: p.forcePushedAt,
            actor: user(world, p.lastPusher),
            afterCommit: commitNode(world, r, head.sha, head.author, head.date),
          },
        ]
      : []),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return {
    __typename: 'PullRequest',
    id: Buffer.from(`PR_${p.id}`).toString('base64'),
    databaseId: p.id,
    number: p.number,
    title: p.title,
    body: p.body,
    url: `https://github.com/${r.fullName}/pull/${p.number}`,
    state: 'MERGED',
    merged: true,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    mergedAt: p.mergedAt,
    closedAt: p.mergedAt,
    baseRefName: p.baseRef,
    headRefName: p.headRef,
    headRefOid: p.headSha,
    author: user(world, p.author),
    mergedBy: user(world, p.mergedBy),
    mergeCommit: commitNode(world, r, p.mergeSha, p.mergedBy, p.mergedAt),
    labels: (args: Args) =>
      connection(
        p.labels.map((name) => ({ name, color: 'ededed' })),
        args,
      ),
    reviews: (args: Args) =>
      connection(
        p.reviews.map((rv) => ({
          __typename: 'PullRequestReview',
          id: Buffer.from(`PRR_${rv.id}`).toString('base64'),
          databaseId: rv.id,
          author: user(world, rv.author),
          state: rv.state,
          submittedAt: rv.submittedAt,
          createdAt: rv.submittedAt,
          commit: commitNode(world, r, rv.commitSha, p.author, rv.submittedAt),
        })),
        args,
      ),
    commits: (args: Args) =>
      connection(
        p.commits.map((c) => ({
          __typename: 'PullRequestCommit',
          commit: commitNode(world, r, c.sha, c.author, c.date),
        })),
        args,
      ),
    timelineItems: (args: Args) => {
      const types = Array.isArray(args.itemTypes) ? (args.itemTypes as string[]) : null;
      const name = (t: string) => t.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
      return connection(
        timeline.filter((t) => !types || types.includes(name(t.__typename))),
        args,
      );
    },
    statusCheckRollup: rollupState
      ? {
          state: rollupState,
          contexts: (args: Args) => connection(contexts, args),
          commit: commitNode(world, r, head.sha, head.author, head.date),
        }
      : null,
  };
}

function repoNode(ctx: Ctx, r: WorldRepo) {
  const { world } = ctx;
  const s = r.s;
  return {
    __typename: 'Repository',
    id: Buffer.from(`010:Repository${r.id}`).toString('base64'),
    databaseId: r.id,
    name: r.name,
    nameWithOwner: r.fullName,
    url: `https://github.com/${r.fullName}`,
    isArchived: s.archived,
    isFork: s.fork,
    isPrivate: s.visibility !== 'public',
    visibility: s.visibility.toUpperCase(),
    pushedAt: r.pushedAt,
    createdAt: r.createdAt,
    viewerPermission: ctx.admin ? 'ADMIN' : 'WRITE',
    hasVulnerabilityAlertsEnabled: s.dependabot_alerts,
    defaultBranchRef: {
      name: s.default_branch,
      prefix: 'refs/heads/',
      target: { __typename: 'Commit', oid: r.pulls[0]?.mergeSha ?? '0'.repeat(40) },
      branchProtectionRule: () => {
        if (!ctx.admin) throw forbidden('branchProtectionRule');
        const p = s.protection;
        return p
          ? {
              id: Buffer.from(`BPR_${r.id}`).toString('base64'),
              pattern: s.default_branch,
              isAdminEnforced: p.enforce_admins,
              requiresApprovingReviews: p.required_pull_request_reviews !== null,
              requiredApprovingReviewCount:
                p.required_pull_request_reviews?.required_approving_review_count ?? null,
              allowsForcePushes: p.allow_force_pushes,
              allowsDeletions: p.allow_deletions,
            }
          : null;
      },
    },
    refs: (args: Args) =>
      connection(
        (args.refPrefix === 'refs/heads/' ? [s.default_branch, ...s.branches] : []).map((name) => ({
          name,
          prefix: 'refs/heads/',
        })),
        args,
      ),
    collaborators: (args: Args) => {
      if (!ctx.admin) throw forbidden('collaborators');
      const list = s.collaborators
        .filter(
          (c) =>
            !args.affiliation ||
            args.affiliation === 'ALL' ||
            args.affiliation === 'DIRECT' ||
            (args.affiliation === 'OUTSIDE' && !world.s.members.some((m) => m.login === c.login)),
        )
        .map((c) => ({ ...user(world, c.login), permission: c.permission.toUpperCase() }));
      return connection(list, args, (n) => ({ permission: n.permission, permissionSources: [] }));
    },
    deployKeys: (args: Args) => {
      if (!ctx.admin) throw forbidden('deployKeys');
      return connection(
        r.deployKeys.map((k) => ({
          id: Buffer.from(`DK_${k.id}`).toString('base64'),
          title: k.title,
          readOnly: k.readOnly,
          createdAt: k.createdAt,
          verified: true,
          key: 'ssh-ed25519 AAAA',
        })),
        args,
      );
    },
    environments: (args: Args) =>
      connection(
        r.environments.map((e) => ({
          id: Buffer.from(`EN_${e.id}`).toString('base64'),
          databaseId: e.id,
          name: e.s.name,
          isPinned: false,
          protectionRules: (a: Args) =>
            connection(
              [
                ...(e.s.reviewers.length
                  ? [
                      {
                        type: 'REQUIRED_REVIEWERS',
                        preventSelfReview: e.s.prevent_self_review,
                        timeout: 0,
                        reviewers: (ra: Args) =>
                          connection(
                            e.s.reviewers.map((x) =>
                              x.type === 'Team'
                                ? { __typename: 'Team', slug: x.name, name: x.name }
                                : { ...user(world, x.name) },
                            ),
                            ra,
                          ),
                      },
                    ]
                  : []),
                ...(e.s.wait_timer
                  ? [
                      {
                        type: 'WAIT_TIMER',
                        timeout: e.s.wait_timer,
                        preventSelfReview: false,
                        reviewers: (ra: Args) => connection([], ra),
                      },
                    ]
                  : []),
              ],
              a,
            ),
        })),
        args,
      ),
    deployments: (args: Args) => {
      const envs = Array.isArray(args.environments) ? (args.environments as string[]) : null;
      return connection(
        r.deployments
          .filter((d) => !envs || envs.includes(d.environment))
          .map((d) => ({
            id: Buffer.from(`DE_${d.id}`).toString('base64'),
            databaseId: d.id,
            environment: d.environment,
            latestEnvironment: d.environment,
            createdAt: d.createdAt,
            updatedAt: d.createdAt,
            commitOid: d.sha,
            ref: { name: d.ref, prefix: 'refs/heads/' },
            creator: user(world, d.creator),
            state: d.state === 'SUCCESS' ? 'ACTIVE' : d.state,
            latestStatus: { state: d.state, createdAt: d.createdAt },
          })),
        args,
      );
    },
    pullRequests: (args: Args) => {
      const states = Array.isArray(args.states) ? (args.states as string[]) : null;
      if (states && !states.includes('MERGED')) return connection([], args);
      const order = args.orderBy as { field?: string; direction?: string } | undefined;
      const key = order?.field === 'CREATED_AT' ? 'createdAt' : 'updatedAt';
      const sorted = [...r.pulls].sort((a, b) => a[key].localeCompare(b[key]));
      if (order?.direction !== 'ASC') sorted.reverse();
      return connection(
        sorted.map((p) => pullNode(world, r, p)),
        args,
      );
    },
  };
}

function rootValue(ctx: Ctx) {
  const { world } = ctx;
  return {
    organization: ({ login }: Args) =>
      login === world.org.login
        ? {
            __typename: 'Organization',
            login: world.org.login,
            name: world.org.name ?? world.org.login,
            requiresTwoFactorAuthentication: ctx.admin ? world.org.two_factor_requirement_enabled : null,
            samlIdentityProvider: () => {
              if (!ctx.admin) throw forbidden('samlIdentityProvider');
              return world.org.saml_sso
                ? {
                    id: 'SIP_1',
                    ssoUrl: `https://idp.example/${world.org.login}`,
                    issuer: 'https://idp.example',
                  }
                : null;
            },
          }
        : null,
    repository: ({ owner, name }: Args) => {
      if (owner !== world.org.login) return null;
      const r = world.repos.find((x) => x.name === name);
      return r ? repoNode(ctx, r) : null;
    },
    viewer: () => user(world, world.s.token.login),
    rateLimit: () => ({
      cost: 1,
      limit: 5000,
      remaining: 4999,
      used: 1,
      resetAt: new Date(Date.now() + 3_600_000).toISOString(),
      nodeCount: 1,
    }),
  };
}

/** Runs one GraphQL request; errors keep GitHub's `type` field alongside the message. */
export async function executeGraphql(
  world: World,
  admin: boolean,
  body: { query?: unknown; variables?: unknown },
): Promise<{ data?: unknown; errors?: unknown[] }> {
  if (typeof body.query !== 'string')
    return { errors: [{ message: 'A query attribute must be specified and must be a string.' }] };
  const result = await graphql({
    schema: githubSchema(),
    source: body.query,
    rootValue: rootValue({ world, admin }),
    variableValues: (body.variables as Record<string, unknown> | undefined) ?? null,
  });
  const out: { data?: unknown; errors?: unknown[] } = {};
  if (result.data !== undefined) out.data = result.data;
  if (result.errors?.length)
    out.errors = result.errors.map((e) => ({
      ...(typeof e.extensions?.type === 'string' ? { type: e.extensions.type } : {}),
      message: e.message,
      ...(e.path ? { path: e.path } : {}),
      ...(e.locations ? { locations: e.locations } : {}),
    }));
  return out;
}
