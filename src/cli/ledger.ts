import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { LedgerIntegrityError, UsageError } from '../errors.js';

/**
 * `greenlight ledger …` and `greenlight verify DIR`. This file only declares the commands; the
 * ledger itself (SQLite/PostgreSQL drivers, secretlint) is imported when a command runs, so the
 * CLI's start-up stays light.
 */

type Runner = (
  load: () => Promise<{ run: (...args: never[]) => Promise<number> }>,
) => (...args: unknown[]) => Promise<void>;

type Format = 'text' | 'json';

interface Common {
  repo: string;
  config?: string;
  format: Format;
}

const format = () =>
  new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text');

function common(cmd: Command): Command {
  return cmd
    .option('-C, --repo <path>', 'repository root (holds .greenlight/)', '.')
    .option('-c, --config <file>', 'config file (default: greenlight.yml in the repository)')
    .addOption(format());
}

export function registerLedgerCommands(program: Command, run: Runner): void {
  const action = (fn: (...args: never[]) => Promise<number>) => run(async () => ({ run: fn }));
  const ledger = program
    .command('ledger')
    .description(
      'The evidence ledger: status, verify, checkpoints, proofs, export, retention and legal hold',
    );

  common(
    ledger.command('status').description('Size, root hash, latest checkpoint and keys of the ledger'),
  ).action(action(status));
  common(
    ledger
      .command('verify')
      .description(
        'Recompute every leaf and stored hash, check every signature, checkpoint and blob; exit 3 on any mismatch',
      ),
  )
    .addOption(
      new Option(
        '--signatures <mode>',
        'all: check every entry signature; checkpoints: let the newest verified checkpoint vouch for the entries it covers',
      )
        .choices(['all', 'checkpoints'])
        .default('all'),
    )
    .option('--deep', "also run the database's own consistency check")
    .option('--key <file...>', 'trust these public keys (PEM) instead of .greenlight/keys')
    .option(
      '--checkpoint <file...>',
      'checkpoints kept outside the database: each must be consistent with the log',
    )
    .action(action(verify));
  common(
    ledger.command('checkpoint').description('Sign and store a checkpoint at the current size; print it'),
  ).action(action(checkpoint));
  common(
    ledger
      .command('reindex')
      .description(
        'Write the read index (summaries the change population reads) for entries recorded before it existed',
      ),
  ).action(action(reindex));
  common(
    ledger
      .command('proof')
      .description(
        'RFC 9162 inclusion proof of an entry (number or sha256 statement digest) in the latest checkpoint',
      )
      .argument('<entry>', 'entry number, or sha256:<hex> of the statement'),
  ).action(action(proof));
  common(
    ledger
      .command('consistency')
      .description('RFC 9162 consistency proof from an earlier tree size to the latest checkpoint')
      .option('--from <size>', 'earlier tree size')
      .option('--to <size>', 'later tree size (default: the latest checkpoint)')
      .option(
        '--checkpoint <file>',
        'an earlier signed checkpoint to check against this ledger (fork detection)',
      ),
  ).action(action(consistency));
  common(
    ledger
      .command('show')
      .description('Show one entry: its statement, signature status, or that it was pruned')
      .argument('<entry>', 'entry number, or sha256:<hex> of the statement'),
  ).action(action(show));
  common(
    ledger
      .command('prune')
      .description(
        'Remove payloads and blobs past their retention (config ledger.retentionDays); leaf hashes stay',
      )
      .option('--dry-run', 'report what would be pruned')
      .option('--actor <name>', 'who runs the prune (recorded)'),
  ).action(action(prune));
  const hold = ledger.command('hold').description('Legal holds: evidence they cover is never pruned');
  common(
    hold
      .command('add')
      .description('Place a legal hold')
      .requiredOption('--reason <text>', 'why (recorded, signed)')
      .option('--id <id>', 'hold id (default: generated)')
      .option('--type <type...>', 'evidence types covered (default: all), e.g. check-result assessment')
      .option('--since <date>', 'entries recorded at or after this date')
      .option('--until <date>', 'entries recorded before this date')
      .option('--subject <glob...>', 'entries with a subject whose name matches')
      .option('--actor <name>', 'who places the hold'),
  ).action(action(holdAdd));
  common(
    hold
      .command('release')
      .description('Release a legal hold')
      .argument('<id>', 'hold id')
      .requiredOption('--reason <text>', 'why (recorded, signed)')
      .option('--actor <name>', 'who releases the hold'),
  ).action(action(holdRelease));
  common(hold.command('list').description('List legal holds')).action(action(holdList));
  common(
    ledger
      .command('export')
      .description(
        'Write entries, blobs, proofs, checkpoints and the public key to DIR for offline verification',
      )
      .requiredOption('-o, --out <dir>', 'a new (or empty) folder')
      .option('--from <entry|date>', 'first entry: a number, or a date (first entry recorded on/after it)')
      .option('--to <entry|date>', 'last entry: a number, or a date (last entry recorded on/before it)'),
  ).action(action(exportCmd));

  program
    .command('verify')
    .description('Verify an evidence export offline (no database): signatures, proofs, blobs, completeness')
    .argument('<dir>', 'folder written by `greenlight ledger export`')
    .option('--key <file|keyid>', 'the public key (PEM) or key id you trust; default: the key in the export')
    .option('--origin <origin>', 'the log origin you expect')
    .option('--checkpoint <file>', 'a checkpoint you kept earlier: prove the exported log extends it')
    .addOption(format())
    .action(run(() => import('./verify.js')));
}

