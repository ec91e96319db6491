import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli.js';
import { cleanupRepos, isolateGitConfig } from '../../test/git-repo.js';
import { anomalousRepo, UNTIL, type AnomalousRepo } from './__fixtures__/repo.js';

isolateGitConfig();
afterAll(cleanupRepos);

describe('greenlight anomalies', () => {
  let fx: AnomalousRepo;
  let server: Server;
  let url: string;
  const received: unknown[] = [];
  beforeAll(async () => {
    fx = await anomalousRepo();
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(req.url === '/ok' ? 200 : 500).end();
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));
  const env = { GREENLIGHT_NOW: UNTIL.toISOString() };
  const cli = (...args: string[]) => runCli(['anomalies', '--repo', fx.repo.dir, ...args], { env });

  it('prints the anomalies of the window as a table', async () => {
    const r = await cli('--since', '2026-01-05');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'anomalies on acme/shop@main from 2026-01-05T00:00:00.000Z to 2026-01-06T20:00:00.000Z (rules: direct-push, force-push, override-spike, deploy-failed-gate, off-hours-merge, failing-checks-spike)',
    );
    expect(lines[1]).toMatch(
      /^LOW {4}off-hours-merge {7}2026-01-05 23:30 {2}\w{7} \(PR #2\) by Alice Doe reached main/,
    );
    expect(lines.at(-1)).toBe('6 anomalies (4 high, 1 medium, 1 low)');
    expect(r.stderr).toBe('');
  });

  it('defaults to the last day, and prints JSON', async () => {
    const r = await cli('--format', 'json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { window: { since: string }; anomalies: { rule: string }[] };
    expect(report.window.since).toBe('2026-01-05T20:00:00.000Z');
    expect(report.anomalies.map((a) => a.rule)).toEqual([
      'off-hours-merge',
      'failing-checks-spike',
      'deploy-failed-gate',
      'direct-push',
      'force-push',
    ]); // INC-1 is older than a day: two overrides in the window are within the limit.
  });

  it('--notify delivers, records the run, and exits 4 when a destination fails', async () => {
    writeFileSync(
      path.join(fx.repo.dir, 'greenlight.yml'),
      `anomalies:\n  enabled: true\n  alerts:\n    webhook: ${url}/ok\n`,
    );
    const ok = await cli('--since', '2026-01-05', '--notify');
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/anomaly run recorded as ledger entry \d+ \(checkpoint \d+\)\n/);
    expect(ok.stderr).toMatch(/alert to webhook 127\.0\.0\.1:\d+: delivered\n/);
    expect(received).toHaveLength(1);

    writeFileSync(
      path.join(fx.repo.dir, 'greenlight.yml'),
      `anomalies:\n  enabled: true\n  alerts:\n    webhook: ${url}/broken\n`,
    );
    const failed = await cli('--since', '2026-01-05', '--notify');
    expect(failed.code).toBe(4);
    expect(failed.stderr).toMatch(/alert to webhook 127\.0\.0\.1:\d+: not delivered \(answered 500\)/);
    expect(failed.stderr).toMatch(/anomaly run recorded as ledger entry/);
  });

  it('exits 2 on a bad config, naming the key', async () => {
    writeFileSync(
      path.join(fx.repo.dir, 'greenlight.yml'),
      'anomalies:\n  alerts:\n    webhook: not a url\n',
    );
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/greenlight\.yml.*anomalies\.alerts\.webhook.*http\(s\) URL/);
    writeFileSync(path.join(fx.repo.dir, 'greenlight.yml'), '');
  });
});
