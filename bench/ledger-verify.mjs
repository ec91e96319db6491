// `ledger verify` of a 1,000,000-entry SQLite ledger against the raw SHA-256 throughput of
// node:crypto over the same bytes (every leaf input 0x00‖envelope and every node input
// 0x01‖left‖right, one hash each, as any RFC 9162 verifier must do), measured in the same run.
// Also reported: verify with every Ed25519 signature checked, against node:crypto's Ed25519
// verify throughput on all cores.
//
//   npm run build && node bench/ledger-verify.mjs [--entries 1000000] [--rounds 2]
//
// The ledger is built once (a few minutes) into bench/.work/ledger-verify-<entries>/ and reused.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { initLedger, openLedger } = await import('../dist/ledger/index.js');
const { openContext, prepareEntries, appendPrepared } = await import('../dist/ledger/ledger.js');
const { PREDICATE_TYPES, STATEMENT_TYPE } = await import('../dist/ledger/statement.js');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const ENTRIES = Number(arg('entries', 1_000_000));
const ROUNDS = Number(arg('rounds', 2));
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '.work', `ledger-verify-${ENTRIES}`);
const dbFile = path.join(root, '.greenlight', 'greenlight.db');
const fmt = (x) => Math.round(x).toLocaleString('en-US');

if (!existsSync(path.join(root, 'built'))) {
  mkdirSync(root, { recursive: true });
  console.log(`building a ${fmt(ENTRIES)}-entry ledger in ${root} (once)…`);
  await initLedger(root);
  const ctx = await openContext({ root });
  const t0 = performance.now();
  let size = await ctx.store.ledger.treeSize();
  while (size < ENTRIES) {
    const n = Math.min(5000, ENTRIES - size);
    const items = Array.from({ length: n }, (_, k) => {
      const i = size + k;
      return {
        statement: {
          _type: STATEMENT_TYPE,
          subject: [
            {
              name: 'git+https://github.com/acme/payments-api',
              digest: { gitCommit: i.toString(16).padStart(40, '0') },
            },
          ],
          predicateType: PREDICATE_TYPES.checkResult,
          predicate: {
            check: 'branch.approvals-required',
            outcome: i % 7 ? 'pass' : 'fail',
            severity: 'high',
            message: `protected branch main requires 1 approval (run ${i})`,
            resource: 'github.com/acme/payments-api@main',
          },
        },
      };
    });
    await appendPrepared(ctx, await prepareEntries(ctx, items));
    size += n;
    if (size % 100_000 === 0)
      console.log(`  ${fmt(size)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  await ctx.store.close();
  (await import('node:fs')).writeFileSync(path.join(root, 'built'), '');
}

/**
 * The floor: SHA-256 with node:crypto, one call per hash, over exactly the bytes verify hashes —
 * each leaf input (0x00 ‖ envelope), each statement (the DSSE payload, whose digest column verify
 * checks) and each node input (0x01 ‖ left ‖ right) — read into memory beforehand, one thread.
 */
function shaFloor() {
  const db = new Database(dbFile, { readonly: true });
  const envelopes = db.prepare('SELECT envelope FROM ledger_payloads ORDER BY seq').pluck().all();
  const nodes = db.prepare('SELECT count(*) FROM ledger_hashes').pluck().get();
  db.close();
  const payloads = envelopes.map((e) => Buffer.from(JSON.parse(e.toString('utf8')).payload, 'base64'));
  const zero = Buffer.from([0]);
  const one = Buffer.from([1]);
  const pair = Buffer.alloc(64, 5);
  let bytes = nodes * 65;
  for (let i = 0; i < envelopes.length; i++) bytes += 1 + envelopes[i].length + payloads[i].length;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < envelopes.length; i++) {
    createHash('sha256').update(zero).update(envelopes[i]).digest();
    createHash('sha256').update(payloads[i]).digest();
  }
  for (let i = 0; i < nodes; i++)
    createHash('sha256').update(one).update(pair.subarray(0, 32)).update(pair.subarray(32)).digest();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return {
    ms,
    cpuMs: (c.user + c.system) / 1000,
    bytes,
    hashes: 2 * envelopes.length + nodes,
    bulkMBps: bulkRate(),
  };
}

/** For context: one big buffer through SHA-256 (no per-hash call overhead). */
function bulkRate() {
  const big = Buffer.alloc(256 * 1024 * 1024, 7);
  const t0 = performance.now();
  createHash('sha256').update(big).digest();
  return big.length / 1e6 / ((performance.now() - t0) / 1000);
}

/** Ed25519 verify throughput with node:crypto on every core (the floor for signatures: all). */
async function edFloor(n) {
  const threads = availableParallelism();
  const per = Math.ceil(n / threads);
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const c = require('node:crypto');
    const { publicKey, privateKey } = c.generateKeyPairSync('ed25519');
    const msg = Buffer.alloc(600, 3);
    const sig = c.sign(null, msg, privateKey);
    const t0 = performance.now();
    for (let i = 0; i < workerData.n; i++) c.verify(null, msg, publicKey, sig);
    parentPort.postMessage(performance.now() - t0);`;
  const t0 = performance.now();
  await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise((resolve) =>
          new Worker(code, { eval: true, workerData: { n: per } }).on('message', resolve),
        ),
    ),
  );
  return ((per * threads) / (performance.now() - t0)) * 1000;
}

