import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { InputError } from '../errors.js';
import { EVENT_SCHEMAS } from './github-event.js';
import type { CiContext, CiEvent, CiReview } from './types.js';

export type Env = Record<string, string | undefined>;

/**
 * Reads the CI context from GitHub Actions or GitLab CI variables (and, on GitHub, the event
 * payload file). Only the variables named here are read: tokens such as GITHUB_TOKEN,
 * ACTIONS_RUNTIME_TOKEN or CI_JOB_TOKEN never enter the context.
 */
export function captureCiContext(env: Env = process.env): CiContext {
  if (env.GITHUB_ACTIONS === 'true') return fromGitHub(env);
  if (env.GITLAB_CI === 'true' || env.CI_PIPELINE_URL) return fromGitLab(env);
  return { system: 'local', event: 'other' };
}

const val = (v: string | undefined): string | undefined => (v && v.trim() !== '' ? v : undefined);

/** Copies the defined values only, so the context stays free of `undefined` keys. */
type Compact<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};
function compact<T extends object>(obj: T): Compact<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Compact<T>;
}

function githubEvent(name: string | undefined): CiEvent {
  switch (name) {
    case 'pull_request':
    case 'pull_request_target':
      return 'pull_request';
    case 'pull_request_review':
    case 'push':
    case 'deployment':
    case 'schedule':
    case 'workflow_dispatch':
      return name;
    default:
      return 'other';
  }
}

function fromGitHub(env: Env): CiContext {
  const server = val(env.GITHUB_SERVER_URL) ?? 'https://github.com';
  const repository = val(env.GITHUB_REPOSITORY);
  const runId = val(env.GITHUB_RUN_ID);
  const attempt = val(env.GITHUB_RUN_ATTEMPT);
  const ctx: CiContext = compact({
    system: 'github-actions' as const,
    eventName: val(env.GITHUB_EVENT_NAME),
    event: githubEvent(env.GITHUB_EVENT_NAME),
    repository,
    serverUrl: server,
    runId,
    runUrl:
      repository && runId
        ? `${server}/${repository}/actions/runs/${runId}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}`
        : undefined,
    commit: val(env.GITHUB_SHA),
    ref: val(env.GITHUB_REF),
    actor: val(env.GITHUB_TRIGGERING_ACTOR) ?? val(env.GITHUB_ACTOR),
    workflowRef: val(env.GITHUB_WORKFLOW_REF),
  });
  const eventPath = val(env.GITHUB_EVENT_PATH);
  const name = env.GITHUB_EVENT_NAME ?? '';
  if (eventPath && name in EVENT_SCHEMAS)
    applyGitHubEvent(ctx, name as keyof typeof EVENT_SCHEMAS, eventPath);
  return ctx;
}

function readPayload(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read the CI event payload (${(err as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: the CI event payload is not valid JSON (${(err as Error).message})`);
  }
}

/** `/pull_request/head/sha` from a zod issue path. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return '/' + path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

function parseEvent<S extends z.ZodType>(schema: S, payload: unknown, file: string): z.infer<S> {
  const r = schema.safeParse(payload);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new InputError(`${file}: invalid event payload at ${jsonPointer(issue.path)}: ${issue.message}`);
}

const REVIEW_STATES: Record<string, CiReview['state']> = {
  approved: 'approved',
  changes_requested: 'changes_requested',
  commented: 'commented',
  dismissed: 'dismissed',
};

function applyGitHubEvent(ctx: CiContext, name: keyof typeof EVENT_SCHEMAS, file: string): void {
  const payload = readPayload(file);
  if (name === 'push') {
    const e = parseEvent(EVENT_SCHEMAS.push, payload, file);
    ctx.push = compact({ before: e.before, after: e.after, forced: e.forced });
    return;
  }
  if (name === 'deployment') {
    const e = parseEvent(EVENT_SCHEMAS.deployment, payload, file);
    ctx.environment = e.deployment.environment;
    ctx.commit = e.deployment.sha;
    return;
  }
  const e =
    name === 'pull_request_review'
      ? parseEvent(EVENT_SCHEMAS.pull_request_review, payload, file)
      : parseEvent(EVENT_SCHEMAS[name], payload, file);
  const pr = e.pull_request;
  ctx.pullRequest = compact({
    number: pr.number,
    baseRef: pr.base.ref,
    baseSha: pr.base.sha,
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    author: pr.user?.login,
    title: pr.title,
    url: pr.html_url,
  });
  // GITHUB_SHA is the synthetic merge commit on pull_request events: the change is the head.
  ctx.commit = pr.head.sha;
  if ('review' in e) {
    const state = REVIEW_STATES[e.review.state.toLowerCase()] ?? 'commented';
    ctx.review = compact({
      state,
      reviewer: e.review.user?.login,
      commitSha: e.review.commit_id ?? undefined,
      submittedAt: e.review.submitted_at ?? undefined,
    });
  }
}

function gitlabEvent(source: string | undefined): CiEvent {
  switch (source) {
    case 'merge_request_event':
    case 'external_pull_request_event':
      return 'pull_request';
    case 'push':
      return 'push';
    case 'schedule':
      return 'schedule';
    case 'web':
    case 'api':
    case 'trigger':
    case 'pipeline':
      return 'workflow_dispatch';
    default:
      return 'other';
  }
}

function fromGitLab(env: Env): CiContext {
  const ctx: CiContext = compact({
    system: 'gitlab-ci' as const,
    eventName: val(env.CI_PIPELINE_SOURCE),
    event: gitlabEvent(env.CI_PIPELINE_SOURCE),
    repository: val(env.CI_PROJECT_PATH),
    serverUrl: val(env.CI_SERVER_URL),
    runId: val(env.CI_PIPELINE_ID),
    runUrl: val(env.CI_PIPELINE_URL),
    jobUrl: val(env.CI_JOB_URL),
    commit: val(env.CI_COMMIT_SHA),
    ref: val(env.CI_COMMIT_REF_NAME),
    actor: val(env.GITLAB_USER_LOGIN),
    workflowRef: val(env.CI_CONFIG_PATH),
    environment: val(env.CI_ENVIRONMENT_NAME),
  });
  const iid = Number(val(env.CI_MERGE_REQUEST_IID));
  if (Number.isInteger(iid) && iid > 0) {
    const head = val(env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA);
    const projectUrl = val(env.CI_MERGE_REQUEST_PROJECT_URL);
    ctx.pullRequest = compact({
      number: iid,
      baseRef: val(env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME),
      baseSha: val(env.CI_MERGE_REQUEST_TARGET_BRANCH_SHA) ?? val(env.CI_MERGE_REQUEST_DIFF_BASE_SHA),
      headRef: val(env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME),
      // Merged-results pipelines run on a synthetic commit and name the head separately.
      headSha: head ?? val(env.CI_COMMIT_SHA),
      title: val(env.CI_MERGE_REQUEST_TITLE),
      url: projectUrl ? `${projectUrl}/-/merge_requests/${iid}` : undefined,
    });
    if (head) ctx.commit = head;
    // GitLab says only whether the MR is approved, not by whom.
    if (env.CI_MERGE_REQUEST_APPROVED === 'true') {
      ctx.review = compact({ state: 'approved' as const, commitSha: ctx.commit });
    }
  }
  const before = val(env.CI_COMMIT_BEFORE_SHA);
  if (ctx.event === 'push' && before) ctx.push = { before, ...(ctx.commit ? { after: ctx.commit } : {}) };
  return ctx;
}