// ------------------------------------------------------------------ shared

async function open(flags: Common, opts: { signer?: boolean; keys?: string[] } = {}) {
  const { loadConfig } = await import('../config/index.js');
  const { openLedger, ledgerOptionsFromConfig, parsePublicKey } = await import('../ledger/index.js');
  const root = path.resolve(flags.repo);
  const { config } = loadConfig(root, flags.config);
  const trustedKeys = opts.keys?.map((file) => {
    if (!existsSync(file)) throw new UsageError(`${file}: key file not found`);
    return parsePublicKey(readFileSync(file, 'utf8'), file);
  });
  // The evidence summarizer, so `verify` checks the read index against the statements.
  const { EVIDENCE_SUMMARIZER } = await import('../evidence/read-evidence.js');
  const ledger = await openLedger({
    ...ledgerOptionsFromConfig(root, config),
    ...(trustedKeys ? { trustedKeys } : {}),
    summarizer: EVIDENCE_SUMMARIZER,
  });
  return { ledger, config, root };
}

function out(flags: { format: Format }, json: unknown, text: () => string): void {
  process.stdout.write(flags.format === 'json' ? `${JSON.stringify(json, null, 2)}\n` : `${text()}\n`);
}

function actorOf(flag: string | undefined): string | undefined {
  return flag ?? process.env.GITHUB_ACTOR ?? process.env.GITLAB_USER_LOGIN ?? process.env.USER ?? undefined;
}

// ------------------------------------------------------------------ commands

export async function status(flags: Common): Promise<number> {
  const { ledger } = await open(flags);
  try {
    const s = await ledger.status();
    out(flags, s, () =>
      [
        `origin        ${s.origin}`,
        `database      ${s.dialect} ${s.location}`,
        `entries       ${s.treeSize}${s.prunedEntries ? ` (${s.prunedEntries} pruned)` : ''}`,
        `root hash     ${s.rootHash}`,
        `checkpoint    ${s.latestCheckpoint ? `size ${s.latestCheckpoint.treeSize}, ${s.latestCheckpoint.createdAt}` : 'none'}`,
        `blobs         ${s.blobs}`,
        `legal holds   ${s.activeHolds} active`,
        ...s.keys.map(
          (k) => `key           ${k.algorithm} ${k.keyId}${k.trusted ? '' : ' (not in .greenlight/keys)'}`,
        ),
        `signing       ${s.canSign ? 'this machine can sign' : 'read-only (no private key here)'}`,
      ].join('\n'),
    );
    return 0;
  } finally {
    await ledger.close();
  }
}

