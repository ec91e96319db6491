#!/usr/bin/env node
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node ≥ 22.1 caches compiled code between runs (a no-op on Node 20, which has no such cache).
module.enableCompileCache?.();

// The bundled CLI (scripts/bundle.mjs) starts faster; the plain compiled output is the fallback.
const bundled = new URL('../dist/bundle/cli.js', import.meta.url);
const { main } = await import(existsSync(bundled) ? bundled.href : '../dist/cli/index.js');

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`greenlight: internal error: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 70;
  },
);
