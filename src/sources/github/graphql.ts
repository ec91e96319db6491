import { z } from 'zod';
import {
  unavailable,
  type GithubCheck,
  type GithubCollaborator,
  type GithubDeployKey,
  type GithubDeployment,
  type GithubPullRequest,
  type Maybe,
  type RepoPermission,
} from '../../facts/index.js';
import type { GithubClient } from './client.js';
import { needs } from './permissions.js';

/**
 * Batched GraphQL reads: many repositories per query (aliases), each with its merged pull
 * requests (reviews, last pusher, head checks), deployments, direct collaborators, deploy keys
 * and environment count. Pull requests page until the window start.
 */

export interface RepoGraph {
  /** Whether a classic protection rule covers the default branch (asked of admin tokens only). */
  defaultBranchClassic: boolean | null;
  environmentCount: Maybe<number>;
  dependabotAlertsEnabled: Maybe<boolean>;
  collaborators: Maybe<GithubCollaborator[]>;
  deployKeys: Maybe<GithubDeployKey[]>;
  deployments: Maybe<GithubDeployment[]>;
  pullRequests: Maybe<GithubPullRequest[]>;
}

export interface GraphTarget {
  owner: string;
  name: string;
  /** Query collaborators and deploy keys (the token is admin on the repository). */
  admin: boolean;
}

const PR_FIELDS = `
  number title body url createdAt updatedAt mergedAt baseRefName headRefName headRefOid
  author { login } mergedBy { login } mergeCommit { oid }
  labels(first: 20) { nodes { name } }
  reviews(first: 50) { nodes { author { __typename login } state submittedAt commit { oid } } }
  timelineItems(last: 1, itemTypes: [PULL_REQUEST_COMMIT, HEAD_REF_FORCE_PUSHED_EVENT]) {
    nodes {
      __typename
      ... on PullRequestCommit { commit { author { user { login } } } }
      ... on HeadRefForcePushedEvent { actor { login } }
    }
  }
  statusCheckRollup {
    state
    contexts(first: 50) {
      nodes {
        __typename
        ... on CheckRun { name status conclusion completedAt }
        ... on StatusContext { context state createdAt }
      }
    }
  }`;

const META_FIELDS = `
  nameWithOwner hasVulnerabilityAlertsEnabled
  environments(first: 1) { totalCount }
  deployments(first: 30, orderBy: { field: CREATED_AT, direction: DESC }) {
    nodes { databaseId environment createdAt commitOid ref { name } creator { login } latestStatus { state } }
  }`;

const ADMIN_FIELDS = `
  defaultBranchRef { branchProtectionRule { id } }
  collaborators(first: 100, affiliation: DIRECT) { edges { permission node { login } } }
  deployKeys(first: 100) { nodes { title readOnly createdAt } }`;

const PAGE = 50;

const login = z.object({ login: z.string() }).nullable();
const prSchema = z.object({
  number: z.number(),
  title: z.string(),
  body: z.string(),
  url: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  mergedAt: z.string().nullable(),
  baseRefName: z.string(),
  headRefName: z.string(),
  headRefOid: z.string(),
  author: login,
  mergedBy: login,
  mergeCommit: z.object({ oid: z.string() }).nullable(),
  labels: z.object({ nodes: z.array(z.object({ name: z.string() }).nullable()).nullable() }).nullable(),
  reviews: z
    .object({
      nodes: z
        .array(
          z
            .object({
              author: z.object({ login: z.string(), __typename: z.string().optional() }).nullable(),
              state: z.string(),
              submittedAt: z.string().nullable(),
              commit: z.object({ oid: z.string() }).nullable(),
            })
            .nullable(),
        )
        .nullable(),
    })
    .nullable(),
  timelineItems: z.object({
    nodes: z
      .array(
        z
          .object({
            __typename: z.string(),
            commit: z.object({ author: z.object({ user: login }).nullable() }).optional(),
            actor: login.optional(),
          })
          .nullable(),
      )
      .nullable(),
  }),
  statusCheckRollup: z
    .object({
      state: z.string(),
      contexts: z.object({
        nodes: z
          .array(
            z
              .object({
                __typename: z.string(),
                name: z.string().optional(),
                status: z.string().optional(),
                conclusion: z.string().nullable().optional(),
                completedAt: z.string().nullable().optional(),
                context: z.string().optional(),
                state: z.string().optional(),
                createdAt: z.string().optional(),
              })
              .nullable(),
          )
          .nullable(),
      }),
    })
    .nullable(),
});

