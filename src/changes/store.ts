import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { unavailable, type RecordedEvidence, type Unavailable } from '../facts/index.js';
import type { SourceContext } from '../sources/context.js';
import type { EvidenceStore } from './evidence.js';
import { readRecordedEvidence } from './read-evidence.js';
import { spoolStore } from './spool.js';

export interface OpenStoreOptions {
  root: string;
  config?: Config;
  clock?: () => Date;
}

/**
 * Opens the evidence store of the repository at `root`.
 * TODO(ledger): switch to the signed ledger door once it exposes append/query; until then the
 * evidence lives in the local spool under `.greenlight/evidence/`.
 */
export async function openEvidenceStore(opts: OpenStoreOptions): Promise<EvidenceStore> {
  const dir = path.join(opts.root, '.greenlight', 'evidence');
  // Fails (ENOTDIR, EACCES…) when the store cannot be reached, before anything is decided.
  mkdirSync(dir, { recursive: true });
  return spoolStore(dir, opts.clock);
}

/** Where `--fail-open` spools statements when the store cannot be reached. */
export function spoolDir(root: string): string {
  return path.join(root, '.greenlight', 'spool');
}

/** The `evidence` fact loader: every pipeline statement recorded for this repository. */
export async function collectEvidence(ctx: SourceContext): Promise<RecordedEvidence | Unavailable> {
  let store: EvidenceStore;
  try {
    store = await openEvidenceStore({ root: ctx.root, config: ctx.config });
  } catch (err) {
    return unavailable(`the evidence store cannot be opened: ${(err as Error).message}`);
  }
  try {
    return await readRecordedEvidence(store);
  } finally {
    await store.close();
  }
}
