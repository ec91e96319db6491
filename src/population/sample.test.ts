import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ChangeRow, Population } from './index.js';
import { drawSample, populationDigest } from './index.js';

/** The first 8 hex digits of the 5 changes drawn with seed `audit-2026` from population(40). */
const PINNED = ['5b384ce3', '91032ad7', 'b3f0c7f6', 'b6589fc6', 'd435a6cd'];

const sha = (n: number): string => createHash('sha1').update(String(n)).digest('hex');

/** A population of `n` changes; only the fields sampling reads matter here. */
function population(n: number, repository = 'acme/shop'): Population {
  const rows = Array.from({ length: n }, (_, i) => ({ commit: sha(i), repository }) as ChangeRow);
  return {
    repository,
    branch: 'main',
    since: null,
    until: '2026-02-01T00:00:00.000Z',
    rows,
    deployments: [],
    offBranchDeployments: [],
    approvalSources: [],
    warnings: [],
  };
}

describe('populationDigest', () => {
  it('is the sha256 of the sorted repository@commit lines, whatever the order rows come in', () => {
    const pop = population(5);
    const expected = createHash('sha256')
      .update(
        pop.rows
          .map((r) => `acme/shop@${r.commit}`)
          .sort()
          .join('\n'),
      )
      .digest('hex');
    expect(populationDigest(pop.rows)).toBe(expected);
    expect(populationDigest([...pop.rows].reverse())).toBe(expected);
    expect(populationDigest(population(5, 'acme/other').rows)).not.toBe(expected);
  });
});

describe('drawSample', () => {
  it('draws the same sample for the same seed and population, and records what it was drawn from', () => {
    const pop = population(40);
    const a = drawSample(pop, 5, 'audit-2026');
    const b = drawSample({ ...pop, rows: [...pop.rows].reverse() }, 5, 'audit-2026');
    expect(b).toEqual(a);
    expect(a).toMatchObject({ seed: 'audit-2026', size: 5, populationSize: 40 });
    expect(a.populationDigest).toBe(populationDigest(pop.rows));
    // Pinned: an auditor re-drawing with the same seed next year gets the same changes.
    expect(a.rows.map((r) => r.commit.slice(0, 8))).toEqual(PINNED);
  });

  it('draws distinct rows of the population, in commit order', () => {
    const pop = population(40);
    const { rows } = drawSample(pop, 12, 'x');
    expect(new Set(rows.map((r) => r.commit)).size).toBe(12);
    for (const r of rows) expect(pop.rows).toContain(r);
    expect(rows.map((r) => r.commit)).toEqual(rows.map((r) => r.commit).sort());
  });

  it('draws another sample for another seed', () => {
    const pop = population(40);
    const seeds = ['a', 'b', 'c', 'd'].map((s) =>
      drawSample(pop, 5, s)
        .rows.map((r) => r.commit)
        .join(),
    );
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it('takes the whole population when the sample is as large or larger, and nothing from an empty one', () => {
    const pop = population(3);
    const all = drawSample(pop, 10, 'seed');
    expect(all.size).toBe(3);
    expect(all.rows.map((r) => r.commit)).toEqual(pop.rows.map((r) => r.commit).sort());
    expect(drawSample(population(0), 5, 'seed')).toMatchObject({ size: 0, populationSize: 0, rows: [] });
  });
});
