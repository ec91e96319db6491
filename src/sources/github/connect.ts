import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SourceError, UsageError } from '../../errors.js';
import { unavailable, type GithubFacts, type Unavailable } from '../../facts/index.js';
import type { SourceContext } from '../context.js';
import type { AppCredentials } from './client.js';
import type { GithubProgress } from './collect.js';

/*
 * Connecting to GitHub: credentials, the target, the API URL. Kept apart from the API client so
 * commands that find GitHub not connected (no token, no GitHub remote) never load Octokit.
 */

export const DEFAULT_API_URL = 'https://api.github.com';

export function apiUrlFor(url: string | undefined): string {
  if (!url) return DEFAULT_API_URL;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    throw new UsageError(`--github-url "${url}": expected the https:// URL of a GitHub Enterprise Server`);
  const u = url.replace(/\/+$/, '');
  if (/\/api\/v3$/.test(u) || /^https?:\/\/api\.github\.com$/.test(u)) return u;
  return `${u}/api/v3`;
}

/** Where `greenlight assess` keeps ETags between runs. */
export const ETAG_CACHE = path.join('.greenlight', 'github-cache.json');

/** Credentials from the environment: a token (GITHUB_TOKEN / GH_TOKEN) or a GitHub App. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): {
  token?: string;
  app?: AppCredentials;
} {
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  if (token) return { token };
  const appId = env.GITHUB_APP_ID;
  let privateKey = env.GITHUB_APP_PRIVATE_KEY;
  if (!privateKey && env.GITHUB_APP_PRIVATE_KEY_PATH) {
    try {
      privateKey = readFileSync(env.GITHUB_APP_PRIVATE_KEY_PATH, 'utf8');
    } catch (err) {
      throw new SourceError(`GITHUB_APP_PRIVATE_KEY_PATH: ${(err as Error).message}`);
    }
  }
  if (appId && privateKey) {
    const installationId = env.GITHUB_APP_INSTALLATION_ID
      ? Number(env.GITHUB_APP_INSTALLATION_ID)
      : undefined;
    return {
      app: {
        appId,
        privateKey: privateKey.replace(/\\n/g, '\n'),
        ...(installationId ? { installationId } : {}),
      },
    };
  }
  return {};
}

/** `owner/repo` of a GitHub remote URL (https or ssh), or null. */
export function githubRepoOfRemote(url: string, host = 'github.com'): string | null {
  const h = host.replace(/[.]/g, '\\.');
  const m = new RegExp(
    `^(?:https?://(?:[^@/]+@)?${h}/|(?:ssh://)?git@${h}[:/])([^/]+/[^/]+?)(?:\\.git)?/?$`,
  ).exec(url.trim());
  return m?.[1] ?? null;
}

function originUrl(root: string): string | null {
  try {
    return execFileSync('git', ['-C', root, 'remote', 'get-url', 'origin'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

export function progressLine(p: GithubProgress, target: string): string {
  const rl = p.rateLimitRemaining === null ? '' : ` · rate limit ${p.rateLimitRemaining} left`;
  return `GitHub ${target}: ${p.repositoriesDone}/${p.repositoriesTotal} repositories · ${p.requests} requests${rl}`;
}

/** The engine's loader: `--github` target, or the checkout's GitHub remote when a token is present. */
export async function collectGithub(ctx: SourceContext): Promise<GithubFacts | Unavailable> {
  const gh = ctx.github ?? {};
  const creds = gh.token ? { token: gh.token } : credentialsFromEnv();
  const apiUrl = gh.apiUrl ?? apiUrlFor(gh.url);
  let target = gh.target;
  if (!target) {
    const host = gh.url ? new URL(gh.url).host : 'github.com';
    const remote = originUrl(ctx.root);
    const detected = remote ? githubRepoOfRemote(remote, host) : null;
    if (!detected)
      return unavailable(
        'GitHub is not connected: pass --github ORG or ORG/REPO (or run in a checkout whose origin is on GitHub) with GITHUB_TOKEN set',
      );
    if (!creds.token && !creds.app)
      return unavailable(
        `GitHub repository ${detected} detected, but no token: set GITHUB_TOKEN (read access) to assess it`,
      );
    target = detected;
  }
  if (!creds.token && !creds.app)
    return unavailable(
      `no GitHub credentials for ${target}: set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY`,
    );
  const explicit = gh.target !== undefined;
  // The API client (Octokit) is loaded only once there is something to read.
  const { collectGithubFacts } = await import('./collect.js');
  return collectGithubFacts({
    target,
    apiUrl,
    ...creds,
    since: ctx.since,
    until: ctx.until,
    concurrency: gh.concurrency ?? 8,
    releaseBranches: ctx.config.scope.releaseBranches,
    auditDays: ctx.config.thresholds.staleMemberDays,
    cacheFile: gh.cacheFile === undefined ? path.join(ctx.root, ETAG_CACHE) : gh.cacheFile,
    ...(gh.retryBaseMs !== undefined ? { retryBaseMs: gh.retryBaseMs } : {}),
    progress: (p) => ctx.progress(progressLine(p, target)),
  }).catch((err: unknown) => {
    // An auto-detected remote that cannot be read must not stop a local assessment.
    if (!explicit && err instanceof SourceError) return unavailable(err.message);
    throw err;
  });
}
