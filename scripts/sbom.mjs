// Writes the CycloneDX SBOM of the published package: greenlight and its runtime dependencies as
// package-lock.json pins them (dev dependencies left out), each with its version, package URL and
// the sha512 npm checks its tarball against (taken from the lockfile's `integrity`, which
// cyclonedx-npm leaves out when the lockfile omits registry URLs). `npm run sbom` writes dist/sbom.cdx.json, which `npm pack`
// ships (prepack runs it); an argument writes elsewhere. Reproducible: no timestamp, no random
// serial number, so the same lockfile gives the same file.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'dist', 'sbom.cdx.json'));
// The devDependency's own command (its package.json is not exported, so not resolved by name).
const bin = path.join(root, 'node_modules', '@cyclonedx', 'cyclonedx-npm', 'bin', 'cyclonedx-npm-cli.js');

mkdirSync(path.dirname(out), { recursive: true });
const r = spawnSync(
  process.execPath,
  [
    bin,
    '--package-lock-only',
    '--omit',
    'dev',
    '--spec-version',
    '1.6',
    '--mc-type',
    'application',
    '--output-reproducible',
    '--validate',
    '--output-format',
    'JSON',
    '--output-file',
    out,
    path.join(root, 'package.json'),
  ],
  { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
);
if (r.status !== 0) {
  process.stderr.write(`sbom: cyclonedx-npm failed (exit ${r.status ?? r.signal})\n`);
  process.exit(1);
}

const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
const bom = JSON.parse(readFileSync(out, 'utf8'));
const addHashes = (components = []) => {
  for (const c of components) {
    const where = c.properties?.find((p) => p.name === 'cdx:npm:package:path')?.value;
    const integrity = where ? lock.packages?.[where]?.integrity : undefined;
    if (!c.hashes && typeof integrity === 'string' && integrity.startsWith('sha512-')) {
      const hex = Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex');
      c.hashes = [{ alg: 'SHA-512', content: hex }];
    }
    addHashes(c.components);
  }
};
addHashes(bom.components);
writeFileSync(out, `${JSON.stringify(bom, null, 2)}\n`);
process.stdout.write(`sbom: wrote ${path.relative(process.cwd(), out) || out}\n`);
