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

const GreenlightOctokit = Octokit.plugin(paginateRest, retry, throttling);
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
  const common = octokitOptions(opts, countingFetch(stats));
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
function countingFetch(stats: ClientStats) {
  return async (url: string | URL | Request, init?: RequestInit) => {
    stats.requests++;
    const res = await fetch(url, init);
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
