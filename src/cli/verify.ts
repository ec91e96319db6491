import { verifyExport } from '../ledger/index.js';

/** `greenlight verify DIR`: checks an evidence export with no database. Exit 3 on any failure. */
export async function run(
  dir: string,
  flags: { key?: string; origin?: string; checkpoint?: string; format: 'text' | 'json' },
): Promise<number> {
  const report = verifyExport(dir, { key: flags.key, origin: flags.origin, checkpoint: flags.checkpoint });
  if (flags.format === 'json') {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const lines = [
      `${report.ok ? 'OK' : 'FAILED'}: entries ${report.from}..${report.to} of ${report.origin} ` +
        `(tree size ${report.treeSize}, root ${report.rootHash})`,
      `  ${report.entries} statements (signatures and inclusion proofs checked), ${report.pruned} pruned ` +
        `(inclusion proofs checked), ${report.blobs} blobs, ${report.checkpoints} earlier checkpoints consistent`,
      `  key ${report.keyId}${report.keyPinned ? '' : ' — taken from the export itself: compare it with a key id you obtained independently, or pass --key'}`,
    ];
    if (report.heldCheckpoint) {
      lines.push(
        `  your checkpoint at size ${report.heldCheckpoint.treeSize}: ${report.heldCheckpoint.consistent ? 'consistent' : 'NOT consistent (fork)'}`,
      );
    }
    for (const i of report.issues.slice(0, 50))
      lines.push(`  ${i.seq === null ? '-' : `#${i.seq}`} ${i.message}`);
    if (report.issues.length > 50) lines.push(`  … ${report.issues.length - 50} more`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (!report.ok) {
    process.stderr.write(
      `greenlight: the export does not verify: ${report.firstBad?.message ?? 'see the report'}` +
        `${report.issues.length > 1 ? ` (and ${report.issues.length - 1} more)` : ''}\n`,
    );
    return 3;
  }
  return 0;
}
