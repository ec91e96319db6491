// Packages both bundles (the CLI's in dist/bundle/, the action's in action/) leave to Node: native
// code, packages that load files, workers or optional modules at run time, large JSON.
export const EXTERNAL = [
  /^node:/,
  'better-sqlite3',
  'pg',
  'pino',
  /^@secretlint\//,
  '@octokit/graphql-schema',
  'graphql',
  'bottleneck',
];
