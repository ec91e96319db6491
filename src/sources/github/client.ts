import { readFileSync, renameSync } from 'node:fs';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import { tightenFile, writePrivateFile } from '../../private-files.js';
import { redactJson, registerSecret } from '../../redact/index.js';

/**
 * The GitHub API client: Octokit with retries (network errors and 5xx, with backoff), throttling
 * (primary and secondary rate limits, honouring `retry-after` and `x-ratelimit-reset`),
 * pagination, and conditional requests whose ETags and bodies are kept between runs so an
 * unchanged resource comes back 304 and costs no rate limit.
 */

/**
 * A request that failed because the API cannot be reached at all (the connection was refused, the
 * host name does not resolve, no route) has already been retried by `unreachableFetch`: the retry
 * plugin must not retry it again with its minutes of backoff. Registered before `retry`, so this
 * error hook runs first and sets the request's own retry count to 0.
 */
function noRetryWhenUnreachable(octokit: Octokit): void {
  octokit.hook.error('request', (error, options) => {
    if (connectionFailure((error as { cause?: unknown }).cause))
      options.request = { ...options.request, retries: 0 } as typeof options.request;
    throw error;
  });
}

const GreenlightOctokit = Octokit.plugin(paginateRest, noRetryWhenUnreachable, retry, throttling);
export type Client = InstanceType<typeof GreenlightOctokit>;

export interface AppCredentials {
  appId: string | number;
  privateKey: string;
  installationId?: number;
}

export interface ClientOptions {
  apiUrl: string;
  token?: string;
  app?: AppCredentials;
  org: string;
  concurrency: number;
  /** Base of retry backoff and retry-after waits, in ms (1000 on the real API; tests shrink it). */
  retryBaseMs: number;
  /** File keeping ETags and bodies between runs; null: in memory only. */
  cacheFile: string | null;
  /** Told when the API cannot be reached and the request is retried (default: a stderr line). */
  notice?: (message: string) => void;
}

export interface ClientStats {
  requests: number;
  notModified: number;
  rateLimitRemaining: number | null;
  scopes: string[] | null;
}

interface CacheEntry {
  etag: string;
  data: unknown;
  link?: string;
}

export interface GithubClient {
  octokit: Client;
  stats: ClientStats;
  graphqlUrl: string;
  /** Persists the ETag cache (atomically). */
  save(): void;
}

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export async function createClient(opts: ClientOptions): Promise<GithubClient> {
  const stats: ClientStats = { requests: 0, notModified: 0, rateLimitRemaining: null, scopes: null };
  const cache = loadCache(opts.cacheFile);
  const state = { dirty: false };
  const notice = opts.notice ?? ((m: string) => void process.stderr.write(`greenlight: ${m}\n`));
  const common = octokitOptions(opts, countingFetch(stats, unreachableFetch(opts, notice)));
  const octokit = await authenticatedOctokit(opts, common);
  answerFromEtagCache(octokit, cache, () => (state.dirty = true));

  const base = common.baseUrl;
  return {
    octokit,
    stats,
    graphqlUrl: /\/api\/v3$/.test(base) ? base.replace(/\/api\/v3$/, '/api/graphql') : `${base}/graphql`,
    save() {
      if (!opts.cacheFile || !state.dirty) return;
      // Response bodies of a private organisation: owner-only (0600 in a 0700 .greenlight/), and
      // through the one redaction path like every other byte greenlight stores.
      const tmp = `${opts.cacheFile}.${process.pid}.tmp`;
      const entries = redactJson(Object.fromEntries(cache));
      writePrivateFile(tmp, JSON.stringify({ version: 1, entries }));
      renameSync(tmp, opts.cacheFile);
      state.dirty = false;
    },
  };
}

/** A fetch that counts every HTTP request actually sent (retries included) and reads the budget left. */
function countingFetch(stats: ClientStats, send: typeof fetch) {
  return async (url: string | URL | Request, init?: RequestInit) => {
    stats.requests++;
    const res = await send(url, init);
    const left = res.headers.get('x-ratelimit-remaining');
    if (left !== null && res.headers.get('x-ratelimit-resource') !== 'graphql')
      stats.rateLimitRemaining = Number(left);
    const scopes = res.headers.get('x-oauth-scopes');
    if (scopes !== null)
      stats.scopes = scopes
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    if (res.status === 304) stats.notModified++;
    return res;
  };
}

/** Connection-level failures: nothing reached the API, so retrying for minutes cannot help. */
const UNREACHABLE: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve (DNS)',
  EAI_AGAIN: 'the host name could not be resolved (DNS unavailable)',
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
};

/** The reason a fetch failed before reaching the server, or null for any other failure. */
function connectionFailure(err: unknown): string | null {
  const cause = (err as { cause?: { code?: string; errors?: { code?: string }[] } } | undefined)?.cause;
  // fetch refuses some ports outright (9, 25, …: the Fetch standard's "bad ports").
  if ((cause as { message?: string } | undefined)?.message === 'bad port')
    return 'fetch refuses to connect to this port (bad port)';
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return code && UNREACHABLE[code] ? `${UNREACHABLE[code]} (${code})` : null;
}

/** Retries of a request that could not reach the API, and their wait (base: the client's retryBaseMs). */
const CONNECT_RETRIES = 2;

