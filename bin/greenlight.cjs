#!/usr/bin/env node
'use strict';
/*
 * The command. Runs the bundled CLI (dist/bundle/, built by scripts/bundle.mjs) through V8's code
 * cache (./code-cache.cjs), else the plain compiled modules in dist/cli/ (e.g. when the bundler
 * was not installed). CommonJS on purpose: on Node 20 a CommonJS start skips the ES module
 * loader, which is most of what a CI gate run would otherwise spend before doing any work.
 */
const { existsSync } = require('node:fs');
const path = require('node:path');

const bundle = path.join(__dirname, '..', 'dist', 'bundle', 'cli.cjs');
let cli;
if (existsSync(bundle)) {
  require('./code-cache.cjs').install(path.dirname(bundle));
  cli = Promise.resolve(require(bundle));
} else {
  cli = import('../dist/cli/index.js');
}

cli
  .then(({ main }) => main(process.argv))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`greenlight: internal error: ${err && err.message ? err.message : String(err)}\n`);
      process.exitCode = 70;
    },
  );