const prConnection = z.object({
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  nodes: z.array(prSchema.nullable()).nullable(),
});

const metaSchema = z.object({
  hasVulnerabilityAlertsEnabled: z.boolean(),
  environments: z.object({ totalCount: z.number() }),
  deployments: z.object({
    nodes: z
      .array(
        z
          .object({
            databaseId: z.number().nullable(),
            environment: z.string().nullable(),
            createdAt: z.string(),
            commitOid: z.string(),
            ref: z.object({ name: z.string() }).nullable(),
            creator: login,
            latestStatus: z.object({ state: z.string() }).nullable(),
          })
          .nullable(),
      )
      .nullable(),
  }),
});

const collaboratorsSchema = z
  .object({
    edges: z
      .array(z.object({ permission: z.string(), node: z.object({ login: z.string() }) }).nullable())
      .nullable(),
  })
  .nullable();

const deployKeysSchema = z.object({
  nodes: z
    .array(z.object({ title: z.string(), readOnly: z.boolean(), createdAt: z.string() }).nullable())
    .nullable(),
});

interface GqlError {
  message: string;
  type?: string;
  path?: (string | number)[];
}

interface RepoState {
  target: GraphTarget;
  graph: RepoGraph;
  pulls: GithubPullRequest[];
  cursor: string | null;
  done: boolean;
  first: boolean;
}

export interface GraphOptions {
  since: Date | null;
  until: Date;
  batchSize: number;
  /** Known outside collaborators, to flag them in repository collaborator lists. */
  isOutside: (login: string) => boolean;
  onBatch?: () => void;
}

export async function readRepositoriesGraph(
  client: GithubClient,
  targets: GraphTarget[],
  opts: GraphOptions,
): Promise<Map<string, RepoGraph>> {
  const states: RepoState[] = targets.map((target) => ({
    target,
    graph: {
      defaultBranchClassic: null,
      environmentCount: unavailable('not read'),
      dependabotAlertsEnabled: unavailable('not read'),
      collaborators: target.admin
        ? unavailable('not read')
        : unavailable(`collaborators need ${needs('graphql collaborators')}`),
      deployKeys: target.admin
        ? unavailable('not read')
        : unavailable(`deploy keys need ${needs('graphql deployKeys')}`),
      deployments: unavailable('not read'),
      pullRequests: unavailable('not read'),
    },
    pulls: [],
    cursor: null,
    done: false,
    first: true,
  }));
  // Queries run in rounds: each round asks for the next page of every repository still open.
  for (;;) {
    const open = states.filter((s) => !s.done);
    if (!open.length) break;
    const batches: RepoState[][] = [];
    for (let i = 0; i < open.length; i += opts.batchSize) batches.push(open.slice(i, i + opts.batchSize));
    await Promise.all(batches.map((b) => runBatch(client, b, opts).finally(() => opts.onBatch?.())));
  }
  return new Map(states.map((s) => [`${s.target.owner}/${s.target.name}`, s.graph]));
}

