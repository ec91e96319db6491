import type { FactKey, FactMap, Unavailable } from '../facts/index.js';
import type { SourceContext } from './context.js';

export type { SourceContext } from './context.js';

type Loader<K extends FactKey> = (ctx: SourceContext) => Promise<FactMap[K] | Unavailable>;

/**
 * One loader per fact kind. Sources are imported lazily so a command only pays for the sources
 * that some enabled check needs.
 */
export const FACT_LOADERS: { [K in FactKey]: Loader<K> } = {
  git: async (ctx) => (await import('./git/index.js')).collectGit(ctx),
  workflows: async (ctx) => (await import('./workflows/index.js')).collectWorkflows(ctx),
  repoFiles: async (ctx) => (await import('./repo-files/index.js')).collectRepoFiles(ctx),
  github: async (ctx) => (await import('./github/connect.js')).collectGithub(ctx),
  evidence: async (ctx) => (await import('./ledger/index.js')).collectEvidence(ctx),
  ledger: async (ctx) => (await import('./ledger/index.js')).collectLedgerFacts(ctx),
  anomalies: async (ctx) => (await import('./ledger/index.js')).collectAnomalyFacts(ctx),
};
