#!/usr/bin/env node
import { existsSync } from 'node:fs';

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