async function runBatch(client: GithubClient, batch: RepoState[], opts: GraphOptions): Promise<void> {
  const parts = batch.map((s, i) => {
    const args = `first: ${PAGE}, states: MERGED, orderBy: { field: UPDATED_AT, direction: DESC }${
      s.cursor ? `, after: ${JSON.stringify(s.cursor)}` : ''
    }`;
    const extra = s.first ? META_FIELDS + (s.target.admin ? ADMIN_FIELDS : '') : '';
    return `r${i}: repository(owner: ${JSON.stringify(s.target.owner)}, name: ${JSON.stringify(s.target.name)}) {
      ${extra}
      pullRequests(${args}) { pageInfo { hasNextPage endCursor } nodes { ${PR_FIELDS} } }
    }`;
  });
  const query = `query { ${parts.join('\n')} }`;
  let data: Record<string, unknown> | null = null;
  let errors: GqlError[] = [];
  try {
    const res = await client.octokit.request({ method: 'POST', url: client.graphqlUrl, query });
    const body = res.data as { data?: Record<string, unknown> | null; errors?: GqlError[] };
    data = body.data ?? null;
    errors = body.errors ?? [];
  } catch (err) {
    const reason = `GraphQL query for ${batch.length} repositories failed: ${(err as Error).message}`;
    for (const s of batch) fail(s, reason);
    return;
  }
  batch.forEach((s, i) => {
    const alias = `r${i}`;
    const repoErrors = errors.filter((e) => e.path?.[0] === alias);
    const node = data?.[alias] as Record<string, unknown> | null | undefined;
    if (!node) {
      const msg = repoErrors[0]?.message ?? errors[0]?.message ?? 'repository not found';
      fail(s, `GraphQL repository(${s.target.owner}/${s.target.name}): ${msg}`);
      return;
    }
    if (s.first) readMeta(s, node, repoErrors, opts);
    readPulls(s, node.pullRequests, opts);
    s.first = false;
  });
}

function fail(s: RepoState, reason: string): void {
  const u = unavailable(reason);
  if (s.first) {
    s.graph.environmentCount = u;
    s.graph.dependabotAlertsEnabled = u;
    s.graph.deployments = u;
    if (s.target.admin) {
      s.graph.collaborators = u;
      s.graph.deployKeys = u;
    }
  }
  s.graph.pullRequests = u;
  s.done = true;
}

function readMeta(
  s: RepoState,
  node: Record<string, unknown>,
  errors: GqlError[],
  _opts: GraphOptions,
): void {
  const where = `GraphQL repository(${s.target.owner}/${s.target.name})`;
  const meta = metaSchema.safeParse(node);
  if (meta.success) {
    s.graph.environmentCount = meta.data.environments.totalCount;
    s.graph.dependabotAlertsEnabled = meta.data.hasVulnerabilityAlertsEnabled;
    s.graph.deployments = (meta.data.deployments.nodes ?? []).flatMap((d) =>
      d
        ? [
            {
              id: d.databaseId ?? 0,
              environment: d.environment ?? '',
              createdAt: d.createdAt,
              sha: d.commitOid,
              ref: d.ref?.name ?? null,
              creator: d.creator?.login ?? null,
              state: d.latestStatus?.state ?? null,
            },
          ]
        : [],
    );
  } else {
    const u = unavailable(`${where} returned an unexpected response: ${issue(meta.error)}`);
    s.graph.environmentCount = u;
    s.graph.dependabotAlertsEnabled = u;
    s.graph.deployments = u;
  }
  if (!s.target.admin) return;
  const fieldError = (field: string) => errors.find((e) => e.path?.[1] === field);
  const ref = node.defaultBranchRef as { branchProtectionRule?: { id?: unknown } | null } | null | undefined;
  if (!fieldError('defaultBranchRef') && ref && 'branchProtectionRule' in ref)
    s.graph.defaultBranchClassic = ref.branchProtectionRule !== null;
  const collabErr = fieldError('collaborators');
  const collabs = collaboratorsSchema.safeParse(node.collaborators);
  s.graph.collaborators = collabErr
    ? unavailable(`${where}.collaborators: ${collabErr.message}; needs ${needs('graphql collaborators')}`)
    : !collabs.success || !collabs.data
      ? unavailable(`${where}.collaborators: unexpected response`)
      : (collabs.data.edges ?? []).flatMap((e) =>
          e
            ? [
                {
                  login: e.node.login,
                  permission: permission(e.permission),
                  outside: _opts.isOutside(e.node.login),
                },
              ]
            : [],
        );
  const keysErr = fieldError('deployKeys');
  const keys = deployKeysSchema.safeParse(node.deployKeys);
  s.graph.deployKeys = keysErr
    ? unavailable(`${where}.deployKeys: ${keysErr.message}; needs ${needs('graphql deployKeys')}`)
    : !keys.success
      ? unavailable(`${where}.deployKeys: unexpected response`)
      : (keys.data.nodes ?? []).flatMap((k) =>
          k ? [{ title: k.title, readOnly: k.readOnly, createdAt: k.createdAt }] : [],
        );
}

