import { afterAll, describe, expect, it } from 'vitest';
import { parseScenario, startSimulator, type Simulator } from '../src/sim/github/index.js';
import { baseScenario, NOW, TOKEN } from './github-fixtures.js';
import { openapiRecorder, validateExchange } from './github-openapi.js';

const recorder = openapiRecorder();
const sims: Simulator[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

async function sim(over: Parameters<typeof baseScenario>[0] = {}, token: Record<string, unknown> = {}) {
  const input = baseScenario(over);
  input.token = { value: TOKEN, ...token };
  const s = await startSimulator(parseScenario(input), { now: NOW, onExchange: recorder.record });
  sims.push(s);
  return s;
}

const get = (s: Simulator, path: string, headers: Record<string, string> = {}) =>
  fetch(`${s.url}${path}`, { headers: { authorization: `token ${TOKEN}`, ...headers } });

const ENDPOINTS = [
  '/orgs/acme',
  '/orgs/acme/members',
  '/orgs/acme/members?role=admin',
  '/orgs/acme/members?filter=2fa_disabled',
  '/orgs/acme/outside_collaborators',
  '/orgs/acme/actions/permissions',
  '/orgs/acme/actions/permissions/selected-actions',
  '/orgs/acme/actions/permissions/workflow',
  '/orgs/acme/actions/secrets',
  '/orgs/acme/actions/runner-groups',
  '/orgs/acme/actions/runners',
  '/orgs/acme/hooks',
  '/orgs/acme/rulesets',
  '/orgs/acme/audit-log',
  '/orgs/acme/repos?per_page=1',
  '/orgs/acme/dependabot/alerts',
  '/orgs/acme/code-scanning/alerts',
  '/orgs/acme/secret-scanning/alerts',
  '/repos/acme/api',
  '/repos/acme/api/branches/main/protection',
  '/repos/acme/legacy/branches/main/protection',
  '/repos/acme/api/rules/branches/main',
  '/repos/acme/api/actions/permissions/workflow',
  '/repos/acme/api/actions/secrets',
  '/repos/acme/api/hooks',
  '/repos/acme/legacy/hooks',
  '/repos/acme/api/environments',
  '/repos/acme/api/codeowners/errors',
  '/repos/acme/api/code-scanning/default-setup',
  '/repos/acme/api/dependabot/alerts',
  '/repos/acme/api/code-scanning/alerts',
  '/repos/acme/api/secret-scanning/alerts',
  '/rate_limit',
];

describe('GitHub simulator', () => {
  it('answers every endpoint the source reads, as an admin and as a member, conforming to the OpenAPI description', async () => {
    for (const admin of [true, false]) {
      const s = await sim({}, { admin });
      for (const path of ENDPOINTS) {
        const res = await get(s, path);
        await res.text();
        expect([200, 403, 404, 422]).toContain(res.status);
      }
      const rules = (await (await get(s, '/repos/acme/api/rules/branches/main')).json()) as {
        ruleset_id: number;
      }[];
      const id = rules[0]!.ruleset_id;
      expect((await get(s, `/orgs/acme/rulesets/${id}`)).status).toBe(admin ? 200 : 404);
      const detail = (await (await get(s, `/repos/acme/api/rulesets/${id}`)).json()) as Record<
        string,
        unknown
      >;
      expect('bypass_actors' in detail).toBe(admin);
    }
    expect(recorder.count()).toBeGreaterThan(2 * ENDPOINTS.length);
    expect(recorder.problems()).toEqual([]);
  });

  it('hides admin-only endpoints and owner-only fields from a token without admin', async () => {
    const s = await sim({}, { admin: false });
    expect((await get(s, '/repos/acme/api/branches/main/protection')).status).toBe(404);
    expect((await get(s, '/orgs/acme/actions/permissions/workflow')).status).toBe(404);
    const org = (await (await get(s, '/orgs/acme')).json()) as Record<string, unknown>;
    expect(org.login).toBe('acme');
    expect('two_factor_requirement_enabled' in org).toBe(false);
  });

  it('tells an unprotected branch (admin) apart from a hidden one', async () => {
    const s = await sim();
    const res = await get(s, '/repos/acme/legacy/branches/main/protection');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toBe('Branch not protected');
  });

  it('answers conditional requests with 304 that cost no rate limit', async () => {
    const s = await sim();
    const first = await get(s, '/orgs/acme/hooks');
    const etag = first.headers.get('etag')!;
    const left = Number(first.headers.get('x-ratelimit-remaining'));
    expect(etag).toMatch(/^W\/"/);
    const second = await get(s, '/orgs/acme/hooks', { 'if-none-match': etag });
    expect(second.status).toBe(304);
    expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(left);
    expect(s.stats.notModified).toBe(1);
  });

  it('refuses bad credentials with 401', async () => {
    const s = await sim();
    const res = await fetch(`${s.url}/orgs/acme`, { headers: { authorization: 'token nope' } });
    expect(res.status).toBe(401);
    expect(
      validateExchange({
        method: 'GET',
        path: '/orgs/acme',
        query: '',
        status: 401,
        headers: {},
        body: await res.text(),
      }),
    ).toEqual([]);
  });

  it('injects secondary rate limits with retry-after, and latency', async () => {
    const s = await sim({
      faults: { secondary_rate_limit_every: 2, retry_after_seconds: 3, latency_ms: 40 },
    });
    const a = await get(s, '/orgs/acme');
    await a.text();
    const started = performance.now();
    const b = await get(s, '/orgs/acme');
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    expect(b.status).toBe(403);
    expect(b.headers.get('retry-after')).toBe('3');
    expect(((await b.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    expect(s.stats.secondaryRateLimited).toBe(1);
  });

  it('runs GraphQL against GitHub’s schema: valid queries resolve, invalid ones are rejected', async () => {
    const s = await sim();
    const post = (query: string) =>
      fetch(`${s.url}/graphql`, {
        method: 'POST',
        headers: { authorization: `bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      }).then(
        (r) =>
          r.json() as Promise<{
            data?: { repository: { pullRequests: { nodes: unknown[] } } };
            errors?: { message: string }[];
          }>,
      );
    const ok = await post(
      `{ repository(owner: "acme", name: "api") { nameWithOwner pullRequests(first: 5, states: MERGED) { nodes { number author { login } reviews(first: 5) { nodes { state author { login } commit { oid } } } statusCheckRollup { state } } } } }`,
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.repository.pullRequests.nodes[0]).toMatchObject({ number: 1, author: { login: 'bob' } });
    const bad = await post(`{ repository(owner: "acme", name: "api") { notAField } }`);
    expect(bad.errors?.[0]?.message).toMatch(/Cannot query field "notAField" on type "Repository"/);
  });
});

describe('docs/github-simulator.md', () => {
  it('documents a scenario the simulator accepts', async () => {
    const { readFileSync, writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { loadScenarioFile } = await import('../src/sim/github/index.js');
    const doc = readFileSync(new URL('../docs/github-simulator.md', import.meta.url), 'utf8');
    const yaml = /## Scenario format[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(yaml).toBeDefined();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gl-doc-')), 'scenario.yml');
    writeFileSync(file, yaml!);
    const scenario = loadScenarioFile(file);
    expect(scenario.repositories[0]!.generate_pull_requests?.count).toBe(30);
    const { app: _app, ...withoutApp } = scenario;
    const s = await startSimulator(withoutApp, { now: NOW, onExchange: recorder.record });
    sims.push(s);
    expect(s.world.repos[0]!.pulls).toHaveLength(31);
  });
});
