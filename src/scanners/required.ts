import picomatch from 'picomatch';
import type { Config } from '../config/index.js';
import type { ScanType } from '../facts/scans.js';

/**
 * The scan types a repository must run: those of every `scans.classes` entry whose globs match
 * the repository name, or `scans.required` when no class matches (or the name is unknown).
 */
export function requiredScanTypes(config: Config, repository?: string): ScanType[] {
  if (repository) {
    const classes = config.scans.classes.filter((c) =>
      c.repositories.some((glob) => picomatch(glob, { dot: true, nocase: true })(repository)),
    );
    if (classes.length) return [...new Set(classes.flatMap((c) => c.required))];
  }
  return [...config.scans.required];
}
