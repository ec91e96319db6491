import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SourceError } from '../src/errors.js';
import { isUnavailable, type GithubRepository, type Maybe } from '../src/facts/index.js';
import {
  apiUrlFor,
  collectGithubFacts,
  githubRepoOfRemote,
  progressLine,
} from '../src/sources/github/index.js';
import { baseScenario, NOW, simulatorHarness, TOKEN } from './github-fixtures.js';

const h = simulatorHarness();
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function value<T>(v: Maybe<T>): T {
  if (isUnavailable(v)) throw new Error(`unavailable: ${v.reason}`);
  return v;
}
const repo = (repos: GithubRepository[], name: string) => repos.find((r) => r.name === name)!;

describe('GitHub source through Octokit against the simulator', () => {
  it('reads organisation, access, pipeline and repository facts', async () => {
    const { facts } = await h.collect(baseScenario());
    const settings = value(facts.settings);
    expect(settings.twoFactorRequired).toBe(true);
    expect(settings.defaultRepositoryPermission).toBe('read');
    expect(settings.samlSso).toEqual({ configured: true });
    expect(
      value(facts.members)
        .filter((m) => m.role === 'admin')
        .map((m) => m.login),
    ).toEqual(['alice']);
    expect(value(facts.membersWithout2fa)).toEqual([]);
    expect(value(facts.workflowPermissions)).toEqual({
      defaultWorkflowPermissions: 'read',
      canApprovePullRequestReviews: false,
    });
    expect(value(facts.actions)).toMatchObject({
      allowedActions: 'selected',
      selected: { verifiedAllowed: true },
    });
    expect(value(facts.runnerGroups)[0]).toMatchObject({ name: 'Default', runners: 2 });
    expect(value(facts.webhooks)[0]).toMatchObject({
      host: 'siem.example',
      hasSecret: true,
      insecureSsl: false,
    });
    expect(value(facts.outsideCollaborators)).toEqual([
      {
        login: 'vendor-vic',
        repositories: [
          { repository: 'acme/api', permission: 'read' },
          { repository: 'acme/legacy', permission: 'write' },
        ],
      },
    ]);
    expect(value(facts.auditLog.lastActivity).byActor.alice).toBeDefined();

    const api = repo(facts.repositories, 'api');
    const legacy = repo(facts.repositories, 'legacy');
    expect(value(api.workflowPermissions).inheritedFromOrganization).toBe(true);
    expect(value(api.environments)[0]).toMatchObject({
      name: 'production',
      preventSelfReview: true,
      canAdminsBypass: false,
      requiredReviewers: [{ type: 'Team', name: 'break-glass' }],
    });
    expect(value(legacy.deployKeys)).toEqual([
      expect.objectContaining({ title: 'old-deployer', readOnly: false }),
    ]);
    expect(value(legacy.secrets)[0]).toMatchObject({ name: 'AWS_KEY', scope: 'repository' });
    expect(value(legacy.webhooks)[0]).toMatchObject({ hasSecret: false, insecureSsl: true });
    expect(value(api.securityAndAnalysis)).toMatchObject({ secretScanning: true, pushProtection: true });
    expect(value(api.codeScanning).enabled).toBe(true);
    expect(value(api.alerts.dependabot)[0]).toMatchObject({ state: 'fixed', severity: 'high' });
    expect(isUnavailable(legacy.alerts.dependabot)).toBe(true);

    const pr = value(api.pullRequests)[0]!;
    expect(pr).toMatchObject({
      number: 1,
      author: 'bob',
      lastPusher: 'bob',
      mergedBy: 'alice',
      checkState: 'SUCCESS',
    });
    expect(pr.reviews[0]).toMatchObject({ author: 'alice', state: 'APPROVED', commitSha: pr.headSha });
    expect(value(api.deployments)[0]).toMatchObject({ environment: 'production', sha: pr.mergeCommitSha });
    expect(facts.stats.requests).toBeGreaterThan(10);
  });

  it('merges classic protection and rulesets into the effective protection, with bypass actors', async () => {
    const { facts } = await h.collect(baseScenario());
    const api = value(repo(facts.repositories, 'api').branches[0]!.protection);
    expect(api.protected).toBe(true);
    expect(api.sources.map((s) => s.kind)).toEqual(['classic', 'ruleset']);
    expect(api.effective).toMatchObject({
      pullRequest: true,
      requiredApprovals: 1,
      dismissStaleReviews: true,
      statusChecks: ['ci/test'],
      strictStatusChecks: true,
      blockForcePushes: true,
    });
    expect(value(api.sources[1]!.bypass)).toEqual([
      { actorType: 'Team', actorId: expect.any(Number), bypassMode: 'always', name: 'break-glass' },
    ]);
    const legacy = value(repo(facts.repositories, 'legacy').branches[0]!.protection);
    expect(legacy).toMatchObject({ protected: false, sources: [], gaps: [] });
  });

  it('sees a branch protected only by a ruleset as protected', async () => {
    const s = baseScenario();
    s.repositories![0]!.protection = null;
    const { facts } = await h.collect(s);
    const p = value(repo(facts.repositories, 'api').branches[0]!.protection);
    expect(p.protected).toBe(true);
    expect(p.sources.map((x) => x.name)).toEqual(['default-branch']);
  });

  it('reports what a token without admin cannot see, naming the permission', async () => {
    const { facts } = await h.collect(baseScenario({ token: { value: TOKEN, admin: false } }));
    expect(isUnavailable(facts.workflowPermissions)).toBe(true);
    expect((facts.workflowPermissions as { reason: string }).reason).toMatch(
      /actions\/permissions\/workflow answered 404.*organisation owner.*admin:org/,
    );
    expect((value(facts.settings).twoFactorRequired as { reason: string }).reason).toMatch(/owner/);
    const api = repo(facts.repositories, 'api');
    const p = value(api.branches[0]!.protection);
    // Classic protection is hidden, but the ruleset still shows the branch is protected.
    expect(p.protected).toBe(true);
    expect(p.gaps[0]!.reason).toMatch(/branches\/\{branch\}\/protection answered 404.*Administration: read/);
    expect(isUnavailable(p.sources[0]!.bypass)).toBe(true);
    expect(isUnavailable(api.deployKeys)).toBe(true);
    expect(isUnavailable(api.secrets)).toBe(true);
  });

  it('answers a second run from stored ETags: every REST resource that has an ETag comes back 304', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gl-etag-'));
    dirs.push(dir);
    const cacheFile = path.join(dir, 'cache.json');
    const { sim, facts: first } = await h.collect(baseScenario(), { cacheFile });
    sim.resetStats();
    const second = await collectGithubFacts({
      target: 'acme',
      apiUrl: sim.url,
      token: TOKEN,
      since: new Date(NOW.getTime() - 90 * 86_400_000),
      until: NOW,
      cacheFile,
      retryBaseMs: 1,
    });
    expect(second.repositories).toEqual(first.repositories);
    expect(second.settings).toEqual(first.settings);
    // Every REST read comes back 304; only GraphQL POSTs are answered in full.
    expect(sim.stats.notModified).toBe(sim.stats.rest);
    expect(sim.stats.notModified / sim.stats.requests).toBeGreaterThanOrEqual(0.85);
    expect(second.stats.notModified).toBe(sim.stats.notModified);
  });

  it('retries 5xx and secondary rate limits, and keeps going when an endpoint stays down', async () => {
    const { sim, facts } = await h.collect(
      baseScenario({
        faults: {
          secondary_rate_limit_every: 7,
          errors: [
            { path: '^/orgs/acme/hooks$', status: 502, times: 2 },
            { path: '^/repos/acme/legacy/hooks$', status: 503, times: 10 },
          ],
        },
      }),
    );
    expect(sim.stats.secondaryRateLimited).toBeGreaterThan(0);
    expect(value(facts.webhooks)).toHaveLength(1);
    const legacy = repo(facts.repositories, 'legacy');
    expect((legacy.webhooks as { reason: string }).reason).toMatch(/hooks failed with 503 after retries/);
    expect(value(repo(facts.repositories, 'api').webhooks)).toHaveLength(1);
  });

  it('makes a malformed response not_available naming the endpoint, and the run goes on', async () => {
    const malformed =
      /actions\/permissions\/workflow 200: \/ must have required property 'default_workflow_permissions'/;
    h.recorder.expect(malformed);
    const { facts } = await h.collect(
      baseScenario({
        faults: {
          malformed: [
            { path: '^/orgs/acme/actions/permissions/workflow$', drop: 'default_workflow_permissions' },
          ],
        },
      }),
    );
    expect((facts.workflowPermissions as { reason: string }).reason).toMatch(
      /^GET \/orgs\/\{org\}\/actions\/permissions\/workflow returned an unexpected response \(default_workflow_permissions: /,
    );
    expect(value(facts.settings).login).toBe('acme');
    // The OpenAPI validator caught the simulator's deliberately malformed answer.
    expect(h.recorder.caught(malformed).length).toBeGreaterThan(0);
  });

  it('fails with a SourceError (exit 4) when nothing can be read', async () => {
    const sim = await h.start(baseScenario());
    const err = await collectGithubFacts({
      target: 'acme',
      apiUrl: sim.url,
      token: 'wrong',
      since: null,
      until: NOW,
      retryBaseMs: 1,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).exitCode).toBe(4);
    expect((err as Error).message).not.toContain('wrong');
    const down = await collectGithubFacts({
      target: 'acme',
      apiUrl: 'http://127.0.0.1:9',
      token: TOKEN,
      since: null,
      until: NOW,
      retryBaseMs: 1,
    }).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(SourceError);
    expect((down as Error).message).toMatch(/could not be reached after retries/);
  });

  it('reads one repository, and works as an Enterprise Server under /api/v3', async () => {
    const sim = await h.start(baseScenario());
    const facts = await collectGithubFacts({
      target: 'acme/api',
      apiUrl: apiUrlFor(sim.ghesUrl),
      token: TOKEN,
      since: new Date(NOW.getTime() - 90 * 86_400_000),
      until: NOW,
      retryBaseMs: 1,
    });
    expect(facts.scope).toEqual({ kind: 'repository', repository: 'acme/api' });
    expect(facts.repositories.map((r) => r.name)).toEqual(['api']);
    expect(value(facts.repositories[0]!.pullRequests)).toHaveLength(1);
    expect(value(facts.repositories[0]!.alerts['code-scanning'])).toHaveLength(1);
  });

  it('authenticates as a GitHub App: app id + private key → installation token', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sim = await h.start(
      baseScenario({
        app: {
          id: 42,
          installation_id: 7,
          public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        },
      }),
    );
    const facts = await collectGithubFacts({
      target: 'acme',
      apiUrl: sim.url,
      app: { appId: 42, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
      since: null,
      until: NOW,
      retryBaseMs: 1,
    });
    expect(facts.auth.kind).toBe('app');
    expect(value(facts.settings).login).toBe('acme');
  });

  it('reads release branches in scope and CODEOWNERS errors when code-owner review is required', async () => {
    const s = baseScenario();
    const api = s.repositories![0]!;
    api.branches = ['release/1.0', 'feature/x'];
    api.branch_protections = { 'release/1.0': { enforce_admins: true } };
    api.protection = {
      required_pull_request_reviews: { required_approving_review_count: 1, require_code_owner_reviews: true },
    };
    api.codeowners_errors = [{ line: 3, kind: 'Unknown owner', message: 'Unknown owner on line 3: @ghost' }];
    const progress: string[] = [];
    const { facts } = await h.collect(s, {
      releaseBranches: ['release/*'],
      progress: (p) => progress.push(progressLine(p, 'acme')),
    });
    const repo = facts.repositories.find((r) => r.name === 'api')!;
    expect(repo.branches.map((b) => b.branch)).toEqual(['main', 'release/1.0']);
    expect(value(repo.branches[1]!.protection)).toMatchObject({
      protected: true,
      sources: [{ kind: 'classic' }],
    });
    expect(value(repo.codeownersErrors!)).toEqual([
      {
        path: '.github/CODEOWNERS',
        line: 3,
        kind: 'Unknown owner',
        message: 'Unknown owner on line 3: @ghost',
      },
    ]);
    expect(progress.at(-1)).toMatch(/^GitHub acme: 2\/2 repositories · \d+ requests · rate limit \d+ left$/);
  });

  it('recognises GitHub remotes', () => {
    expect(githubRepoOfRemote('git@github.com:acme/api.git')).toBe('acme/api');
    expect(githubRepoOfRemote('https://github.com/acme/api')).toBe('acme/api');
    expect(githubRepoOfRemote('https://x-access-token:abc@github.com/acme/api.git')).toBe('acme/api');
    expect(githubRepoOfRemote('https://gitlab.com/acme/api.git')).toBeNull();
    expect(apiUrlFor('https://ghe.example.com/')).toBe('https://ghe.example.com/api/v3');
    expect(apiUrlFor(undefined)).toBe('https://api.github.com');
  });
});
