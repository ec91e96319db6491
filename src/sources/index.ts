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

/** Why `root` is not inside a git checkout (git's own reason), or undefined when it is. */
export async function gitCheckoutProblem(root: string): Promise<string | undefined> {
  const { readRepo } = await import('./git/repo.js');
  return readRepo(root).then(
    () => undefined,
    (e: Error) => e.message,
  );
}

/**
 * The checkout's git remotes (`git remote -v`), without reading its history; empty when `root`
 * is not a git checkout. The engine names the checkout's repository from them.
 */
export async function checkoutRemotes(root: string): Promise<{ name: string; url: string }[]> {
  const { readRepo } = await import('./git/repo.js');
  return readRepo(root).then(
    (r) => r.remotes,
    () => [],
  );
}
