/**
 * Real ledgers with recorded assessments, for the ledger-sourced checks: `greenlight init`'s
 * initLedger, real (small) engine runs recorded through recordAssessment on a chosen clock, and
 * the `ledger` facts read back through the real loader.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { collectLedgerFacts } from '../src/sources/ledger/index.js';
import retention from '../src/checks/evidence.retention/index.js';
import { defaultConfig, type Config } from '../src/config/index.js';
import { assess } from '../src/engine/index.js';
import { recordAssessment } from '../src/engine/record.js';
import type { LedgerFacts, Unavailable } from '../src/facts/index.js';
import { initLedger } from '../src/ledger/index.js';

const roots: string[] = [];

export function cleanupLedgerRoots(): void {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}

export function emptyRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'gl-ledger-facts-'));
  roots.push(root);
  return root;
}

/** A ledger (as `greenlight init` makes it) with one assessment recorded at each of `times`. */
export async function ledgerWithAssessments(times: readonly string[]): Promise<string> {
  const root = emptyRoot();
  await initLedger(root);
  for (const t of times) await recordAt(root, t);
  return root;
}

/**
 * Runs an assessment of `root` at `time` (only evidence.retention: it reads the ledger facts, so
 * the run statement carries the checkpoint it saw) and records it with the ledger clock at `time`.
 */
export async function recordAt(
  root: string,
  time: string,
  facts: Record<string, unknown> = {},
): Promise<void> {
  const now = new Date(time);
  const run = await assess({ root, now, checks: [retention], only: ['evidence.retention'] });
  await recordAssessment(
    { assessment: run.assessment, facts: { ...run.facts, ...facts } },
    { root, config: defaultConfig(), now: () => now },
  );
}

/** The `ledger` facts of `root` for a window, through the real loader. */
export async function ledgerFacts(
  root: string,
  since: string | null,
  until: string,
  config: Config = defaultConfig(),
): Promise<LedgerFacts | Unavailable> {
  return collectLedgerFacts({
    root,
    since: since ? new Date(since) : null,
    until: new Date(until),
    config,
    progress: () => {},
  });
}

export function must(facts: LedgerFacts | Unavailable): LedgerFacts {
  if ('unavailable' in facts) throw new Error(facts.reason);
  return facts;
}
