import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { cleanupRepos, createRepo, isolateGitConfig, type TestRepo } from '../../../test/git-repo.js';
import { collectAnomalyFacts, runAnomalies } from '../../anomaly/index.js';
import { collectLedgerFacts } from '../../sources/ledger/index.js';
import { configSchema, loadConfig } from '../../config/index.js';
import { assess } from '../../engine/index.js';
import { isUnavailable, type AnomalyFacts, type LedgerFacts } from '../../facts/index.js';
import check from './index.js';

isolateGitConfig();
afterAll(cleanupRepos);

const DAY = 86_400_000;
/** When the anomaly run happened, and when the assessment looks (an hour later). */
const RAN = new Date('2026-01-06T12:00:00Z');
const NOW = new Date(RAN.getTime() + 3_600_000);

let server: Server;
let url: string;
beforeAll(async () => {
  // A webhook receiver on 127.0.0.1 that accepts /ok and refuses everything else.
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(req.url === '/ok' ? 204 : 503).end());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** A repository with one direct push (an anomaly), anomaly detection configured, and one notified run. */
async function notifiedRepo(hook: string): Promise<TestRepo> {
  const repo = createRepo();
  repo.commit({ subject: 'Pushed straight to main', date: '2026-01-06T10:00:00Z' });
  writeFileSync(
    path.join(repo.dir, 'greenlight.yml'),
    `anomalies:\n  enabled: true\n  alerts:\n    webhook: ${url}${hook}\n`,
  );
  await runAnomalies({
    root: repo.dir,
    since: new Date(RAN.getTime() - DAY),
    until: RAN,
    now: RAN,
    notify: true,
  });
  return repo;
}

/** The facts the engine collects for the check, through the real loaders. */
async function factsOf(repo: TestRepo, now = NOW): Promise<{ anomalies: AnomalyFacts; ledger: LedgerFacts }> {
  const ctx = {
    root: repo.dir,
    since: new Date(now.getTime() - 90 * DAY),
    until: now,
    config: loadConfig(repo.dir).config,
    progress: () => {},
  };
  const [anomalies, ledger] = await Promise.all([collectAnomalyFacts(ctx), collectLedgerFacts(ctx)]);
  if (isUnavailable(anomalies) || isUnavailable(ledger)) throw new Error('facts unavailable');
  return { anomalies, ledger };
}

describe('anomaly.detection', () => {
  let delivered: TestRepo;
  beforeAll(async () => {
    delivered = await notifiedRepo('/ok');
  });

  it('passes when rules are on, alerts have a destination and a run is recorded in the window', async () => {
    const config = loadConfig(delivered.dir).config;
    const findings = runCheck(check, await factsOf(delivered), { config, now: NOW });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.message).toBe(
      '6 anomaly rule(s) enabled, alerts go to webhook; 1 run(s) recorded since 2025-10-08, the last at 2026-01-06T12:00:00.000Z (1 anomaly found since 2025-10-08)',
    );
  });

  it('fails, saying which is missing, when detection is off or has no destination', async () => {
    const facts = await factsOf(delivered);
    const off = runCheck(check, facts, { config: configSchema.parse({}), now: NOW });
    expect(off.map((f) => [f.outcome, f.resource, f.message])).toEqual([
      ['fail', 'greenlight.yml', 'anomaly detection is off (anomalies.enabled is false)'],
      [
        'fail',
        'greenlight.yml',
        'anomaly alerts have no destination (anomalies.alerts.webhook, slack or command)',
      ],
    ]);
    const noRules = configSchema.parse({
      anomalies: { enabled: true, rules: [], alerts: { slack: '$SLACK' } },
    });
    expect(runCheck(check, facts, { config: noRules, now: NOW }).map((f) => f.message)).toEqual([
      'no anomaly rule is enabled (anomalies.rules is empty)',
    ]);
  });

  it('fails when no run is recorded in the window', async () => {
    const later = new Date(NOW.getTime() + 120 * DAY);
    const config = loadConfig(delivered.dir).config;
    const findings = runCheck(check, await factsOf(delivered, later), { config, now: later });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toBe(
      'no anomaly run is recorded since 2026-02-05: schedule `greenlight anomalies --notify`',
    );
  });

  it('fails when the last alerts could not be delivered', async () => {
    const refused = await notifiedRepo('/down');
    const config = loadConfig(refused.dir).config;
    const findings = runCheck(check, await factsOf(refused), { config, now: NOW });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(
      /^the alerts of the anomaly run of 2026-01-06T12:00:00.000Z \(1 anomaly\) were not delivered: webhook 127\.0\.0\.1:\d+: answered 503$/,
    );
  });

  it('is not available without an evidence ledger, through the engine', async () => {
    const repo = createRepo();
    repo.commit({ subject: 'x' });
    const run = await assess({ root: repo.dir, now: NOW, checks: [check], only: ['anomaly.detection'] });
    expect(run.assessment.results.map((r) => [r.outcome, r.message])).toEqual([
      [
        'not_available',
        'no evidence ledger exists yet: run `greenlight init`, then `greenlight anomalies --notify` on a schedule',
      ],
    ]);
  });

  it('passes through the engine once detection runs', async () => {
    const run = await assess({ root: delivered.dir, now: NOW, checks: [check], only: ['anomaly.detection'] });
    expect(run.assessment.results.map((r) => r.outcome)).toEqual(['pass']);
  });
});
