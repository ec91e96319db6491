import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  blobDigests,
  buildStatement,
  isNoLedger,
  nameSubject,
  openLedgerStore,
  recordIdempotent,
} from '../evidence/index.js';
import { drawSample, renderPopulation, toCsv } from '../population/index.js';
import { captureCiContext, commandNow } from '../ci-context/index.js';
import { loadConfig, type Config } from '../config/index.js';
import { UsageError } from '../errors.js';
import { loadPopulation } from './changes.js';
import { checkOutDir } from './output.js';

/** What the command set up or replayed, on stderr. */
const notice = (message: string): void => {
  process.stderr.write(`greenlight: ${message}\n`);
};

export interface SampleFlags {
  size: string;
  seed: string;
  since?: string;
  until?: string;
  repo?: string;
  branch?: string;
  config?: string;
  out?: string;
  github?: string;
  githubUrl?: string;
}

export async function run(flags: SampleFlags): Promise<number> {
  const size = Number(flags.size);
  if (!Number.isInteger(size) || size < 1)
    throw new UsageError(`--size "${flags.size}": expected a positive whole number (25, 40, 60…)`);
  if (!flags.seed) throw new UsageError('--seed is required so the sample can be drawn again');
  if (flags.out) checkOutDir(flags.out);
  const root = path.resolve(flags.repo ?? '.');
  const { config } = loadConfig(root, flags.config);
  await requireLedger(root, config, flags.config);
  const pop = await loadPopulation(flags);
  const sample = drawSample(pop, size, flags.seed);
  const out = checkOutDir(
    flags.out ?? `greenlight-sample-${sample.populationDigest.slice(0, 12)}-${flags.seed}`,
  );
  mkdirSync(out, { recursive: true });

  const now = commandNow();
  const store = await openLedgerStore({
    root,
    config,
    ...(flags.config ? { configFile: flags.config } : {}),
    now: () => now,
    write: true,
    notice,
  });
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
    const recorded = await recordIdempotent(store, { statement }, now);

    // Each sampled change: its signed statements (DSSE envelopes with inclusion proofs against
    // the newest checkpoint) and the blobs they reference, checkable offline.
    const ledger = store.ledger;
    const checkpoint = await ledger.latestCheckpoint();
    if (checkpoint) writeFileSync(path.join(out, 'checkpoint'), checkpoint.note);
    for (const row of sample.rows) {
      const dir = path.join(out, 'changes', row.commit);
      mkdirSync(path.join(dir, 'blobs'), { recursive: true });
      mkdirSync(path.join(dir, 'envelopes'), { recursive: true });
      writeFileSync(path.join(dir, 'change.json'), JSON.stringify(row, null, 2) + '\n');
      const entries = [];
      for (const seq of row.evidence) {
        const view = await ledger.show(seq);
        // The DSSE envelope as the ledger hashed it: leaf = SHA-256(0x00 ‖ these bytes).
        const envelopeFile = view.envelope ? path.join('envelopes', `${seq}.dsse.json`) : null;
        if (envelopeFile && view.envelope)
          writeFileSync(
            path.join(dir, envelopeFile),
            JSON.stringify({
              payloadType: view.envelope.payloadType,
              payload: view.envelope.payload,
              signatures: view.envelope.signatures.map((s) => ({ keyid: s.keyid, sig: s.sig })),
            }),
          );
        entries.push({
          seq,
          recordedAt: view.recordedAt,
          predicateType: view.predicateType,
          statement: view.statement,
          envelope: view.envelope,
          envelopeFile,
          pruned: view.pruned !== null,
          inclusionProof: view.pruned ? null : await ledger.proveInclusion(seq),
        });
        for (const sha of view.statement ? blobDigests(view.statement.predicate) : []) {
          const bytes = await ledger.getBlob(sha);
          if (bytes) writeFileSync(path.join(dir, 'blobs', sha), bytes);
        }
      }
      writeFileSync(path.join(dir, 'statements.json'), JSON.stringify(entries, null, 2) + '\n');
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

/**
 * Like `assess`, `sample` does not start a ledger: without one it says to run `greenlight init`
 * (exit 2) before reading anything, and creates nothing.
 */
async function requireLedger(root: string, config: Config, configFile: string | undefined): Promise<void> {
  try {
    const probe = await openLedgerStore({ root, config, ...(configFile ? { configFile } : {}) });
    await probe.close();
  } catch (err) {
    if (!isNoLedger(err)) throw err;
    throw new UsageError(
      `${(err as Error).message} (sample records the draw in the evidence ledger and exports each sampled change's evidence from it)`,
    );
  }
}
