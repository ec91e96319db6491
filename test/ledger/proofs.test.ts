import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger, PREDICATE_TYPES, STATEMENT_TYPE } from '../../src/ledger/index.js';
import {
  appendLeaves,
  keyOf,
  rootAt,
  subtreeBlocks,
  type HashKey,
  type HashReader,
} from '../../src/ledger/merkle.js';
import { consistencyProof, inclusionProof } from '../../src/ledger/proofs.js';
import { openStore } from '../../src/store/index.js';
import { testDialects, tempRoot } from './dialects.js';

/*
 * The ledger's proofs are checked here by an independent implementation written from RFC 9162
 * (§2.1.1 MTH, §2.1.3 PATH and its verification, §2.1.4 SUBPROOF and its verification). Nothing
 * below the line "independent" imports ledger code.
 */

// ---------------------------------------------------------------- independent (RFC 9162)

const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const H_LEAF = (d: Uint8Array) => sha(Buffer.from([0]), d);
const H_NODE = (a: Uint8Array, b: Uint8Array) => sha(Buffer.from([1]), a, b);
/** k: the largest power of two smaller than n (n > 1). */
const K = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);

/**
 * A tree over leaf hashes. MTH is memoised (it is a pure function of the range): every range
 * when `memoAll`, else ranges of 16+ leaves, to bound memory for a million leaves.
 */
function rfcTree(leafHashes: Buffer[], memoAll = false) {
  const memo = new Map<number, Buffer>();
  function mth(lo: number, hi: number): Buffer {
    const n = hi - lo;
    if (n === 0) return sha();
    if (n === 1) return leafHashes[lo] as Buffer;
    const memoize = memoAll || n >= 16;
    const key = lo * 4_194_304 + hi; // unique for hi < 2^22
    if (memoize) {
      const hit = memo.get(key);
      if (hit) return hit;
    }
    const k = K(n);
    const v = H_NODE(mth(lo, lo + k), mth(lo + k, hi));
    if (memoize) memo.set(key, v);
    return v;
  }
  /** PATH(m, D[lo:hi]) */
  function path(m: number, lo: number, hi: number): Buffer[] {
    const n = hi - lo;
    if (n === 1) return [];
    const k = K(n);
    if (m < k) return [...path(m, lo, lo + k), mth(lo + k, hi)];
    return [...path(m - k, lo + k, hi), mth(lo, lo + k)];
  }
  /** SUBPROOF(m, D[lo:hi], b) */
  function subproof(m: number, lo: number, hi: number, b: boolean): Buffer[] {
    const n = hi - lo;
    if (m === n) return b ? [] : [mth(lo, hi)];
    const k = K(n);
    if (m <= k) return [...subproof(m, lo, lo + k, b), mth(lo + k, hi)];
    return [...subproof(m - k, lo + k, hi, false), mth(lo, lo + k)];
  }
  return {
    root: (n: number) => mth(0, n),
    inclusion: (m: number, n: number) => path(m, 0, n),
    consistency: (m: number, n: number) => (m === n ? [] : subproof(m, 0, n, true)),
  };
}

