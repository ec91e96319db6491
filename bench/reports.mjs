#!/usr/bin/env node
/**
 * Scanner report ingestion benchmark.
 *
 * Generates a 50 MB SARIF file with 200,000 results (pretty-printed, as tools write it), then, each
 * in a fresh process, measures wall time and peak RSS of:
 *   - floor: `JSON.parse(readFileSync(file, 'utf8'))` — reading the file in one go, nothing else;
 *   - greenlight: `parseReport({ path })` from dist/ — streaming, validating and normalizing every
 *     result into a finding with its fingerprint;
 *   - and, for the record, `redactReportChunks` (the copy kept as evidence), also against the floor.
 * Prints medians and the ratios to the floor. Targets: < 5 s and < 512 MB peak RSS.
 *
 * Usage: npm run build && node bench/reports.mjs [--runs 3] [--results 200000] [--mb 50]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const distEntry = join(here, '..', 'dist', 'sources', 'reports', 'index.js');

// ------------------------------------------------------------------ child mode
if (process.argv[2] === '--child') {
  const [, , , mode, file] = process.argv;
  const started = performance.now();
  let count;
  if (mode === 'floor') {
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    count = doc.runs[0].results.length;
  } else if (mode === 'redact') {
    const { redactReportChunks } = await import(pathToFileURL(distEntry).href);
    count = 0;
    for await (const chunk of redactReportChunks({ path: file }, 'sarif')) count += chunk.length;
  } else {
    const { parseReport } = await import(pathToFileURL(distEntry).href);
    const report = await parseReport({ path: file });
    count = report.findings.length;
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(JSON.stringify({ ms, cpuMs, maxRssMb: process.resourceUsage().maxRSS / 1024, count }));
  process.exit(0);
}

// ------------------------------------------------------------------ parent mode
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const RUNS = arg('--runs', 3);
const RESULTS = arg('--results', 200_000);
const TARGET_BYTES = arg('--mb', 50) * 1024 * 1024;

try {
  statSync(distEntry);
} catch {
  console.error(`${distEntry} is missing: run \`npm run build\` first`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'greenlight-bench-reports-'));
const file = join(dir, 'big.sarif');

function rule(i) {
  return {
    id: `js/rule-${i}`,
    name: `Rule${i}`,
    shortDescription: { text: `Synthetic rule number ${i}` },
    defaultConfiguration: { level: i % 3 === 0 ? 'error' : 'warning' },
    properties: {
      tags: ['security', `external/cwe/cwe-${70 + i}`],
      'security-severity': String((i % 10) + 0.5),
    },
  };
}

function result(k, pad) {
  const r = k % 50;
  return {
    ruleId: `js/rule-${r}`,
    // Warnings leave `level` to the rule's default, as most tools do.
    ...(r % 3 === 0 ? { level: 'error' } : {}),
    message: { text: `Taint ${k} reaches a sink.${pad}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: `src/m${k % 500}/f${k % 97}.ts` },
          region: { startLine: (k % 4000) + 1 },
        },
      },
    ],
    partialFingerprints: {
      primaryLocationLineHash: `${((k * 2654435761) >>> 0).toString(16).padStart(16, '0')}:1`,
    },
  };
}

/** Results one per line (compact, as Semgrep and others write them): 200,000 of them make ~50 MB. */
async function generate() {
  const tool = {
    driver: {
      name: 'CodeQL',
      semanticVersion: '2.19.0',
      rules: Array.from({ length: 50 }, (_, i) => rule(i)),
    },
  };
  let sample = 0;
  for (let k = 0; k < 300; k++) sample += (JSON.stringify(result(100_000 + k, '')).length + 2) / 300;
  const pad = ' '.repeat(Math.max(0, Math.floor(TARGET_BYTES / RESULTS - sample)));
  const out = createWriteStream(file);
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
  await write(
    '{\n"$schema": "https://json.schemastore.org/sarif-2.1.0.json",\n"version": "2.1.0",\n"runs": [\n',
  );
  await write(`{"tool": ${JSON.stringify(tool, null, 2)},\n"results": [\n`);
  for (let k = 0; k < RESULTS; k++) {
    const p = write(JSON.stringify(result(k, pad)) + (k + 1 < RESULTS ? ',\n' : '\n'));
    if (p) await p;
  }
  await write(']}\n]\n}\n');
  await new Promise((r) => out.end(r));
}

function measure(mode) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`${mode} failed: ${child.stderr}`);
  return JSON.parse(child.stdout);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  await generate();
  const mb = statSync(file).size / 1024 / 1024;
  console.log(`SARIF: ${mb.toFixed(1)} MB, ${RESULTS} results; ${RUNS} runs each, fresh process per run`);
  const floor = [];
  const ours = [];
  const redact = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push(measure('floor'));
    ours.push(measure('parse'));
    redact.push(measure('redact'));
  }
  const count = ours[0].count;
  if (count !== RESULTS) throw new Error(`expected ${RESULTS} findings, got ${count}`);
  const summary = (xs) => ({
    ms: median(xs.map((x) => x.ms)),
    cpu: median(xs.map((x) => x.cpuMs)),
    rss: median(xs.map((x) => x.maxRssMb)),
  });
  const f = summary(floor);
  const o = summary(ours);
  const line = (label, x) =>
    console.log(
      `${label.padEnd(34)} wall ${x.ms.toFixed(0).padStart(5)} ms  cpu ${x.cpu.toFixed(0).padStart(5)} ms  peak RSS ${x.rss.toFixed(0).padStart(4)} MB`,
    );
  line('floor: JSON.parse(readFileSync)', f);
  line('greenlight parseReport (stream)', o);
  const r = summary(redact);
  line('greenlight redactReportChunks', r);
  console.log(
    `ratio to floor: wall ${(o.ms / f.ms).toFixed(2)}x, cpu ${(o.cpu / f.cpu).toFixed(2)}x, peak RSS ${(o.rss / f.rss).toFixed(2)}x`,
  );
  console.log(
    `redaction ratio to floor: wall ${(r.ms / f.ms).toFixed(2)}x, cpu ${(r.cpu / f.cpu).toFixed(2)}x, peak RSS ${(r.rss / f.rss).toFixed(2)}x`,
  );
  console.log(
    `targets: wall < 5000 ms ${o.ms < 5000 ? 'OK' : 'MISSED'}, peak RSS < 512 MB ${o.rss < 512 ? 'OK' : 'MISSED'}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
