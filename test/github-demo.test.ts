import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { run as demo } from '../src/cli/demo.js';
import { run as doctor } from '../src/cli/doctor.js';
import type { Assessment } from '../src/engine/index.js';
import { isUnavailable } from '../src/facts/index.js';
import { parseScenario } from '../src/sim/github/index.js';
import { acmeScenario } from '../src/sim/github/scenarios/acme.js';
import { baseScenario, NOW, simulatorHarness, TOKEN } from './github-fixtures.js';

const h = simulatorHarness();
const dir = mkdtempSync(path.join(tmpdir(), 'gl-demo-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function captureStdout(): () => string {
  let text = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  return () => text;
}

describe('the bundled acme scenario', () => {
  it('has at least 12 repositories and 300 merged pull requests, all served as GitHub’s API describes', async () => {
    const scenario = parseScenario(acmeScenario());
    expect(scenario.repositories.length).toBeGreaterThanOrEqual(12);
    const { sim, facts } = await h.collect(acmeScenario(), {
      token: scenario.token.value,
      since: new Date(NOW.getTime() - 100 * 86_400_000),
    });
    const pulls = sim.world.repos.reduce((n, r) => n + r.pulls.length, 0);
    expect(pulls).toBeGreaterThanOrEqual(300);
    const read = facts.repositories.reduce(
      (n, r) => n + (isUnavailable(r.pullRequests) ? 0 : r.pullRequests.length),
      0,
    );
    expect(read).toBe(pulls);
  });

  it('generates the same history on every run', () => {
    const a = parseScenario(acmeScenario());
    const b = parseScenario(acmeScenario());
    expect(a).toEqual(b);
  });
});

describe('greenlight demo', () => {
  it('assesses acme end to end through the simulator and writes the report', async () => {
    const out = path.join(dir, 'demo.json');
    expect(await demo({ format: 'json', out, quiet: true })).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Assessment;
    expect(report.subject).toMatchObject({ kind: 'github', name: 'acme' });
    const result = (check: string, resource: string) =>
      report.results.find((r) => r.checkId === check && r.resource === resource)?.outcome;
    // Ruleset-only protection counts as protected; no protection and evaluate-only rulesets do not.
    expect(result('branch.protected', 'acme/payments-api@main')).toBe('pass');
    expect(result('branch.protected', 'acme/data-pipeline@main')).toBe('fail');
    expect(result('branch.protected', 'acme/notifications@main')).toBe('fail');
    expect(result('branch.no-bypass', 'acme/api-gateway@main')).toBe('fail');
    expect(result('branch.no-bypass', 'acme/payments-api@main')).toBe('pass');
    expect(result('secrets.rotated', 'acme/infra-terraform:AWS_ACCESS_KEY_ID')).toBe('fail');
    expect(result('org.base-permission-restricted', 'acme')).toBe('fail');
    const failing = (check: string) =>
      report.results.filter((r) => r.checkId === check && r.outcome === 'fail');
    expect(failing('change.independent-approval').length).toBeGreaterThan(5);
    expect(failing('change.checks-passed').length).toBeGreaterThan(0);
    expect(failing('deploy-keys.read-only').length).toBe(2);
    // The local checkout's pull_request_target workflow is assessed too.
    expect(
      report.results.some((r) => r.checkId === 'pipeline.no-dangerous-triggers' && r.outcome === 'fail'),
    ).toBe(true);
  });

  it('rejects a bad scenario file naming the file and key', async () => {
    const bad = path.join(dir, 'bad.yml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, 'org:\n  login: acme\nrepositories:\n  - name: api\n    visibility: secret\n');
    await expect(demo({ format: 'table', scenario: bad, quiet: true })).rejects.toThrow(
      /bad\.yml:5: repositories\.0\.visibility/,
    );
  });
});

describe('greenlight doctor', () => {
  it('lists what a member token cannot see, with the permission needed and the checks affected', async () => {
    const sim = await h.start(baseScenario({ token: { value: TOKEN, admin: false } }));
    vi.stubEnv('GITHUB_TOKEN', TOKEN);
    const stdout = captureStdout();
    const code = await doctor({ github: 'acme', format: 'json', apiUrl: sim.url });
    const report = JSON.parse(stdout()) as {
      visible: { what: string; ok: boolean; reason?: string }[];
      notAvailableChecks: { check: string; reason: string }[];
    };
    expect(code).toBe(1);
    expect(report.visible.find((l) => l.what === 'organisation profile')).toEqual({
      what: 'organisation profile',
      ok: true,
    });
    expect(report.visible.find((l) => l.what === 'default workflow token permissions')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/admin:org/),
    });
    expect(report.notAvailableChecks.map((c) => c.check)).toContain('pipeline.default-token-read-only');
    expect(report.notAvailableChecks.map((c) => c.check)).not.toContain('branch.protected');
  });

  it('reports everything visible to an owner token in a table', async () => {
    const sim = await h.start(baseScenario());
    vi.stubEnv('GITHUB_TOKEN', TOKEN);
    const stdout = captureStdout();
    await doctor({ github: 'acme/api', format: 'table', apiUrl: sim.url });
    expect(stdout()).toMatch(/✓ two-factor requirement/);
    expect(stdout()).toMatch(/✓ branch protection of main \(acme\/api, sampled\)/);
    expect(stdout()).not.toContain(TOKEN);
  });
});