/** RFC 9162 §2.1.3.2 */
function rfcVerifyInclusion(
  index: number,
  size: number,
  leaf: Buffer,
  proof: Buffer[],
  root: Buffer,
): boolean {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = H_NODE(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = H_NODE(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2 */
function rfcVerifyConsistency(
  first: number,
  second: number,
  firstHash: Buffer,
  secondHash: Buffer,
  proof: Buffer[],
): boolean {
  if (first === second) return proof.length === 0 && firstHash.equals(secondHash);
  const path = Number.isInteger(Math.log2(first)) ? [firstHash, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Buffer;
  let sr = path[0] as Buffer;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = H_NODE(c, fr);
      sr = H_NODE(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = H_NODE(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0;
}

// ---------------------------------------------------------------- the ledger's side

/** The ledger's append path over an in-memory stored-hash table (level arrays). */
function memoryLog() {
  const levels: Buffer[][] = [[]];
  let size = 0;
  const read: HashReader = async (keys: HashKey[]) => {
    const out = new Map<string, Buffer>();
    for (const k of keys) {
      const h = levels[k.level]?.[k.idx];
      if (h) out.set(keyOf(k.level, k.idx), h);
    }
    return out;
  };
  return {
    read,
    get size() {
      return size;
    },
    async append(leaves: Buffer[]) {
      const blocks = subtreeBlocks(0, size);
      const frontier = blocks.map((b) => levels[b.level]?.[b.idx] as Buffer);
      const res = appendLeaves(size, frontier, leaves);
      for (const [i, l] of leaves.entries()) (levels[0] as Buffer[])[size + i] = l;
      for (const n of res.nodes) (levels[n.level] ??= [])[n.idx] = n.hash;
      size = res.size;
      return res.root;
    },
  };
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (b: Buffer[]) => b.map((x) => x.toString('hex'));

describe('Merkle proofs against an independent RFC 9162 implementation', () => {
  it('matches the Certificate Transparency reference vectors', async () => {
    const inputs = [
      '',
      '00',
      '10',
      '2021',
      '3031',
      '40414243',
      '5051525354555657',
      '606162636465666768696a6b6c6d6e6f',
    ];
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const log = memoryLog();
    for (const [i, input] of inputs.entries()) {
      const root = await log.append([H_LEAF(Buffer.from(input, 'hex'))]);
      expect(root.toString('hex')).toBe(roots[i]);
    }
    expect(hex(await inclusionProof(0, 8, log.read))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(await inclusionProof(5, 8, log.read))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(await inclusionProof(2, 3, log.read))).toEqual([
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    ]);
    expect(hex(await consistencyProof(1, 8, log.read))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(await consistencyProof(3, 8, log.read))).toEqual([
      '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
      '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
  });

  it('every inclusion and consistency proof for all tree sizes 1..300', async () => {
    const random = rng(300);
    const leaves = Array.from({ length: 300 }, (_, i) => H_LEAF(Buffer.from(`entry ${i}`)));
    const rfc = rfcTree(leaves, true);
    const log = memoryLog();
    // batched appends of random sizes, checking the root after each batch
    while (log.size < 300) {
      const n = Math.min(300 - log.size, 1 + Math.floor(random() * 9));
      const root = await log.append(leaves.slice(log.size, log.size + n));
      expect(root.equals(rfc.root(log.size))).toBe(true);
    }
    const same = (a: Buffer[], b: Buffer[]) =>
      a.length === b.length && a.every((x, i) => x.equals(b[i] as Buffer));
    const failures: string[] = [];
    let inclusions = 0;
    let consistencies = 0;
    for (let n = 1; n <= 300; n++) {
      const root = rfc.root(n);
      if (!(await rootAt(n, log.read)).equals(root)) failures.push(`root ${n}`);
      for (let m = 0; m < n; m++) {
        const proof = await inclusionProof(m, n, log.read);
        if (!rfcVerifyInclusion(m, n, leaves[m] as Buffer, proof, root)) failures.push(`inclusion ${m}/${n}`);
        if (!same(proof, rfc.inclusion(m, n))) failures.push(`inclusion path ${m}/${n}`);
        // the same proof must not verify another leaf
        if (n > 1 && rfcVerifyInclusion((m + 1) % n, n, leaves[m] as Buffer, proof, root))
          failures.push(`forged ${m}/${n}`);
        inclusions++;
      }
      for (let m = 1; m <= n; m++) {
        const proof = await consistencyProof(m, n, log.read);
        if (!rfcVerifyConsistency(m, n, rfc.root(m), root, proof)) failures.push(`consistency ${m}→${n}`);
        if (!same(proof, rfc.consistency(m, n))) failures.push(`consistency path ${m}→${n}`);
        if (m < n && rfcVerifyConsistency(m, n, rfc.root(m), rfc.root(n - 1), proof))
          failures.push(`forged ${m}→${n}`);
        consistencies++;
      }
    }
    expect(failures).toEqual([]);
    expect([inclusions, consistencies]).toEqual([(300 * 301) / 2, (300 * 301) / 2]);
  });

  it('random tree sizes up to 1,000,000 (in-memory stored hashes)', async () => {
    const random = rng(1_000_000);
    const N = 1_000_000;
    // leaf hashes are opaque 32-byte values to the tree; random bytes stand in for them
    const pool = randomBytes(32 * N);
    const leaves: Buffer[] = Array.from({ length: N }, (_, i) => pool.subarray(32 * i, 32 * i + 32));
    const rfc = rfcTree(leaves);
    const sizes = [
      N,
      N - 1,
      2 ** 19,
      2 ** 19 + 1,
      ...Array.from({ length: 12 }, () => 1 + Math.floor(random() * N)),
    ].sort((a, b) => a - b);
    const log = memoryLog();
    for (const target of sizes) {
      while (log.size < target) {
        const n = Math.min(target - log.size, 1 + Math.floor(random() * 20_000));
        await log.append(leaves.slice(log.size, log.size + n));
      }
      const root = rfc.root(target);
      expect((await rootAt(target, log.read)).equals(root), `root at ${target}`).toBe(true);
      for (let i = 0; i < 25; i++) {
        const m = i === 0 ? 0 : i === 1 ? target - 1 : Math.floor(random() * target);
        const proof = await inclusionProof(m, target, log.read);
        expect(
          rfcVerifyInclusion(m, target, leaves[m] as Buffer, proof, root),
          `leaf ${m} of ${target}`,
        ).toBe(true);
        expect(hex(proof)).toEqual(hex(rfc.inclusion(m, target)));
        const first = 1 + Math.floor(random() * target);
        const cproof = await consistencyProof(first, target, log.read);
        expect(rfcVerifyConsistency(first, target, rfc.root(first), root, cproof), `${first}→${target}`).toBe(
          true,
        );
        expect(hex(cproof)).toEqual(hex(rfc.consistency(first, target)));
      }
    }
  });
});

const DIALECTS = await testDialects('proofs');
afterAll(async () => {
  for (const d of DIALECTS) await d.cleanup();
});

for (const d of DIALECTS) {
  describe.skipIf(!d.available)(`proofs from the ${d.name} store`, () => {
    it('match the independent implementation for every size 1..300 of a log built in batches', async () => {
      const { root, remove } = tempRoot('gl-proofs-');
      const url = d.fresh(root);
      const { initLedger } = await import('../../src/ledger/index.js');
      await initLedger(root, { url });
      const ledger = await openLedger({ root, url });
      const random = rng(7);
      try {
        let i = 0;
        while (i < 300) {
          const n = Math.min(300 - i, 1 + Math.floor(random() * 12));
          await ledger.recordStatements(
            Array.from({ length: n }, (_, k) => ({
              statement: {
                _type: STATEMENT_TYPE,
                subject: [{ name: `s${i + k}` }],
                predicateType: PREDICATE_TYPES.checkResult,
                predicate: { n: i + k },
              },
            })),
          );
          i += n;
        }
      } finally {
        await ledger.close();
      }
      const store = await openStore({ root, url, create: false });
      try {
        const read: HashReader = (keys) => store.ledger.hashes(keys);
        const rows = await store.ledger.entries(0, 300);
        const leaves = rows.map((r) => r.leaf_hash);
        for (const r of rows) expect(H_LEAF(r.envelope as Buffer).equals(r.leaf_hash)).toBe(true);
        const rfc = rfcTree(leaves);
        for (let n = 1; n <= 300; n++) {
          const rootN = rfc.root(n);
          expect((await rootAt(n, read)).equals(rootN)).toBe(true);
          for (const m of new Set([0, n - 1, Math.floor(random() * n)])) {
            const proof = await inclusionProof(m, n, read);
            expect(rfcVerifyInclusion(m, n, leaves[m] as Buffer, proof, rootN)).toBe(true);
          }
          const first = 1 + Math.floor(random() * n);
          const cproof = await consistencyProof(first, n, read);
          expect(rfcVerifyConsistency(first, n, rfc.root(first), rootN, cproof)).toBe(true);
        }
        // every stored checkpoint is a root the independent tree agrees with
        for (const cp of await store.ledger.checkpoints()) {
          expect(cp.root_hash.equals(rfc.root(cp.tree_size))).toBe(true);
        }
      } finally {
        await store.close();
        remove();
      }
    });
  });
}