function permission(p: string): RepoPermission {
  const v = p.toLowerCase();
  return (['admin', 'maintain', 'write', 'triage', 'read'] as const).find((x) => x === v) ?? 'read';
}

function readPulls(s: RepoState, raw: unknown, opts: GraphOptions): void {
  const parsed = prConnection.safeParse(raw);
  if (!parsed.success) {
    s.graph.pullRequests = unavailable(
      `GraphQL repository(${s.target.owner}/${s.target.name}).pullRequests returned an unexpected response: ${issue(parsed.error)}`,
    );
    s.done = true;
    return;
  }
  const since = opts.since?.toISOString() ?? null;
  const until = opts.until.toISOString();
  let reachedStart = false;
  for (const pr of parsed.data.nodes ?? []) {
    if (!pr) continue;
    // Ordered by last update: once updates predate the window, so do the merges.
    if (since && pr.updatedAt < since) reachedStart = true;
    if (!pr.mergedAt || (since && pr.mergedAt < since) || pr.mergedAt > until) continue;
    s.pulls.push(toPull(pr));
  }
  const { hasNextPage, endCursor } = parsed.data.pageInfo;
  if (hasNextPage && !reachedStart && endCursor) {
    s.cursor = endCursor;
    return;
  }
  s.pulls.sort((a, b) => b.mergedAt.localeCompare(a.mergedAt));
  s.graph.pullRequests = s.pulls;
  s.done = true;
}

function toPull(pr: z.infer<typeof prSchema>): GithubPullRequest {
  const last = pr.timelineItems.nodes?.[0] ?? null;
  const lastPusher =
    last?.__typename === 'HeadRefForcePushedEvent'
      ? (last.actor?.login ?? null)
      : (last?.commit?.author?.user?.login ?? null);
  const checks: GithubCheck[] = (pr.statusCheckRollup?.contexts.nodes ?? []).flatMap((c): GithubCheck[] => {
    if (!c) return [];
    if (c.__typename === 'CheckRun')
      return [
        {
          name: c.name ?? '',
          kind: 'check-run' as const,
          status: c.status ?? 'COMPLETED',
          conclusion: c.conclusion ?? null,
          completedAt: c.completedAt ?? null,
        },
      ];
    return [
      {
        name: c.context ?? '',
        kind: 'status' as const,
        status: c.state ?? '',
        conclusion: c.state ?? null,
        completedAt: c.createdAt ?? null,
      },
    ];
  });
  return {
    number: pr.number,
    title: pr.title,
    body: pr.body,
    url: pr.url,
    author: pr.author?.login ?? null,
    createdAt: pr.createdAt,
    mergedAt: pr.mergedAt!,
    mergedBy: pr.mergedBy?.login ?? null,
    baseRef: pr.baseRefName,
    headRef: pr.headRefName,
    headSha: pr.headRefOid,
    mergeCommitSha: pr.mergeCommit?.oid ?? null,
    labels: (pr.labels?.nodes ?? []).flatMap((l) => (l ? [l.name] : [])),
    lastPusher,
    reviews: (pr.reviews?.nodes ?? []).flatMap((r) =>
      r
        ? [
            {
              // GraphQL names a bot `dependabot`; REST and this model say `dependabot[bot]`.
              author: r.author
                ? r.author.__typename === 'Bot' && !r.author.login.endsWith('[bot]')
                  ? `${r.author.login}[bot]`
                  : r.author.login
                : null,
              state: r.state,
              submittedAt: r.submittedAt,
              commitSha: r.commit?.oid ?? null,
            },
          ]
        : [],
    ),
    checks,
    checkState: pr.statusCheckRollup?.state ?? null,
  };
}

function issue(err: z.ZodError): string {
  const i = err.issues[0];
  return i ? `${i.path.join('.') || '(root)'}: ${i.message}` : 'invalid';
}
