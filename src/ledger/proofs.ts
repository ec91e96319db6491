import {
  keyOf,
  nodeHash,
  rangeHash,
  splitPoint,
  subtreeBlocks,
  type HashKey,
  type HashReader,
} from './merkle.js';

/**
 * Inclusion and consistency proofs of RFC 9162 §2.1.3 and §2.1.4. Generation follows the RFC's
 * recursive definitions (PATH and SUBPROOF) to list the subtree ranges whose hashes make up the
 * proof, then reads all the stored hashes they need in one call. Verification is the RFC's
 * iterative algorithms, usable without any database.
 */

type Range = [lo: number, hi: number];

/** RFC 9162 §2.1.3.1 PATH(m, D[lo:hi]): the ranges whose hashes form the audit path, leaf upward. */
export function inclusionRanges(m: number, lo: number, hi: number): Range[] {
  const out: Range[] = [];
  // iterate the recursion from the root down, then reverse: the path lists the deepest sibling first
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (m < lo + k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo = lo + k;
    }
  }
  return out.reverse();
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[lo:hi], b). */
export function consistencyRanges(m: number, lo: number, hi: number): Range[] {
  const out: Range[] = [];
  let b = true;
  for (;;) {
    const n = hi - lo;
    if (m === n) {
      if (!b) out.push([lo, hi]);
      break;
    }
    const k = splitPoint(n);
    if (m <= k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      m -= k;
      lo = lo + k;
      b = false;
    }
  }
  return out.reverse();
}

async function hashRanges(ranges: Range[], read: HashReader): Promise<Buffer[]> {
  const keys = new Map<string, HashKey>();
  for (const [lo, hi] of ranges) for (const b of subtreeBlocks(lo, hi)) keys.set(keyOf(b.level, b.idx), b);
  const known = await read([...keys.values()]);
  return ranges.map(([lo, hi]) => rangeHash(lo, hi, known));
}

export function checkIndex(index: number, size: number): void {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`leaf ${index} is not in a tree of ${size} leaves`);
  }
}

export async function inclusionProof(index: number, size: number, read: HashReader): Promise<Buffer[]> {
  checkIndex(index, size);
  return hashRanges(inclusionRanges(index, 0, size), read);
}

export async function consistencyProof(from: number, to: number, read: HashReader): Promise<Buffer[]> {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) {
    throw new RangeError(`no consistency proof from size ${from} to size ${to}`);
  }
  if (from === 0 || from === to) return [];
  return hashRanges(consistencyRanges(from, 0, to), read);
}

const odd = (x: number) => x % 2 === 1;
const isPowerOfTwo = (x: number) => x > 0 && 2 ** Math.round(Math.log2(x)) === x;
const half = (x: number) => Math.floor(x / 2);

/** RFC 9162 §2.1.3.2: does `proof` show leaf `leafHash` at `index` in the tree with `root`? */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: is the tree (second, secondRoot) an append-only extension of (first, firstRoot)? */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (first < 0 || first > second) return false;
  if (first === second) return proof.length === 0 && Buffer.from(firstRoot).equals(secondRoot);
  if (first === 0) return proof.length === 0;
  const path = [...proof];
  if (isPowerOfTwo(first)) path.unshift(firstRoot);
  if (path.length === 0) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0] as Uint8Array);
  let sr: Buffer = Buffer.from(path[0] as Uint8Array);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}
