// Bundles the compiled CLI (dist/cli/index.js) into dist/bundle/: one chunk per command, loaded
// only when that command runs. Node 20 has no compile cache, so start-up time is dominated by
// resolving and loading modules; a few chunks instead of ~700 files (kysely and zod alone are
// hundreds) cut `greenlight gate` and `assess` start-up by a third or more (bench/README.md).
// bin/greenlight.cjs falls back to dist/cli/ when the bundle is absent (e.g. rolldown not installed).
import { rmSync, writeFileSync } from 'node:fs';
import { EXTERNAL } from './bundle-externals.mjs';

let rolldown;
try {
  ({ rolldown } = await import('rolldown'));
} catch {
  process.stderr.write(
    'bundle: rolldown is not installed; bin/greenlight.cjs will run dist/cli/ unbundled\n',
  );
  process.exit(0);
}

rmSync('dist/bundle', { recursive: true, force: true });
const build = await rolldown({
  input: { cli: 'dist/cli/index.js' },
  platform: 'node',
  external: EXTERNAL,
  logLevel: 'warn',
});
// CommonJS: Node 20 starts CommonJS faster than ES modules, and only CommonJS can be compiled with
// V8's code cache there (bin/code-cache.cjs).
const { output } = await build.write({
  dir: 'dist/bundle',
  format: 'cjs',
  entryFileNames: '[name].cjs',
  chunkFileNames: '[name]-[hash].cjs',
  // Not minified: stack traces stay readable, and the ledger's verify workers run a function's source.
  minify: false,
});
await build.close();

// Chunks that import() (the secretlint loader) must be compiled by Node itself: on Node 20 a
// script compiled through node:vm cannot run import() without an experimental loader. The list is
// made here, once, rather than by scanning megabytes of code on every start.
const DYNAMIC_IMPORT = /^(?![ \t]*(?:\*|\/\/|\/\*)).*(?:^|[^\w$.])import\(/m;
const uncached = output
  .filter((c) => c.type === 'chunk' && DYNAMIC_IMPORT.test(c.code))
  .map((c) => c.fileName);
writeFileSync('dist/bundle/code-cache.json', `${JSON.stringify({ uncached }, null, 2)}\n`);
