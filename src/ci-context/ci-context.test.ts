import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { captureCiContext } from './index.js';

const require = createRequire(import.meta.url);
// Real payloads as GitHub sends them, from the community-maintained examples.
const definitions = require('@octokit/webhooks-examples') as {
  name: string;
  examples: Record<string, unknown>[];
}[];

function example(name: string, action?: string): Record<string, unknown> {
  const def = definitions.find((d) => d.name === name);
  const ex = def?.examples.find((e) => action === undefined || e.action === action);
  if (!ex) throw new Error(`no ${name}/${action} example`);
  return ex;
}

const dir = mkdtempSync(path.join(tmpdir(), 'gl-ci-context-'));
function payloadFile(name: string, payload: unknown): string {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, typeof payload === 'string' ? payload : JSON.stringify(payload));
  return file;
}

const githubEnv = (event: string, file: string): Record<string, string> => ({
  GITHUB_ACTIONS: 'true',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'Codertocat/Hello-World',
  GITHUB_SHA: 'f'.repeat(40),
  GITHUB_REF: 'refs/pull/2/merge',
  GITHUB_ACTOR: 'Codertocat',
  GITHUB_WORKFLOW_REF: 'Codertocat/Hello-World/.github/workflows/ci.yml@refs/heads/main',
  GITHUB_EVENT_NAME: event,
  GITHUB_EVENT_PATH: file,
  GITHUB_TOKEN: 'ghs_secretsecretsecretsecretsecret0000',
  ACTIONS_RUNTIME_TOKEN: 'runtime-secret-value',
});

describe('GitHub Actions context', () => {
  it('reads the pull request number, base and head from a pull_request payload', () => {
    const payload = example('pull_request', 'opened');
    const ctx = captureCiContext(githubEnv('pull_request', payloadFile('pr', payload)));
    const pr = payload.pull_request as {
      number: number;
      head: { sha: string; ref: string };
      base: { ref: string };
    };
    expect(ctx.system).toBe('github-actions');
    expect(ctx.event).toBe('pull_request');
    expect(ctx.runUrl).toBe('https://github.com/Codertocat/Hello-World/actions/runs/4242');
    expect(ctx.pullRequest).toMatchObject({ number: pr.number, headSha: pr.head.sha, baseRef: pr.base.ref });
    // The change is the PR head, not GitHub's synthetic merge commit.
    expect(ctx.commit).toBe(pr.head.sha);
    expect(ctx.workflowRef).toContain('.github/workflows/ci.yml');
  });

  it('captures no token, whatever the environment holds', () => {
    const ctx = captureCiContext(githubEnv('pull_request', payloadFile('pr2', example('pull_request'))));
    const text = JSON.stringify(ctx);
    expect(text).not.toContain('ghs_secret');
    expect(text).not.toContain('runtime-secret');
  });

  it('reads before/after/forced from a push payload', () => {
    const payload = example('push');
    const ctx = captureCiContext(githubEnv('push', payloadFile('push', payload)));
    expect(ctx.event).toBe('push');
    expect(ctx.push).toEqual({ before: payload.before, after: payload.after, forced: payload.forced });
    expect(ctx.commit).toBe('f'.repeat(40));
  });

  it('reads environment and commit from a deployment payload', () => {
    const payload = example('deployment');
    const dep = payload.deployment as { sha: string; environment: string };
    const ctx = captureCiContext(githubEnv('deployment', payloadFile('deploy', payload)));
    expect(ctx.event).toBe('deployment');
    expect(ctx.environment).toBe(dep.environment);
    expect(ctx.commit).toBe(dep.sha);
  });

  it('reads the reviewer and state from a pull_request_review payload', () => {
    const payload = example('pull_request_review', 'submitted');
    const review = payload.review as { user: { login: string }; commit_id: string };
    const ctx = captureCiContext(githubEnv('pull_request_review', payloadFile('review', payload)));
    expect(ctx.event).toBe('pull_request_review');
    expect(ctx.review).toMatchObject({ reviewer: review.user.login, commitSha: review.commit_id });
  });

  it('rejects a malformed payload naming the file and the JSON pointer', () => {
    const payload = structuredClone(example('pull_request', 'opened')) as {
      pull_request: { head: { sha: string } };
    };
    payload.pull_request.head.sha = 'not-a-sha';
    const file = payloadFile('bad', payload);
    expect(() => captureCiContext(githubEnv('pull_request', file))).toThrow(InputError);
    expect(() => captureCiContext(githubEnv('pull_request', file))).toThrow(
      `${file}: invalid event payload at /pull_request/head/sha`,
    );
    const notJson = payloadFile('notjson', '{"action": ');
    expect(() => captureCiContext(githubEnv('push', notJson))).toThrow(/not valid JSON/);
  });

  it('ignores the payload of events it does not need', () => {
    const ctx = captureCiContext(
      githubEnv('workflow_dispatch', payloadFile('wd', example('workflow_dispatch'))),
    );
    expect(ctx.event).toBe('workflow_dispatch');
    expect(ctx.pullRequest).toBeUndefined();
  });
});

