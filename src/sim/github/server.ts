import { createHash, createPublicKey, createVerify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { executeGraphql } from './graphql.js';
import { errorBody, HttpError, matchRoute, type RestRequest } from './rest.js';
import { iso, type Scenario } from './scenario.js';
import { buildWorld, type World } from './world.js';

/** One request and the response the simulator sent, for validation and accounting. */
export interface SimExchange {
  method: string;
  /** Path without the Enterprise Server prefix and without the query. */
  path: string;
  query: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface SimulatorOptions {
  /** Fixed clock for relative scenario dates; default: the scenario's `now` or the real clock. */
  now?: Date;
  port?: number;
  /** Called for every response, after it is sent (tests validate them against GitHub's OpenAPI). */
  onExchange?: (x: SimExchange) => void;
}

export interface SimulatorStats {
  requests: number;
  rest: number;
  graphql: number;
  notModified: number;
  secondaryRateLimited: number;
  byStatus: Record<number, number>;
}

export interface Simulator {
  /** REST base URL (GraphQL is `${url}/graphql`). */
  url: string;
  /** The same server as an Enterprise Server (`${ghesUrl}/api/v3`, `${ghesUrl}/api/graphql`). */
  ghesUrl: string;
  world: World;
  stats: SimulatorStats;
  resetStats(): void;
  /** Change latency injection while running. */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export async function startSimulator(scenario: Scenario, opts: SimulatorOptions = {}): Promise<Simulator> {
  const world = buildWorld(scenario, opts.now);
  const faults = { ...scenario.faults };
  const stats: SimulatorStats = emptyStats();
  const errorBudget = new Map<number, number>(faults.errors.map((e, i) => [i, e.times]));
  const installationTokens = new Set<string>();
  let remaining = faults.rate_limit;
  const resetAt = Math.floor(Date.now() / 1000) + 3600;
  let counter = 0;
  let port = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const run = async () => {
        if (faults.latency_ms) await new Promise((r) => setTimeout(r, faults.latency_ms));
        await handle(req, res, Buffer.concat(chunks).toString('utf8'));
      };
      run().catch((err: unknown) => {
        send(req, res, '/', '', 500, {}, JSON.stringify(errorBody(500, (err as Error).message)));
      });
    });
  });

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: string,
    status: number,
    headers: Record<string, string>,
    body: string,
  ): void {
    const all: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': `SIM:${counter}`,
      'x-ratelimit-limit': String(faults.rate_limit),
      'x-ratelimit-remaining': String(Math.max(0, remaining)),
      'x-ratelimit-reset': String(resetAt),
      'x-ratelimit-used': String(faults.rate_limit - Math.max(0, remaining)),
      'x-ratelimit-resource': path.endsWith('graphql') ? 'graphql' : 'core',
      ...(scenario.token.scopes.length ? { 'x-oauth-scopes': scenario.token.scopes.join(', ') } : {}),
      ...headers,
    };
    if (status === 304) delete all['content-type'];
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    res.writeHead(status, all);
    res.end(status === 304 ? undefined : body);
    opts.onExchange?.({
      method: req.method ?? 'GET',
      path,
      query,
      status,
      headers: all,
      body: status === 304 ? '' : body,
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const ghes = url.pathname.startsWith('/api/');
    let path = url.pathname.replace(/^\/api\/v3(?=\/)/, '').replace(/^\/api\/graphql$/, '/graphql');
    if (path.length > 1) path = path.replace(/\/$/, '');
    const method = req.method ?? 'GET';
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      send(
        req,
        res,
        path,
        url.search,
        status,
        headers,
        typeof body === 'string' ? body : JSON.stringify(body),
      );
    counter++;
    stats.requests++;
    if (path === '/graphql') stats.graphql++;
    else stats.rest++;
    const base = `http://127.0.0.1:${port}${ghes ? '/api/v3' : ''}`;

    // Authentication: the scenario's token, an installation token, or the app's JWT for /app routes.
    const auth = req.headers.authorization ?? '';
    const bearer = /^(?:token|bearer)\s+(\S+)$/i.exec(auth)?.[1] ?? '';
    const appJwt = scenario.app && bearer.split('.').length === 3 ? verifyJwt(bearer, scenario.app) : false;
    if (appJwt) {
      if (method === 'GET' && path === `/orgs/${world.org.login}/installation`)
        return reply(200, installation(base, world));
      const m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
      if (method === 'POST' && m && Number(m[1]) === scenario.app!.installation_id) {
        const token = `ghs_${createHash('sha256').update(String(counter)).digest('hex').slice(0, 36)}`;
        installationTokens.add(token);
        return reply(201, {
          token,
          expires_at: iso(new Date(Date.now() + 3_600_000)),
          permissions: { metadata: 'read', administration: 'read', members: 'read' },
          repository_selection: 'all',
        });
      }
      return reply(404, errorBody(404, 'Not Found'));
    }
    if (bearer !== scenario.token.value && !installationTokens.has(bearer))
      return reply(401, errorBody(401, 'Bad credentials'));

    // Faults, in the order GitHub would apply them.
    if (faults.secondary_rate_limit_every && counter % faults.secondary_rate_limit_every === 0) {
      stats.secondaryRateLimited++;
      return reply(
        403,
        errorBody(
          403,
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        ),
        { 'retry-after': String(faults.retry_after_seconds) },
      );
    }
    for (const [i, e] of faults.errors.entries()) {
      if (new RegExp(e.path).test(path) && (errorBudget.get(i) ?? 0) > 0) {
        errorBudget.set(i, errorBudget.get(i)! - 1);
        return reply(e.status, errorBody(e.status, 'Server Error'));
      }
    }
    if (remaining <= 0)
      return reply(403, errorBody(403, 'API rate limit exceeded for user.'), {
        'x-ratelimit-remaining': '0',
      });

    if (path === '/graphql' && method === 'POST') {
      remaining--;
      let body: { query?: unknown; variables?: unknown };
      try {
        body = JSON.parse(raw) as typeof body;
      } catch {
        return reply(400, {
          message: 'Problems parsing JSON',
          documentation_url: 'https://docs.github.com/graphql',
        });
      }
      return reply(200, await executeGraphql(world, scenario.token.admin, body));
    }

    const deny = scenario.token.deny.find((d) => matchTemplate(d, method, path));
    if (deny) return reply(403, errorBody(403, 'Resource not accessible by personal access token'));

    const found = matchRoute(method, path);
    if (!found) return reply(404, errorBody(404, 'Not Found'));
    const rq: RestRequest = {
      method,
      path,
      query: url.searchParams,
      params: found.params,
      world,
      base,
      admin: scenario.token.admin,
    };
    let status: number;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      const r = found.route.handler(rq);
      status = r.status;
      body = r.body;
      headers = r.headers ?? {};
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      status = err.status;
      body = errorBody(err.status, err.message);
      headers = err.headers;
    }
    for (const m of faults.malformed) if (new RegExp(m.path).test(path)) body = drop(body, m.drop);
    const text = JSON.stringify(body);
    if (status === 200) {
      const etag = `W/"${createHash('sha256').update(text).digest('hex').slice(0, 32)}"`;
      headers.etag = etag;
      // Conditional requests answered 304 do not count against the rate limit, as on GitHub.
      if (req.headers['if-none-match'] === etag) {
        stats.notModified++;
        return reply(304, '', headers);
      }
    }
    remaining--;
    reply(status, text, headers);
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    ghesUrl: `http://127.0.0.1:${port}`,
    world,
    stats,
    resetStats() {
      Object.assign(stats, emptyStats());
    },
    setLatency(ms) {
      faults.latency_ms = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function emptyStats(): SimulatorStats {
  return { requests: 0, rest: 0, graphql: 0, notModified: 0, secondaryRateLimited: 0, byStatus: {} };
}

/** `GET /orgs/{org}/dependabot/alerts` matches `GET /orgs/acme/dependabot/alerts`. */
function matchTemplate(template: string, method: string, path: string): boolean {
  const [m, t] = template.includes(' ') ? template.split(' ', 2) : ['GET', template];
  if (m !== method || !t) return false;
  const re = new RegExp(
    `^${t
      .split('/')
      .map((p) => (p.startsWith('{') ? '[^/]+' : p.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
      .join('/')}$`,
  );
  return re.test(path);
}

/** Removes a dotted field from an object or from every item of an array. */
function drop(body: unknown, field: string): unknown {
  if (Array.isArray(body)) return body.map((b) => drop(b, field));
  if (!body || typeof body !== 'object') return body;
  const [head, ...rest] = field.split('.');
  const copy = { ...(body as Record<string, unknown>) };
  if (!rest.length) delete copy[head!];
  else copy[head!] = drop(copy[head!], rest.join('.'));
  return copy;
}

function verifyJwt(token: string, app: NonNullable<Scenario['app']>): boolean {
  const [h, p, sig] = token.split('.') as [string, string, string];
  try {
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as { iss?: unknown; exp?: number };
    if (String(payload.iss) !== String(app.id)) return false;
    if (typeof payload.exp === 'number' && payload.exp * 1000 < Date.now()) return false;
    const v = createVerify('RSA-SHA256');
    v.update(`${h}.${p}`);
    return v.verify(createPublicKey(app.public_key), Buffer.from(sig, 'base64url'));
  } catch {
    return false;
  }
}

function installation(base: string, world: World): Record<string, unknown> {
  const id = world.s.app!.installation_id;
  const owner = {
    login: world.org.login,
    id: world.org.id,
    node_id: 'O_1',
    avatar_url: `https://avatars.githubusercontent.com/u/${world.org.id}?v=4`,
    gravatar_id: '',
    url: `${base}/users/${world.org.login}`,
    html_url: `https://github.com/${world.org.login}`,
    followers_url: `${base}/users/${world.org.login}/followers`,
    following_url: `${base}/users/${world.org.login}/following{/other_user}`,
    gists_url: `${base}/users/${world.org.login}/gists{/gist_id}`,
    starred_url: `${base}/users/${world.org.login}/starred{/owner}{/repo}`,
    subscriptions_url: `${base}/users/${world.org.login}/subscriptions`,
    organizations_url: `${base}/users/${world.org.login}/orgs`,
    repos_url: `${base}/users/${world.org.login}/repos`,
    events_url: `${base}/users/${world.org.login}/events{/privacy}`,
    received_events_url: `${base}/users/${world.org.login}/received_events`,
    type: 'Organization',
    site_admin: false,
  };
  return {
    id,
    account: owner,
    access_tokens_url: `${base}/app/installations/${id}/access_tokens`,
    repositories_url: `${base}/installation/repositories`,
    html_url: `https://github.com/organizations/${world.org.login}/settings/installations/${id}`,
    app_id: world.s.app!.id,
    app_slug: 'greenlight',
    target_id: world.org.id,
    target_type: 'Organization',
    permissions: { metadata: 'read', administration: 'read', members: 'read' },
    events: [],
    created_at: world.org.createdAt,
    updated_at: world.org.createdAt,
    single_file_name: null,
    repository_selection: 'all',
    suspended_by: null,
    suspended_at: null,
  };
}
