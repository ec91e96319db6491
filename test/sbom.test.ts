import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupRepos, tempDir } from './git-repo.js';

/*
 * What the published package carries about itself: the Apache-2.0 licence package.json declares,
 * and a CycloneDX SBOM (`npm run sbom`, run by prepack into dist/sbom.cdx.json) that validates
 * against the CycloneDX 1.6 JSON schema and lists exactly the runtime dependencies of
 * package-lock.json with the digests npm checks them against.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const SCHEMAS = path.join(ROOT, 'node_modules', '@cyclonedx', 'cyclonedx-library', 'res', 'schema');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));

interface Component {
  name: string;
  group?: string;
  version: string;
  purl: string;
  hashes?: { alg: string; content: string }[];
  components?: Component[];
}

let sbom: {
  bomFormat: string;
  specVersion: string;
  serialNumber?: string;
  metadata: { timestamp?: string; component: { name: string; version: string; licenses: unknown[] } };
  components: Component[];
};
let text: string;

beforeAll(() => {
  const out = path.join(tempDir('greenlight-sbom-'), 'sbom.cdx.json');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'sbom.mjs'), out], { cwd: ROOT, stdio: 'pipe' });
  text = readFileSync(out, 'utf8');
  sbom = JSON.parse(text);
});
afterAll(() => cleanupRepos());

describe('the SBOM (npm run sbom)', () => {
  it('is CycloneDX 1.6 JSON valid against the CycloneDX schema', () => {
    const load = (f: string) => JSON.parse(readFileSync(path.join(SCHEMAS, f), 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addFormat('iri-reference', true); // not in ajv-formats; URLs are checked by uri-reference elsewhere
    // The bom schema refers to its companions by their SNAPSHOT file names.
    for (const f of [
      'spdx.SNAPSHOT.schema.json',
      'jsf-0.82.SNAPSHOT.schema.json',
      'cryptography-defs.SNAPSHOT.schema.json',
    ])
      ajv.addSchema({ ...load(f), $id: `http://cyclonedx.org/schema/${f}` });
    const validate = ajv.compile(load('bom-1.6.SNAPSHOT.schema.json'));
    const ok = validate(sbom);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(sbom.bomFormat).toBe('CycloneDX');
    expect(sbom.specVersion).toBe('1.6');
  });

  it('describes this package with its declared licence', () => {
    expect(sbom.metadata.component).toMatchObject({ name: pkg.name, version: pkg.version });
    expect(JSON.stringify(sbom.metadata.component.licenses)).toContain('"Apache-2.0"');
  });

  it('lists every runtime dependency of the lockfile with its sha512, and no dev dependency', () => {
    const flat: Component[] = [];
    const walk = (cs: Component[] = []) => {
      for (const c of cs) {
        flat.push(c);
        walk(c.components);
      }
    };
    walk(sbom.components);
    const fullName = (c: Component) => (c.group ? `${c.group}/${c.name}` : c.name);
    const listed = new Map(flat.map((c) => [`${fullName(c)}@${c.version}`, c]));
    const runtime = Object.entries(
      lock.packages as Record<string, { version: string; dev?: boolean; integrity?: string }>,
    )
      .filter(([p, e]) => p !== '' && !e.dev)
      .map(([p, e]) => ({ name: p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length), ...e }));
    expect(runtime.length).toBeGreaterThan(20);
    for (const dep of runtime) {
      const c = listed.get(`${dep.name}@${dep.version}`);
      expect(c, `${dep.name}@${dep.version} missing from the SBOM`).toBeDefined();
      expect(c!.purl).toMatch(/^pkg:npm\//);
      if (dep.integrity?.startsWith('sha512-')) {
        const hex = Buffer.from(dep.integrity.slice('sha512-'.length), 'base64').toString('hex');
        expect(c!.hashes).toContainEqual({ alg: 'SHA-512', content: hex });
      }
    }
    for (const dev of ['vitest', 'typescript', 'eslint', 'rolldown', '@cyclonedx/cyclonedx-npm'])
      expect(
        [...listed.keys()].some((k) => k.startsWith(`${dev}@`)),
        dev,
      ).toBe(false);
  });

  it('is reproducible: no timestamp or random serial number', () => {
    expect(sbom.metadata.timestamp).toBeUndefined();
    expect(sbom.serialNumber).toBeUndefined();
    const again = path.join(tempDir('greenlight-sbom-'), 'again.json');
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'sbom.mjs'), again], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    const digest = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(digest(readFileSync(again, 'utf8'))).toBe(digest(text));
  });
});

describe('the package', () => {
  it('ships the Apache-2.0 licence text package.json declares, and the SBOM', () => {
    expect(pkg.license).toBe('Apache-2.0');
    const licence = readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
    expect(licence).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(licence).toContain('END OF TERMS AND CONDITIONS');
    // The text as apache.org publishes it (https://www.apache.org/licenses/LICENSE-2.0.txt).
    expect(createHash('sha256').update(licence).digest('hex')).toBe(
      'cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30',
    );
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], {
        cwd: ROOT,
        encoding: 'utf8',
      }),
    ) as { files: { path: string }[] }[];
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toContain('LICENSE');
    expect(pkg.files).toContain('dist'); // dist/sbom.cdx.json, written by prepack
    expect(pkg.scripts.prepack).toMatch(/npm run sbom/);
    expect(pkg.publishConfig).toMatchObject({ provenance: true });
  });
});