describe('GitLab CI context', () => {
  const base = {
    GITLAB_CI: 'true',
    CI_SERVER_URL: 'https://gitlab.example.com',
    CI_PROJECT_PATH: 'acme/shop',
    CI_PIPELINE_ID: '991',
    CI_PIPELINE_URL: 'https://gitlab.example.com/acme/shop/-/pipelines/991',
    CI_JOB_URL: 'https://gitlab.example.com/acme/shop/-/jobs/5',
    CI_COMMIT_SHA: 'a'.repeat(40),
    CI_COMMIT_REF_NAME: 'main',
    GITLAB_USER_LOGIN: 'alice',
    CI_CONFIG_PATH: '.gitlab-ci.yml',
    CI_JOB_TOKEN: 'glcbt-secret-job-token',
  };

  it('maps a merge request pipeline onto a pull request', () => {
    const ctx = captureCiContext({
      ...base,
      CI_PIPELINE_SOURCE: 'merge_request_event',
      CI_MERGE_REQUEST_IID: '17',
      CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
      CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature',
      CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: 'b'.repeat(40),
      CI_MERGE_REQUEST_PROJECT_URL: 'https://gitlab.example.com/acme/shop',
      CI_MERGE_REQUEST_APPROVED: 'true',
    });
    expect(ctx).toMatchObject({
      system: 'gitlab-ci',
      event: 'pull_request',
      runUrl: base.CI_PIPELINE_URL,
      actor: 'alice',
      commit: 'b'.repeat(40),
      pullRequest: { number: 17, headRef: 'feature', baseRef: 'main', headSha: 'b'.repeat(40) },
      review: { state: 'approved' },
    });
    expect(ctx.pullRequest?.url).toBe('https://gitlab.example.com/acme/shop/-/merge_requests/17');
    expect(JSON.stringify(ctx)).not.toContain('glcbt-secret');
  });

  it('keeps the environment of a deploy job', () => {
    const ctx = captureCiContext({
      ...base,
      CI_PIPELINE_SOURCE: 'push',
      CI_ENVIRONMENT_NAME: 'production',
      CI_COMMIT_BEFORE_SHA: 'c'.repeat(40),
    });
    expect(ctx).toMatchObject({ event: 'push', environment: 'production', commit: 'a'.repeat(40) });
    expect(ctx.push).toEqual({ before: 'c'.repeat(40), after: 'a'.repeat(40) });
  });
});

describe('outside CI', () => {
  it('says it is local and nothing more', () => {
    expect(captureCiContext({ HOME: '/root', GITHUB_TOKEN: 'x' })).toEqual({
      system: 'local',
      event: 'other',
    });
  });
});
