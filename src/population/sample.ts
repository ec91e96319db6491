import { createHash } from 'node:crypto';
import type { ChangeRow, Population } from './types.js';

/**
 * Reproducible sampling: the population is sorted by commit SHA (a key that does not depend on
 * when or how it was read), and a PRNG seeded from the seed and the population digest draws
 * the sample by a partial Fisher–Yates shuffle. Same seed, same population: same sample.
 */

/** sha256 over the sorted commit SHAs of the population: what the sample was drawn from. */
export function populationDigest(rows: readonly ChangeRow[]): string {
  const keys = rows.map((r) => `${r.repository}@${r.commit}`).sort();
  return createHash('sha256').update(keys.join('\n')).digest('hex');
}

/** xoshiro128** seeded with 128 bits of sha256(seed ‖ digest). */
function prng(seed: string, digest: string): () => number {
  const h = createHash('sha256').update(`${seed}\n${digest}`).digest();
  const s = [h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12)] as [
    number,
    number,
    number,
    number,
  ];
  if (s.every((x) => x === 0)) s[0] = 1;
  const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;
  return () => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result / 4294967296;
  };
}

export interface Sample {
  populationDigest: string;
  populationSize: number;
  seed: string;
  size: number;
  /** Sampled rows in population (commit SHA) order. */
  rows: ChangeRow[];
}

export function drawSample(pop: Population, size: number, seed: string): Sample {
  const sorted = [...pop.rows].sort((a, b) => (a.commit < b.commit ? -1 : a.commit > b.commit ? 1 : 0));
  const digest = populationDigest(sorted);
  const n = Math.min(size, sorted.length);
  const rand = prng(seed, digest);
  const order = sorted.map((_, i) => i);
  for (let i = 0; i < n; i += 1) {
    const j = i + Math.floor(rand() * (order.length - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const picked = order.slice(0, n).sort((a, b) => a - b);
  return {
    populationDigest: digest,
    populationSize: sorted.length,
    seed,
    size: n,
    rows: picked.map((i) => sorted[i]!),
  };
}
