// Bundles the compiled CLI (dist/cli/index.js) into dist/bundle/: one chunk per command, loaded
// only when that command runs. Node 20 has no compile cache, so start-up time is dominated by
// resolving and loading modules; a few chunks instead of ~700 files (kysely and zod alone are
// hundreds) cut `greenlight gate` and `assess` start-up by a third or more (bench/README.md).
// bin/greenlight.js falls back to dist/cli/ when the bundle is absent (e.g. rolldown not installed).
import { rmSync } from 'node:fs';

let rolldown;
try {
  ({ rolldown } = await import('rolldown'));
} catch {
  process.stderr.write('bundle: rolldown is not installed; bin/greenlight.js will run dist/cli/ unbundled\n');
  process.exit(0);
}

rmSync('dist/bundle', { recursive: true, force: true });
const build = await rolldown({
  input: { cli: 'dist/cli/index.js' },
  platform: 'node',
  // Native code, packages that load files, workers or optional modules at run time, large JSON: left to node.
  external: [
    /^node:/,
    'better-sqlite3',
    'pg',
    'pino',
    /^@secretlint\//,
    '@octokit/graphql-schema',
    'graphql',
    'bottleneck',
  ],
  logLevel: 'warn',
});
await build.write({
  dir: 'dist/bundle',
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: '[name]-[hash].js',
  // Not minified: stack traces stay readable, and the ledger's verify workers run a function's source.
  minify: false,
});
await build.close();
