// Cost of the repo-files source (one walk, classification and a secretlint scan of every text
// file) as a ratio to a floor measured in the same run: listing the same tree with git and
// reading every file with the same concurrency.
// Usage: npm run build && node bench/repo-files.mjs [files] [runs]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const count = Number(process.argv[2] ?? 3000);
const runs = Number(process.argv[3] ?? 5);
const { collectRepoFiles } = await import(path.resolve('dist/sources/repo-files/index.js'));
const { defaultConfig } = await import(path.resolve('dist/config/index.js'));

// A synthetic repository: source files (~3 KiB), YAML manifests, Terraform, a few binaries.
const root = mkdtempSync(path.join(tmpdir(), 'gl-bench-repo-files-'));
const line = 'export function handler(event) { return { statusCode: 200, body: JSON.stringify(event) }; }\n';
for (let i = 0; i < count; i++) {
  const dir = path.join(root, `pkg${i % 40}`, `mod${i % 7}`);
  mkdirSync(dir, { recursive: true });
  if (i % 50 === 0)
    writeFileSync(path.join(dir, `k${i}.yaml`), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
  else if (i % 51 === 0) writeFileSync(path.join(dir, `m${i}.tf`), 'resource "null_resource" "x" {}\n');
  else if (i % 97 === 0) writeFileSync(path.join(dir, `b${i}.bin`), Buffer.alloc(4096, 0));
  else writeFileSync(path.join(dir, `f${i}.js`), line.repeat(32));
}
execFileSync('git', ['init', '-q'], { cwd: root });

async function floor() {
  const files = execFileSync('git', ['-C', root, 'ls-files', '-co', '--exclude-standard', '-z'])
    .toString()
    .split('\0')
    .filter(Boolean);
  let next = 0;
  const worker = async () => {
    while (next < files.length) await readFile(path.join(root, files[next++]));
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return files.length;
}

async function source() {
  const facts = await collectRepoFiles({
    root,
    since: null,
    until: new Date(),
    config: defaultConfig(),
    progress: () => {},
  });
  return facts.filesScanned;
}

async function median(fn) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

await source(); // warm-up: module loading and the secretlint preset
const f = await median(floor);
const s = await median(source);
const scanned = await source();
rmSync(root, { recursive: true, force: true });
const fmt = (ms) => `${ms.toFixed(0)} ms`;
console.log(`files in tree                  ${count} (${scanned} text files scanned)`);
console.log(`git ls-files + read all        ${fmt(f)}  (floor)`);
console.log(
  `collectRepoFiles (secretlint)  ${fmt(s)}  ${(s / f).toFixed(1)}x  ${Math.round((scanned / s) * 1000)} files/s`,
);
