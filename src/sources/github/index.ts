export { collectGithubFacts, parseTarget } from './collect.js';
export type { GithubSourceOptions, GithubProgress } from './collect.js';
export { mergeProtection } from './protection.js';
export type { AppCredentials } from './client.js';
export {
  DEFAULT_API_URL,
  ETAG_CACHE,
  apiUrlFor,
  collectGithub,
  credentialsFromEnv,
  githubRepoOfRemote,
  progressLine,
} from './connect.js';
