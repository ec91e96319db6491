import { z } from 'zod';

/**
 * The parts of a GitHub webhook payload (`$GITHUB_EVENT_PATH`) greenlight reads. Validated at
 * the edge with zod; unknown keys are ignored (payloads carry hundreds of fields).
 */
const sha = z.string().regex(/^[0-9a-f]{40}$/, 'expected a 40-character commit SHA');
const user = z.object({ login: z.string() }).nullish();

const branchRef = z.object({ ref: z.string(), sha, label: z.string().optional() });

const pullRequest = z.object({
  number: z.number().int().positive(),
  title: z.string().optional(),
  html_url: z.string().optional(),
  user,
  base: branchRef,
  head: branchRef,
});

export const pullRequestEvent = z.object({
  action: z.string(),
  number: z.number().int().positive().optional(),
  pull_request: pullRequest,
});

export const pullRequestReviewEvent = z.object({
  action: z.string(),
  pull_request: pullRequest,
  review: z.object({
    state: z.string(),
    user,
    commit_id: sha.nullish(),
    submitted_at: z.string().nullish(),
  }),
});

export const pushEvent = z.object({
  ref: z.string(),
  before: sha,
  after: sha,
  forced: z.boolean().optional(),
  pusher: z.object({ name: z.string() }).optional(),
});

export const deploymentEvent = z.object({
  deployment: z.object({ sha, ref: z.string(), environment: z.string() }),
});

export type PullRequestEvent = z.infer<typeof pullRequestEvent>;
export type PullRequestReviewEvent = z.infer<typeof pullRequestReviewEvent>;
export type PushEvent = z.infer<typeof pushEvent>;
export type DeploymentEvent = z.infer<typeof deploymentEvent>;

/** Schema per event name; events not listed are captured from the environment alone. */
export const EVENT_SCHEMAS = {
  pull_request: pullRequestEvent,
  pull_request_target: pullRequestEvent,
  pull_request_review: pullRequestReviewEvent,
  push: pushEvent,
  deployment: deploymentEvent,
} as const;