export async function verify(
  flags: Common & {
    signatures: 'all' | 'checkpoints';
    deep?: boolean;
    key?: string[];
    checkpoint?: string[];
  },
): Promise<number> {
  const { ledger } = await open(flags, flags.key ? { keys: flags.key } : {});
  try {
    const witnesses = (flags.checkpoint ?? []).map((file) => {
      if (!existsSync(file)) throw new UsageError(`${file}: checkpoint file not found`);
      return readFileSync(file, 'utf8');
    });
    const started = Date.now();
    const report = await ledger.verify({ signatures: flags.signatures, deep: flags.deep, witnesses });
    const seconds = (Date.now() - started) / 1000;
    out(flags, report, () => {
      const lines = [
        `${report.ok ? 'OK' : 'FAILED'}: ${report.treeSize} entries, root ${report.rootHash}`,
        `  signatures checked ${report.signaturesChecked}${
          report.signaturesVouched ? `, vouched by checkpoint ${report.signaturesVouched}` : ''
        }; checkpoints ${report.checkpoints}; blobs ${report.blobs}; pruned ${report.prunedEntries}; ${seconds.toFixed(1)}s`,
      ];
      if (report.trustSource === 'database') {
        lines.push(
          '  warning: no public key in .greenlight/keys; trusted the key recorded in the database itself — ' +
            'pass --key with a key obtained independently',
        );
      }
      for (const i of report.issues.slice(0, 50))
        lines.push(`  ${i.seq === null ? '-' : `#${i.seq}`} ${i.kind}: ${i.message}`);
      if (report.issueCount > 50) lines.push(`  … ${report.issueCount - 50} more`);
      return lines.join('\n');
    });
    if (!report.ok) {
      const first = report.firstBad;
      process.stderr.write(
        `greenlight: the ledger does not verify: ${first ? first.message : 'see the report'}` +
          `${report.issueCount > 1 ? ` (and ${report.issueCount - 1} more)` : ''}\n`,
      );
      return 3;
    }
    return 0;
  } finally {
    await ledger.close();
  }
}

export async function checkpoint(flags: Common): Promise<number> {
  const { ledger } = await open(flags);
  try {
    const cp = await ledger.checkpoint();
    out(
      flags,
      { origin: cp.origin, treeSize: cp.treeSize, rootHash: cp.rootHash.toString('hex'), note: cp.note },
      () => cp.note.trimEnd(),
    );
    return 0;
  } finally {
    await ledger.close();
  }
}

export async function reindex(flags: Common): Promise<number> {
  const { ledger } = await open(flags);
  const tty = process.stderr.isTTY && flags.format !== 'json';
  try {
    const r = await ledger.reindex((done, total) => {
      if (tty) process.stderr.write(`\rreindexing: ${done}/${total} entries`);
    });
    if (tty) process.stderr.write('\n');
    out(flags, r, () => `read index: ${r.written} summaries written for ${r.entries} entries`);
    return 0;
  } finally {
    await ledger.close();
  }
}

export async function proof(entry: string, flags: Common): Promise<number> {
  const { ledger } = await open(flags);
  try {
    const p = await ledger.proveInclusion(entry);
    out(flags, p, () =>
      [
        `entry ${p.seq} in a tree of ${p.treeSize} entries`,
        `leaf hash  ${p.leafHash}`,
        `root hash  ${p.rootHash}`,
        `audit path (deepest first):`,
        ...p.proof.map((h) => `  ${h}`),
        p.checkpoint
          ? `checkpoint:\n${p.checkpoint.trimEnd()}`
          : 'no signed checkpoint at this size (read-only: run `greenlight ledger checkpoint`)',
      ].join('\n'),
    );
    return 0;
  } finally {
    await ledger.close();
  }
}

function sizeArg(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`${name} must be a tree size (a whole number), not "${v}"`);
  return Number(v);
}

export async function consistency(
  flags: Common & { from?: string; to?: string; checkpoint?: string },
): Promise<number> {
  const { ledger } = await open(flags);
  try {
    let from = sizeArg(flags.from, '--from');
    const to = sizeArg(flags.to, '--to');
    let held: { treeSize: number; rootHash: Buffer } | null = null;
    if (flags.checkpoint) {
      const { openCheckpoint, loadTrustedKeys } = await import('../ledger/index.js');
      if (!existsSync(flags.checkpoint)) throw new UsageError(`${flags.checkpoint}: file not found`);
      const keys = loadTrustedKeys(path.resolve(flags.repo));
      held = openCheckpoint(readFileSync(flags.checkpoint, 'utf8'), ledger.origin, keys, flags.checkpoint);
      from ??= held.treeSize;
    }
    if (from === undefined) throw new UsageError('give --from <size> or --checkpoint <file>');
    const c = await ledger.proveConsistency(from, to);
    const forked = held !== null && held.treeSize === c.from && held.rootHash.toString('hex') !== c.fromRoot;
    out(flags, { ...c, ...(held ? { heldCheckpointConsistent: !forked } : {}) }, () =>
      [
        `from size ${c.from} (root ${c.fromRoot})`,
        `to size   ${c.to} (root ${c.toRoot})`,
        `proof:`,
        ...c.proof.map((h) => `  ${h}`),
        ...(held
          ? [
              forked
                ? 'your checkpoint does NOT match this log (fork)'
                : 'your checkpoint is consistent with this log',
            ]
          : []),
      ].join('\n'),
    );
    if (forked) {
      throw new LedgerIntegrityError(
        `${flags.checkpoint}: the log forked: your checkpoint's root at size ${c.from} differs from this ledger's`,
      );
    }
    return 0;
  } finally {
    await ledger.close();
  }
}

export async function show(entry: string, flags: Common): Promise<number> {
  const { ledger } = await open(flags);
  try {
    const e = await ledger.show(entry);
    out(flags, e, () =>
      [
        `entry ${e.seq}  ${e.evidenceType}  recorded ${e.recordedAt}`,
        `predicate type  ${e.predicateType}`,
        `statement       sha256:${e.payloadDigest}`,
        `leaf hash       ${e.leafHash}`,
        e.pruned
          ? `PRUNED under retention (prune statement #${e.pruned.pruneSeq}); the leaf hash remains and every proof still verifies`
          : `signature       ${e.signatureProblem ?? 'valid'}`,
        ...(e.statement ? [JSON.stringify(e.statement, null, 2)] : []),
      ].join('\n'),
    );
    return e.signatureProblem ? 3 : 0;
  } finally {
    await ledger.close();
  }
}

