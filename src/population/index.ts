/**
 * The change population, pure: git history, recorded evidence and forge pull requests in,
 * one row per change out; forge joins, reproducible sampling and rendering. No I/O here —
 * `src/evidence/` reads what was recorded, the commands load it and hand it over.
 */
export {
  buildPopulation,
  populationOf,
  repositoryName,
  ticketMatcher,
  untraceableReasons,
  withoutOwnPullRequest,
} from './population.js';
export { forgePullRequests } from './forge.js';
export type * from './types.js';
export * from './render.js';
export * from './sample.js';
