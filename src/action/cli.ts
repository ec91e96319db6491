/*
 * The greenlight command as one committed bundle (action/cli.cjs), for CI systems that fetch
 * this repository at a pinned commit instead of installing a package (the GitLab component).
 */
import { main } from '../cli/index.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`greenlight: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 70;
  },
);