export async function prune(flags: Common & { dryRun?: boolean; actor?: string }): Promise<number> {
  const { ledger, config } = await open(flags);
  try {
    const r = await ledger.prune({
      retentionDays: config.ledger.retentionDays,
      dryRun: flags.dryRun,
      actor: actorOf(flags.actor),
    });
    out(flags, r, () =>
      [
        `${r.dryRun ? 'would prune' : 'pruned'} ${r.pruned} entries and ${r.blobsPruned} blobs ` +
          `(${r.expired} past retention, ${r.held} kept by legal holds)`,
        ...(r.ranges.length
          ? [`entries: ${r.ranges.map(([a, b]) => (b - a === 1 ? `${a}` : `${a}..${b - 1}`)).join(', ')}`]
          : []),
        ...(r.statementSeq !== null ? [`recorded as prune statement #${r.statementSeq}`] : []),
      ].join('\n'),
    );
    return 0;
  } finally {
    await ledger.close();
  }
}

export async function holdAdd(
  flags: Common & {
    reason: string;
    id?: string;
    type?: string[];
    since?: string;
    until?: string;
    subject?: string[];
    actor?: string;
  },
): Promise<number> {
  const { ledger } = await open(flags);
  try {
    const h = await ledger.addHold({
      ...(flags.id ? { id: flags.id } : {}),
      reason: flags.reason,
      ...(actorOf(flags.actor) ? { actor: actorOf(flags.actor) as string } : {}),
      selector: { types: flags.type, since: flags.since, until: flags.until, subjects: flags.subject },
    });
    out(
      flags,
      h,
      () => `legal hold ${h.id} placed (statement #${h.statementSeq}): ${JSON.stringify(h.selector)}`,
    );
    return 0;
  } finally {
    await ledger.close();
  }
}

export async function holdRelease(
  id: string,
  flags: Common & { reason: string; actor?: string },
): Promise<number> {
  const { ledger } = await open(flags);
  try {
    const h = await ledger.releaseHold(id, {
      reason: flags.reason,
      ...(actorOf(flags.actor) ? { actor: actorOf(flags.actor) as string } : {}),
    });
    out(flags, h, () => `legal hold ${h.id} released (statement #${h.released?.statementSeq})`);
    return 0;
  } finally {
    await ledger.close();
  }
}

export async function holdList(flags: Common): Promise<number> {
  const { ledger } = await open(flags);
  try {
    const holds = await ledger.listHolds();
    out(flags, holds, () =>
      holds.length === 0
        ? 'no legal holds'
        : holds
            .map(
              (h) =>
                `${h.id}  ${h.released ? `released ${h.released.at}` : 'ACTIVE'}  since ${h.at}  ${JSON.stringify(h.selector)}  — ${h.reason}`,
            )
            .join('\n'),
    );
    return 0;
  } finally {
    await ledger.close();
  }
}

/** `--from`/`--to`: an entry number, or a date resolved against recording times. */
async function entryBound(
  ledger: { findEntries(q: { since?: Date; until?: Date; limit?: number }): Promise<{ seq: number }[]> },
  value: string | undefined,
  side: 'from' | 'to',
): Promise<number | undefined> {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`--${side} "${value}" is neither an entry number nor a date`);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  if (side === 'from') {
    const [first] = await ledger.findEntries({ since: new Date(t), limit: 1 });
    if (!first) throw new UsageError(`no entry was recorded on or after ${value}`);
    return first.seq;
  }
  const until = new Date(dateOnly ? t + 86_400_000 : t + 1);
  const rows = await ledger.findEntries({ until });
  const last = rows[rows.length - 1];
  if (!last) throw new UsageError(`no entry was recorded on or before ${value}`);
  return last.seq;
}

export async function exportCmd(
  flags: Common & { out: string; from?: string; to?: string },
): Promise<number> {
  const { checkOutDir } = await import('./output.js');
  checkOutDir(flags.out);
  const { ledger } = await open(flags);
  try {
    const from = await entryBound(ledger, flags.from, 'from');
    const to = await entryBound(ledger, flags.to, 'to');
    const m = await ledger.export({ out: path.resolve(flags.out), from, to });
    out(flags, m, () =>
      [
        `exported entries ${m.from}..${m.to} of ${m.treeSize} to ${flags.out}`,
        `  ${m.entries} statements, ${m.pruned} pruned, ${m.blobs} blobs, ${m.checkpoints.length} earlier checkpoints`,
        `  key ${m.keyId}`,
        `check it with: greenlight verify ${flags.out} --key <public key you trust>`,
      ].join('\n'),
    );
    return 0;
  } finally {
    await ledger.close();
  }
}