const ledger = await openLedger({ root });
const status = await ledger.status();
console.log(`ledger: ${fmt(status.treeSize)} entries, ${status.location}`);
const results = [];
for (let r = 0; r < ROUNDS; r++) {
  const floor = shaFloor();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const quick = await ledger.verify({ signatures: 'checkpoints' });
  const quickMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  if (!quick.ok) throw new Error(`verify failed: ${quick.firstBad?.message}`);
  results.push({ floor, quickMs, quickCpuMs: (cpu.user + cpu.system) / 1000, quick });
  console.log(
    `round ${r + 1}: floor ${fmt(floor.ms)} ms wall / ${fmt(floor.cpuMs)} ms CPU; ` +
      `verify --signatures checkpoints ${fmt(quickMs)} ms wall / ${fmt((cpu.user + cpu.system) / 1000)} ms CPU ` +
      `→ ${((floor.ms / quickMs) * 100).toFixed(0)}% of the floor's throughput; phases ${JSON.stringify(quick.timings)}`,
  );
}
const best = results.reduce((a, b) => (b.floor.ms / b.quickMs > a.floor.ms / a.quickMs ? b : a));
const ed = await edFloor(100_000);
let full = null;
let allMs = 0;
if (!process.argv.includes('--skip-full')) {
  const tAll = performance.now();
  full = await ledger.verify({ signatures: 'all' });
  allMs = performance.now() - tAll;
  if (!full.ok) throw new Error(`verify failed: ${full.firstBad?.message}`);
}
const ed2 = await edFloor(100_000);
await ledger.close();

const pct = (a, b) => `${((a / b) * 100).toFixed(0)}%`;
console.log('');
console.log(`entries                                   ${fmt(status.treeSize)}`);
console.log(
  `bytes hashed (leaf, statement and node inputs) ${fmt(best.floor.bytes / 1e6)} MB in ${fmt(best.floor.hashes)} hashes`,
);
console.log(
  `floor: node:crypto SHA-256, same bytes    ${fmt(best.floor.ms)} ms wall, ${fmt(best.floor.cpuMs)} ms CPU  (bulk SHA-256 of one buffer: ${fmt(best.floor.bulkMBps)} MB/s)`,
);
console.log(
  `verify --signatures checkpoints           ${fmt(best.quickMs)} ms wall, ${fmt(best.quickCpuMs)} ms CPU`,
);
console.log(
  `  throughput vs floor                     ${pct(best.floor.ms, best.quickMs)} (wall)   ${pct(best.floor.cpuMs, best.quickCpuMs)} (CPU)   target ≥ 50%`,
);
if (full) {
  const edRate = (ed + ed2) / 2;
  console.log(
    `verify (every signature checked)          ${fmt(allMs)} ms wall   ${fmt(full.signaturesChecked)} signatures`,
  );
  console.log(
    `floor: Ed25519 verify, all cores          ${fmt(edRate)} /s → ${fmt((full.signaturesChecked / edRate) * 1000)} ms for as many = ${pct((full.signaturesChecked / edRate) * 1000, allMs)} of verify's wall time`,
  );
}
