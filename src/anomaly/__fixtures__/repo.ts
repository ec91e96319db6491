/**
 * A repository with one incident of each kind the anomaly rules look for, made through the real
 * paths: a git history (squash merges, a late merge, a direct push), CI evidence recorded into a
 * real signed ledger with the evidence statement builders, and two real assessments of
 * `pipeline.actions-pinned` recorded as `greenlight assess` records them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  deploymentStatement,
  gateStatement,
  openLedgerStore,
  overrideStatement,
  recordIdempotent,
  type AppendItem,
} from '../../evidence/index.js';
import type { CiContext } from '../../ci-context/index.js';
import pipelineActionsPinned from '../../checks/pipeline.actions-pinned/index.js';
import { loadConfig } from '../../config/index.js';
import { assess } from '../../engine/index.js';
import { recordAssessment } from '../../engine/record.js';
import { BOB, createRepo, type TestRepo } from '../../../test/git-repo.js';

export const LOCAL: CiContext = { system: 'local', event: 'other' };
/** The window the tests look at: Monday 2026-01-05 00:00 to Tuesday 20:00 (UTC). */
export const SINCE = new Date('2026-01-05T00:00:00Z');
export const UNTIL = new Date('2026-01-06T20:00:00Z');

export interface AnomalousRepo {
  repo: TestRepo;
  /** Squash-merged Monday 10:00, then deployed although its deploy gate failed. */
  merged: string;
  /** Squash-merged Monday 23:30 (off hours); gate failed, then passed, then deployed. */
  late: string;
  /** Pushed directly to main on Tuesday 10:00. */
  hotfix: string;
  /** Records any statement at a given time into the repository's ledger. */
  record(at: string, item: AppendItem): Promise<void>;
}

const pushCi = (ref: string, before: string, after: string): CiContext => ({
  system: 'github-actions',
  event: 'push',
  repository: 'acme/shop',
  ref,
  actor: 'mallory',
  runUrl: `https://github.com/acme/shop/actions/runs/${after.slice(0, 6)}`,
  push: { before, after, forced: true },
});

function workflow(dir: string, actions: number): void {
  const steps = Array.from({ length: actions }, (_, i) => `      - uses: vendor/tool-${i}@v1\n`).join('');
  mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
  writeFileSync(
    path.join(dir, '.github', 'workflows', 'ci.yml'),
    `on: pull_request\npermissions: read-all\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n${steps}`,
  );
}

export async function anomalousRepo(config = ''): Promise<AnomalousRepo> {
  const repo = createRepo();
  repo.git(['remote', 'add', 'origin', 'https://github.com/acme/shop.git']);
  if (config) writeFileSync(path.join(repo.dir, 'greenlight.yml'), config);
  const merged = repo.squash(1, { subject: 'ENG-1 Add cart', date: '2026-01-05T10:00:00Z' });
  const late = repo.squash(2, { subject: 'ENG-2 Late fix', date: '2026-01-05T23:30:00Z' });
  const hotfix = repo.commit({ subject: 'Hotfix on prod', author: BOB, date: '2026-01-06T10:00:00Z' });
  const { config: cfg } = loadConfig(repo.dir);

  const record = async (at: string, item: AppendItem) => {
    const clock = new Date(at);
    const store = await openLedgerStore({ root: repo.dir, config: cfg, now: () => clock, write: true });
    try {
      await recordIdempotent(store, item, clock);
    } finally {
      await store.close();
    }
  };
  const gate = (commit: string, decision: 'pass' | 'fail', at: string) =>
    record(at, {
      statement: gateStatement({
        context: 'deploy',
        decision,
        commit,
        environment: 'production',
        reasons: decision === 'fail' ? ['2 high findings in trivy'] : [],
        decidedAt: at,
        ci: LOCAL,
      }),
    });
  const deploy = (commit: string, at: string) =>
    record(at, {
      statement: deploymentStatement({ environment: 'production', commit, artifacts: [], deployedAt: at, ci: LOCAL }),
    });
  const override = (ticket: string, at: string) =>
    record(at, {
      statement: overrideStatement({
        ticket,
        reason: 'outage',
        approver: 'cto',
        openedAt: at,
        reviewDays: 7,
        ci: LOCAL,
      }),
    });

  const assessment = async (at: string, unpinned: number) => {
    workflow(repo.dir, unpinned);
    const now = new Date(at);
    const run = await assess({
      root: repo.dir,
      now,
      checks: [pipelineActionsPinned],
      only: ['pipeline.actions-pinned'],
    });
    await recordAssessment(run, { root: repo.dir, config: cfg, now: () => now });
  };
  const forcePush = (at: string, ref: string, before: string, after: string) =>
    record(at, {
      statement: gateStatement({
        context: 'other',
        decision: 'pass',
        reasons: [],
        decidedAt: at,
        ci: pushCi(ref, before, after),
      }),
    });

  // The ledger, set up as `greenlight init` does (assess records only into an existing one).
  await (await openLedgerStore({ root: repo.dir, config: cfg, write: true })).close();
  // In the order a ledger receives them (it is append-only: time only moves forward).
  // Two recorded assessments: 0 failing results before the window, 6 in it.
  await assessment('2026-01-04T12:00:00Z', 0);
  // Three emergency overrides within two days (at most 2 a week expected).
  await override('INC-1', '2026-01-05T12:00:00Z');
  await assessment('2026-01-06T06:00:00Z', 6);
  // `late` failed its deploy gate, was fixed, passed, then shipped; `merged` failed and shipped anyway.
  await gate(late, 'fail', '2026-01-06T07:00:00Z');
  await gate(late, 'pass', '2026-01-06T07:30:00Z');
  await gate(merged, 'fail', '2026-01-06T08:00:00Z');
  await deploy(merged, '2026-01-06T08:30:00Z');
  await deploy(late, '2026-01-06T08:45:00Z');
  await override('INC-2', '2026-01-06T09:00:00Z');
  // A forced push rewrote main; another rewrote a feature branch (no anomaly).
  await forcePush('2026-01-06T11:00:00Z', 'refs/heads/main', 'a'.repeat(40), hotfix);
  await forcePush('2026-01-06T11:30:00Z', 'refs/heads/feature', 'b'.repeat(40), 'c'.repeat(40));
  await override('INC-3', '2026-01-06T15:00:00Z');
  return { repo, merged, late, hotfix, record };
}
