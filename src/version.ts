import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * The package version, read once from package.json: two levels above src/ and dist/ modules,
 * three above the bundled chunks in dist/bundle/.
 */
export function toolVersion(): string {
  if (cached) return cached;
  cached = '0.0.0';
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'greenlight' && pkg.version) {
        cached = pkg.version;
        break;
      }
    } catch {
      // not at this level
    }
  }
  return cached;
}