/**
 * fetch, failing fast when the API cannot be reached: a connection-level failure is retried
 * twice within a few seconds (each retry said on stderr), then every request of this client
 * fails at once with the same reason instead of each being retried with backoff.
 */
function unreachableFetch(opts: ClientOptions, notice: (m: string) => void): typeof fetch {
  const host = (() => {
    try {
      return new URL(opts.apiUrl).host;
    } catch {
      return opts.apiUrl;
    }
  })();
  let down: unknown = null;
  let said = 0;
  return async (url, init) => {
    if (down) throw down;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetch(url, init);
      } catch (err) {
        const reason = connectionFailure(err);
        if (!reason) throw err;
        if (down) throw down;
        if (attempt >= CONNECT_RETRIES) {
          down = err;
          throw err;
        }
        if (attempt + 1 > said) {
          said = attempt + 1;
          notice(`GitHub API at ${host} unreachable: ${reason}; retrying (${said}/${CONNECT_RETRIES})…`);
        }
        await new Promise((r) => setTimeout(r, (opts.retryBaseMs * (attempt + 1)) / 2));
      }
    }
  };
}

/** The Octokit options every client shares: base URL, quiet logs, retries and rate limiting. */
function octokitOptions(opts: ClientOptions, fetch: ReturnType<typeof countingFetch>) {
  const limits = {
    global: new Bottleneck.Group({ maxConcurrent: opts.concurrency, minTime: 0 }),
    // GraphQL requests go through the plugin's "write" limiter; ours are read-only queries.
    write: new Bottleneck.Group({ maxConcurrent: Math.min(4, opts.concurrency), minTime: 0 }),
  };
  return {
    baseUrl: opts.apiUrl.replace(/\/$/, ''),
    userAgent: 'greenlight',
    log: silent,
    request: { fetch },
    retry: { retryAfterBaseValue: opts.retryBaseMs },
    throttle: {
      ...limits,
      retryAfterBaseValue: opts.retryBaseMs,
      fallbackSecondaryRateRetryAfter: 60,
      onSecondaryRateLimit: (_after: number, _o: unknown, _k: unknown, retryCount: number) => retryCount < 4,
      // Wait for the primary limit to reset only when that is soon; otherwise report what is missing.
      onRateLimit: (after: number, _o: unknown, _k: unknown, retryCount: number) =>
        retryCount < 2 && after <= 120,
    },
  };
}

/** An Octokit authenticated as the GitHub App's installation, or with the token (masked everywhere). */
async function authenticatedOctokit(
  opts: ClientOptions,
  common: ReturnType<typeof octokitOptions>,
): Promise<Client> {
  if (opts.app) {
    const installationId = opts.app.installationId ?? (await findInstallation(common, opts.app, opts.org));
    return new GreenlightOctokit({
      ...common,
      authStrategy: createAppAuth,
      auth: { appId: opts.app.appId, privateKey: opts.app.privateKey, installationId },
    });
  }
  // The token is masked wherever it shows up (an error body that echoes it), however it was given.
  registerSecret(opts.token);
  return new GreenlightOctokit({ ...common, ...(opts.token ? { auth: opts.token } : {}) });
}

/** Conditional requests: send the stored ETag; a 304 answers with the stored body. */
function answerFromEtagCache(octokit: Client, cache: Map<string, CacheEntry>, stored: () => void): void {
  octokit.hook.wrap('request', async (request, options) => {
    if ((options.method ?? 'GET') !== 'GET') return request(options);
    const key = octokit.request.endpoint.parse(options).url;
    const hit = cache.get(key);
    if (hit) options.headers = { ...options.headers, 'if-none-match': hit.etag };
    try {
      const res = await request(options);
      const etag = res.headers.etag;
      if (etag) {
        const entry: CacheEntry = { etag, data: res.data };
        if (res.headers.link) entry.link = res.headers.link;
        cache.set(key, entry);
        stored();
      }
      return res;
    } catch (err) {
      if (hit && (err as { status?: number }).status === 304) {
        const headers = {
          ...((err as { response?: { headers?: Record<string, string> } }).response?.headers ?? {}),
        };
        if (hit.link) headers.link = hit.link;
        return { status: 200, url: key, headers, data: hit.data } as Awaited<ReturnType<typeof request>>;
      }
      throw err;
    }
  });
}

function loadCache(file: string | null): Map<string, CacheEntry> {
  if (!file) return new Map();
  tightenFile(file); // one written before the cache was kept owner-only
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
      version?: number;
      entries?: Record<string, CacheEntry>;
    };
    if (parsed.version !== 1 || !parsed.entries) return new Map();
    return new Map(Object.entries(parsed.entries).filter(([, e]) => typeof e?.etag === 'string'));
  } catch {
    // A missing or damaged cache only costs full requests.
    return new Map();
  }
}

async function findInstallation(
  common: Record<string, unknown>,
  app: AppCredentials,
  org: string,
): Promise<number> {
  const appClient = new GreenlightOctokit({
    ...common,
    authStrategy: createAppAuth,
    auth: { appId: app.appId, privateKey: app.privateKey },
  });
  const res = await appClient.request('GET /orgs/{org}/installation', { org });
  return res.data.id;
}
