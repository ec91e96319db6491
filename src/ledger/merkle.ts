import { createHash } from 'node:crypto';

/**
 * RFC 9162 §2.1 Merkle tree hashing, with every complete subtree hash stored once, as Go's
 * golang.org/x/mod/sumdb/tlog does. A stored hash is addressed by (level, idx): the root of the
 * complete subtree over leaves [idx·2^level, (idx+1)·2^level). Level 0 is the leaf hashes.
 *
 * Appending leaf i stores one hash per trailing 1-bit of i+1 (amortised two per leaf), reading
 * only the "frontier" — the O(log n) complete subtrees that make up the tree before the append.
 * Any hash the proofs need, including incomplete right-edge subtrees, is a fold of O(log n)
 * stored hashes.
 */

export const LEAF_PREFIX = Buffer.from([0x00]);
export const NODE_PREFIX = Buffer.from([0x01]);
/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT = createHash('sha256').digest();

export function leafHash(entry: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(entry).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

export interface HashKey {
  level: number;
  idx: number;
}

export interface StoredHash extends HashKey {
  hash: Buffer;
}

export const keyOf = (level: number, idx: number): string => `${level}/${idx}`;

/** Reads stored hashes by key; the returned map is keyed by keyOf(level, idx). */
export type HashReader = (keys: HashKey[]) => Promise<Map<string, Buffer>>;

/** Largest power of two strictly less than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The aligned complete subtrees covering leaves [lo, hi), left to right, largest first. For the
 * ranges RFC 9162's recursion produces (lo a multiple of a power of two ≥ hi − lo), folding their
 * hashes from the right gives MTH(D[lo:hi]).
 */
export function subtreeBlocks(lo: number, hi: number): HashKey[] {
  const out: HashKey[] = [];
  while (lo < hi) {
    let level = 0;
    // grow while the block stays aligned and inside the range
    while (lo % 2 ** (level + 1) === 0 && lo + 2 ** (level + 1) <= hi) level++;
    out.push({ level, idx: lo / 2 ** level });
    lo += 2 ** level;
  }
  return out;
}

/** Right fold: H(b0, H(b1, … H(b_{k-2}, b_{k-1}))). */
export function foldRight(hashes: Buffer[]): Buffer {
  if (hashes.length === 0) return EMPTY_ROOT;
  let acc = hashes[hashes.length - 1] as Buffer;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i] as Buffer, acc);
  return acc;
}

export function rangeHash(lo: number, hi: number, known: Map<string, Buffer>): Buffer {
  const blocks = subtreeBlocks(lo, hi).map((b) => {
    const h = known.get(keyOf(b.level, b.idx));
    if (!h) throw new MissingHashError(b);
    return h;
  });
  return foldRight(blocks);
}

export class MissingHashError extends Error {
  constructor(readonly key: HashKey) {
    super(`stored hash ${key.level}/${key.idx} is missing`);
  }
}

export async function rootAt(size: number, read: HashReader): Promise<Buffer> {
  if (size === 0) return EMPTY_ROOT;
  const keys = subtreeBlocks(0, size);
  return rangeHash(0, size, await read(keys));
}

export interface AppendResult {
  /** New stored hashes at level ≥ 1 (level 0 are the leaves themselves). */
  nodes: StoredHash[];
  root: Buffer;
  size: number;
}

/**
 * Appends leaves to a tree of `size` leaves whose frontier hashes are given (subtreeBlocks(0,
 * size), in that order). Returns the new level ≥ 1 hashes to store and the new root.
 */
export function appendLeaves(size: number, frontier: Buffer[], leaves: Buffer[]): AppendResult {
  const blocks = subtreeBlocks(0, size);
  if (blocks.length !== frontier.length) throw new Error('frontier does not match the tree size');
  // stack[level] = hash of the pending complete subtree at that level (a binary counter)
  const stack = new Map<number, Buffer>();
  blocks.forEach((b, i) => stack.set(b.level, frontier[i] as Buffer));
  const nodes: StoredHash[] = [];
  let n = size;
  for (const leaf of leaves) {
    let h = leaf;
    let level = 0;
    let idx = n;
    for (;;) {
      const left = stack.get(level);
      if (!left) break;
      stack.delete(level);
      h = nodeHash(left, h);
      level++;
      idx = Math.floor(idx / 2);
      nodes.push({ level, idx, hash: h });
    }
    stack.set(level, h);
    n++;
  }
  const pending = [...stack.entries()].sort((a, b) => b[0] - a[0]).map(([, h]) => h);
  return { nodes, root: foldRight(pending), size: n };
}
