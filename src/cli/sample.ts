import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  EVIDENCE_PREDICATES,
  buildStatement,
  drawSample,
  nameSubject,
  openEvidenceStore,
  recordIdempotent,
  renderPopulation,
  toCsv,
} from '../changes/index.js';
import { captureCiContext } from '../ci-context/index.js';
import { loadConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import { loadPopulation } from './changes.js';

export interface SampleFlags {
  size: string;
  seed: string;
  since?: string;
  until?: string;
  repo?: string;
  branch?: string;
  config?: string;
  out?: string;
}

/** Blob digests a statement's predicate refers to (reports, findings). */
function blobRefs(predicate: Record<string, unknown>): string[] {
  const out: string[] = [];
  const visit = (v: unknown, key: string): void => {
    if (typeof v === 'string' && key === 'sha256' && /^[0-9a-f]{64}$/.test(v)) out.push(v);
    else if (Array.isArray(v)) v.forEach((x) => visit(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, k);
  };
  visit(predicate, '');
  return out;
}

export async function run(flags: SampleFlags): Promise<number> {
  const size = Number(flags.size);
  if (!Number.isInteger(size) || size < 1)
    throw new UsageError(`--size "${flags.size}": expected a positive whole number (25, 40, 60…)`);
  if (!flags.seed) throw new UsageError('--seed is required so the sample can be drawn again');
  const root = path.resolve(flags.repo ?? '.');
  const { config } = loadConfig(root, flags.config);
  const pop = await loadPopulation(flags);
  const sample = drawSample(pop, size, flags.seed);
  const out = path.resolve(
    flags.out ?? `greenlight-sample-${sample.populationDigest.slice(0, 12)}-${flags.seed}`,
  );
  mkdirSync(out, { recursive: true });

  const store = await openEvidenceStore({ root, config });
  try {
    const ci = captureCiContext(process.env);
    const statement = buildStatement(
      'sample',
      [nameSubject(`sample:${sample.populationDigest}:${flags.seed}`)],
      {
        populationDigest: sample.populationDigest,
        populationSize: sample.populationSize,
        seed: flags.seed,
        size: sample.size,
        window: { since: pop.since, until: pop.until },
        selection: sample.rows.map((r) => r.commit),
        repository: pop.repository,
        ci,
      },
      { digest: sample.populationDigest, seed: flags.seed, size: sample.size },
    );
    const recorded = await recordIdempotent(store, statement);

    // Each sampled change: its statements and the blobs they reference.
    const wanted = new Set(sample.rows.flatMap((r) => r.evidence));
    const all = wanted.size > 0 ? await store.statements({ predicateTypes: EVIDENCE_PREDICATES }) : [];
    for (const row of sample.rows) {
      const dir = path.join(out, 'changes', row.commit);
      mkdirSync(path.join(dir, 'blobs'), { recursive: true });
      const mine = new Set(row.evidence);
      const statements = all.filter((s) => mine.has(s.index));
      writeFileSync(path.join(dir, 'change.json'), JSON.stringify(row, null, 2) + '\n');
      writeFileSync(path.join(dir, 'statements.json'), JSON.stringify(statements, null, 2) + '\n');
      for (const sha of new Set(statements.flatMap((s) => blobRefs(s.statement.predicate)))) {
        const bytes = await store.blob(sha);
        if (bytes) writeFileSync(path.join(dir, 'blobs', sha), bytes);
      }
    }
    writeFileSync(path.join(out, 'sample.csv'), toCsv(sample.rows));
    writeFileSync(path.join(out, 'population.csv'), renderPopulation(pop, 'csv'));
    writeFileSync(
      path.join(out, 'manifest.json'),
      JSON.stringify(
        {
          repository: pop.repository,
          branch: pop.branch,
          window: { since: pop.since, until: pop.until },
          populationDigest: sample.populationDigest,
          populationSize: sample.populationSize,
          seed: sample.seed,
          size: sample.size,
          selection: sample.rows.map((r) => r.commit),
          recordedAs: recorded.stored.index,
        },
        null,
        2,
      ) + '\n',
    );
    process.stdout.write(
      `sampled ${sample.size} of ${sample.populationSize} changes (seed ${flags.seed}, population ${sample.populationDigest.slice(0, 12)}) into ${out}; ${recorded.appended ? 'recorded as' : 'already recorded as'} ledger entry ${recorded.stored.index}\n`,
    );
  } finally {
    await store.close();
  }
  return 0;
}
