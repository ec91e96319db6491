// Inclusion proof at 10,000,000 entries (SQLite): median latency of `inclusionProof` reading
// its O(log n) stored hashes through the store (Kysely over better-sqlite3), against a floor of
// the same rows read with prepared better-sqlite3 statements, measured in the same run.
//
//   npm run build && node bench/ledger-proof.mjs [--entries 10000000] [--proofs 2000]
//
// The tree is built once, directly with batched inserts (random leaf hashes, every complete
// subtree hash computed), into bench/.work/ledger-proof-<entries>/ and reused.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const { openStore } = await import('../dist/store/index.js');
const { inclusionProof, verifyInclusion, inclusionRanges } = await import('../dist/ledger/proofs.js');
const { rootAt, subtreeBlocks, nodeHash } = await import('../dist/ledger/merkle.js');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const N = Number(arg('entries', 10_000_000));
const PROOFS = Number(arg('proofs', 2000));
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '.work', `ledger-proof-${N}`);
const dbFile = path.join(root, '.greenlight', 'greenlight.db');
const fmt = (x) => Math.round(x).toLocaleString('en-US');

if (!existsSync(path.join(root, 'built'))) {
  mkdirSync(root, { recursive: true });
  console.log(`building a ${fmt(N)}-leaf tree in ${root} (once)…`);
  const store = await openStore({ root }); // creates the file and runs the migrations
  await store.close();
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF'); // a benchmark fixture, not evidence
  const insEntry = db.prepare(
    `INSERT INTO ledger_entries (seq, leaf_hash, payload_sha256, predicate_type, recorded_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const insHash = db.prepare('INSERT INTO ledger_hashes (level, idx, hash) VALUES (?, ?, ?)');
  const t0 = performance.now();
  const CHUNK = 1 << 16; // leaves per transaction; a multiple of every subtree size we complete here
  const stack = []; // pending left subtrees by level, as in appendLeaves
  for (let lo = 0; lo < N; lo += CHUNK) {
    const hi = Math.min(N, lo + CHUNK);
    const leaves = randomBytes((hi - lo) * 32);
    db.transaction(() => {
      for (let i = lo; i < hi; i++) {
        const leaf = leaves.subarray((i - lo) * 32, (i - lo + 1) * 32);
        const digest = Buffer.alloc(32);
        digest.writeUInt32BE(Math.floor(i / 2 ** 32), 0); // increasing: cheap index appends
        digest.writeUInt32BE(i >>> 0, 4);
        insEntry.run(
          i,
          leaf,
          digest,
          'https://greenlight.dev/evidence/check-result/v1',
          '2026-11-27T00:00:00.000Z',
        );
        let h = leaf;
        let level = 0;
        let idx = i;
        while (stack[level]) {
          h = nodeHash(stack[level], h);
          stack[level] = undefined;
          level++;
          idx = Math.floor(idx / 2);
          insHash.run(level, idx, h);
        }
        stack[level] = h;
      }
    })();
    if (hi % (1 << 20) === 0 || hi === N)
      console.log(`  ${fmt(hi)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  db.close();
  writeFileSync(path.join(root, 'built'), '');
}

const store = await openStore({ root, create: false });
const read = (keys) => store.ledger.hashes(keys);
const size = await store.ledger.treeSize();
const rootHash = await rootAt(size, read);

// floor: the same hash rows, read with prepared statements, one row at a time
const raw = new Database(dbFile, { readonly: true });
const leafQ = raw.prepare('SELECT leaf_hash FROM ledger_entries WHERE seq = ?').pluck();
const hashQ = raw.prepare('SELECT hash FROM ledger_hashes WHERE level = ? AND idx = ?').pluck();
const floorProof = (m) => {
  const keys = inclusionRanges(m, 0, size).flatMap(([lo, hi]) => subtreeBlocks(lo, hi));
  return keys.map((k) => (k.level === 0 ? leafQ.get(k.idx) : hashQ.get(k.level, k.idx)));
};

let s = 12345;
const rnd = () => {
  s = (s * 1664525 + 1013904223) >>> 0;
  return s / 4294967296;
};
const sample = Array.from({ length: PROOFS }, () => Math.floor(rnd() * size));
for (const m of sample.slice(0, 100)) await inclusionProof(m, size, read); // warm-up

const ours = [];
const floor = [];
let hashesRead = 0;
for (const m of sample) {
  const t0 = performance.now();
  const proof = await inclusionProof(m, size, read);
  const t1 = performance.now();
  const rows = floorProof(m);
  const t2 = performance.now();
  ours.push(t1 - t0);
  floor.push(t2 - t1);
  hashesRead += rows.length;
  const leaf = (await read([{ level: 0, idx: m }])).get(`0/${m}`);
  if (!verifyInclusion(m, size, leaf, proof, rootHash)) throw new Error(`proof for ${m} does not verify`);
}
await store.close();
raw.close();
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)];
console.log(
  `tree: ${fmt(size)} leaves; ${PROOFS} random inclusion proofs (each verified); ~${(hashesRead / PROOFS).toFixed(0)} stored hashes read per proof`,
);
console.log(
  `inclusionProof via the store (one query)  median ${q(ours, 0.5).toFixed(3)} ms   p90 ${q(ours, 0.9).toFixed(3)} ms   p99 ${q(ours, 0.99).toFixed(3)} ms   (target: median < 1 ms)`,
);
console.log(
  `floor: same rows, prepared point reads     median ${q(floor, 0.5).toFixed(3)} ms   p90 ${q(floor, 0.9).toFixed(3)} ms   → ratio ${(q(ours, 0.5) / q(floor, 0.5)).toFixed(2)}×`,
);
