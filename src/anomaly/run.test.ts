import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupRepos, createRepo, isolateGitConfig } from '../../test/git-repo.js';
import { defaultConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';
import { isUnavailable } from '../facts/index.js';
import { anomalousRepo, SINCE, UNTIL, type AnomalousRepo } from './__fixtures__/repo.js';
import { collectAnomalyFacts, runAnomalies } from './index.js';

isolateGitConfig();
afterAll(cleanupRepos);

/** A local HTTP server that keeps what it is sent. */
interface Receiver {
  url: string;
  bodies: { path: string; type: string | undefined; json: unknown }[];
  close(): Promise<void>;
}

async function receiver(status = 200): Promise<Receiver> {
  const bodies: Receiver['bodies'] = [];
  const read = (req: IncomingMessage) =>
    new Promise<string>((done) => {
      let s = '';
      req.on('data', (c: Buffer) => (s += c.toString()));
      req.on('end', () => done(s));
    });
  const server: Server = createServer((req, res) => {
    void read(req).then((text) => {
      bodies.push({ path: req.url ?? '', type: req.headers['content-type'], json: JSON.parse(text) });
      res.writeHead(status).end('ok');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

const window = { since: SINCE, until: UNTIL, now: UNTIL };

describe('runAnomalies', () => {
  let fx: AnomalousRepo;
  beforeAll(async () => {
    fx = await anomalousRepo();
  });

  it('finds one anomaly per rule in a window with each kind of incident', async () => {
    const report = await runAnomalies({ root: fx.repo.dir, ...window });
    expect(report).toMatchObject({ repository: 'acme/shop', branch: 'main', warnings: [] });
    expect(report.anomalies.map((a) => [a.rule, a.severity, a.at, a.resource])).toEqual([
      ['off-hours-merge', 'low', '2026-01-05T23:30:00.000Z', fx.late],
      ['failing-checks-spike', 'medium', '2026-01-06T06:00:00.000Z', path.basename(fx.repo.dir)],
      ['deploy-failed-gate', 'high', '2026-01-06T08:30:00.000Z', fx.merged],
      ['direct-push', 'high', '2026-01-06T10:00:00.000Z', fx.hotfix],
      ['force-push', 'high', '2026-01-06T11:00:00.000Z', fx.hotfix],
      ['override-spike', 'high', '2026-01-06T15:00:00.000Z', 'INC-1, INC-2, INC-3'],
    ]);
    const message = (rule: string) => report.anomalies.find((a) => a.rule === rule)?.message;
    expect(message('off-hours-merge')).toBe(
      `${fx.late.slice(0, 7)} (PR #2) by Alice Doe reached main on mon at 23:30 UTC, outside working hours (mon, tue, wed, thu, fri 08:00-20:00): "ENG-2 Late fix (#2)"`,
    );
    expect(message('deploy-failed-gate')).toBe(
      `${fx.merged.slice(0, 7)} was deployed to production although the gate failed it (deploy gate at 2026-01-06T08:00:00.000Z: 2 high findings in trivy)`,
    );
    expect(message('force-push')).toBe(
      `main was force-pushed by mallory, replacing aaaaaaa with ${fx.hotfix.slice(0, 7)}`,
    );
    expect(message('override-spike')).toBe(
      '3 emergency overrides within 7 day(s) (at most 2 expected): INC-1 by cto; INC-2 by cto; INC-3 by cto',
    );
    expect(message('failing-checks-spike')).toMatch(
      /has 6 failing results, 6 more than the one before \(0 at 2026-01-04/,
    );
    expect(message('direct-push')).toMatch(/ by Bob Roe was pushed directly to main: "Hotfix on prod"$/);
  });

  it('evaluates only the enabled rules, with the configured thresholds and hours', async () => {
    writeFileSync(
      path.join(fx.repo.dir, 'greenlight.yml'),
      'anomalies:\n  rules: [override-spike, off-hours-merge, failing-checks-spike]\n  overrides: { max: 3, days: 7 }\n' +
        '  workingHours: { timezone: America/Los_Angeles, start: "08:00", end: "18:00" }\n  failingChecks: { increase: 7 }\n',
    );
    try {
      const report = await runAnomalies({ root: fx.repo.dir, ...window });
      // 23:30 UTC is 15:30 in Los Angeles; the merge and the push at 10:00 UTC are at 02:00 there.
      expect(report.anomalies.map((a) => [a.rule, a.resource])).toEqual([
        ['off-hours-merge', fx.merged],
        ['off-hours-merge', fx.hotfix],
      ]);
      expect(report.anomalies[0]?.message).toMatch(/on mon at 02:00 America\/Los_Angeles/);
    } finally {
      writeFileSync(path.join(fx.repo.dir, 'greenlight.yml'), '');
    }
  });

  it('looks at git history alone when there is no ledger, and says so', async () => {
    const repo = createRepo();
    repo.commit({ subject: 'Direct', date: '2026-01-05T21:00:00Z' });
    const report = await runAnomalies({ root: repo.dir, ...window });
    expect(report.anomalies.map((a) => a.rule)).toEqual(['direct-push', 'off-hours-merge']);
    expect(report.warnings).toEqual([
      expect.stringMatching(/no evidence ledger exists yet.*only git history was looked at$/),
    ]);
  });
});

describe('runAnomalies --notify', () => {
  let server: Receiver;
  beforeAll(async () => {
    server = await receiver();
  });
  afterAll(() => server.close());

  it('posts the anomalies as JSON to the webhook and a summary to Slack, and records the run', async () => {
    const fx = await anomalousRepo(
      'anomalies:\n  enabled: true\n  alerts:\n    webhook: $ANOMALY_HOOK\n    slack: ${SLACK_URL}\n',
    );
    const env = { ANOMALY_HOOK: `${server.url}/hook?token=s3cret`, SLACK_URL: `${server.url}/slack` };
    const report = await runAnomalies({ root: fx.repo.dir, ...window, notify: true, env });
    const host = new URL(server.url).host;
    expect(report.deliveries).toEqual([
      { kind: 'webhook', target: host, ok: true, status: 200 },
      { kind: 'slack', target: host, ok: true, status: 200 },
    ]);
    const hook = server.bodies.find((b) => b.path.startsWith('/hook'));
    expect(hook?.type).toBe('application/json');
    expect(hook?.json).toMatchObject({
      kind: 'anomalies',
      repository: 'acme/shop',
      branch: 'main',
      window: { since: SINCE.toISOString(), until: UNTIL.toISOString() },
    });
    expect((hook?.json as { anomalies: unknown[] }).anomalies).toHaveLength(6);
    const slack = server.bodies.find((b) => b.path === '/slack')?.json as { text: string };
    expect(slack.text.split('\n')[0]).toBe('greenlight: 6 anomalies on acme/shop@main');
    expect(slack.text).toMatch(/• \[high\] direct-push: /);

    // The run is evidence: the loader reads it back, without the secret URL.
    const facts = await collectAnomalyFacts({
      root: fx.repo.dir,
      since: SINCE,
      until: new Date(UNTIL.getTime() + 60_000),
      config: defaultConfig(),
      progress: () => {},
    });
    if (isUnavailable(facts)) throw new Error(facts.reason);
    expect(facts.runs).toHaveLength(1);
    expect(facts.runs[0]).toMatchObject({
      index: report.recorded!.index,
      ranAt: UNTIL.toISOString(),
      recordedAt: UNTIL.toISOString(),
      repository: 'acme/shop',
      anomalies: 6,
      byRule: { 'direct-push': 1, 'force-push': 1, 'override-spike': 1 },
      deliveries: report.deliveries,
    });
    const db = readFileSync(path.join(fx.repo.dir, '.greenlight', 'greenlight.db'));
    expect(db.includes('s3cret')).toBe(false);
  });

  it('runs the command with the JSON on its stdin', async () => {
    const out = path.join(createRepo().dir, 'alert.json');
    const fx = await anomalousRepo(
      `anomalies:\n  enabled: true\n  rules: [direct-push]\n  alerts:\n    command: node -e "process.stdin.pipe(require('fs').createWriteStream(process.env.OUT))"\n`,
    );
    const report = await runAnomalies({ root: fx.repo.dir, ...window, notify: true, env: { OUT: out } });
    expect(report.deliveries).toEqual([{ kind: 'command', target: 'node', ok: true, status: 0 }]);
    const sent = JSON.parse(readFileSync(out, 'utf8')) as { anomalies: { rule: string; resource: string }[] };
    expect(sent.anomalies.map((a) => [a.rule, a.resource])).toEqual([['direct-push', fx.hotfix]]);
  });

  it('records a delivery that failed, naming the host only', async () => {
    const down = await receiver(503);
    const fx = await anomalousRepo(`anomalies:\n  enabled: true\n  alerts:\n    webhook: ${down.url}/hook\n`);
    const report = await runAnomalies({ root: fx.repo.dir, ...window, notify: true });
    await down.close();
    expect(report.deliveries).toEqual([
      { kind: 'webhook', target: new URL(down.url).host, ok: false, status: 503, error: 'answered 503' },
    ]);
    expect(report.recorded?.index).toBeGreaterThan(0);
  });

  it('refuses to notify when detection is off or has nowhere to alert', async () => {
    const repo = createRepo();
    repo.commit({ subject: 'x' });
    await expect(runAnomalies({ root: repo.dir, ...window, notify: true })).rejects.toThrow(
      new ConfigError(
        'anomalies.enabled is false in greenlight.yml: enable anomaly detection to send alerts',
      ),
    );
    writeFileSync(path.join(repo.dir, 'greenlight.yml'), 'anomalies: { enabled: true }\n');
    await expect(runAnomalies({ root: repo.dir, ...window, notify: true })).rejects.toThrow(
      /no alert destination/,
    );
  });
});
