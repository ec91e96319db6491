import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { SEVERITY_RANK, type Severity } from '../catalog/index.js';
import { parseSince } from '../config/index.js';
import { assess } from '../engine/index.js';
import { UsageError } from '../errors.js';
import { renderReport, type Format } from '../report/index.js';
import { checkOutFile, writeAtomic } from './output.js';
import { progressReporter } from './progress.js';

export { writeAtomic };

export interface AssessFlags {
  format: Format;
  out?: string;
  config?: string;
  since?: string;
  all?: boolean;
  branch?: string;
  only?: string[];
  failOn: Severity;
  record: boolean;
  /** False with `--no-git`: assess a folder that is not a git checkout (files only, no history). */
  git: boolean;
  quiet?: boolean;
  github?: string;
  githubUrl?: string;
  concurrency?: string;
}

export async function run(target: string, flags: AssessFlags): Promise<number> {
  const root = path.resolve(target);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`${target}: no such folder`);
  // Bad flags are named before any work starts.
  if (flags.out) checkOutFile(flags.out);
  if (flags.github) (await import('../sources/github/index.js')).parseTarget(flags.github);
  const now = new Date();
  const progress = progressReporter(!flags.quiet);
  const since = flags.all ? null : flags.since ? parseSince(flags.since, now) : undefined;
  const assessed = await assess({
    root,
    now,
    progress: progress.update,
    ...(flags.config ? { configFile: flags.config } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(flags.branch ? { branch: flags.branch } : {}),
    ...(flags.only ? { only: flags.only } : {}),
    requireGit: flags.git !== false,
    ...githubOptions(flags),
  });
  progress.done();
  const { assessment } = assessed;

  const color =
    !flags.out && flags.format === 'table' && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const text = await renderReport(assessment, flags.format, { color });
  if (flags.out) writeAtomic(flags.out, text);
  else process.stdout.write(text);

  const floor = SEVERITY_RANK[flags.failOn];
  const failing = assessment.results.some(
    (r) => (r.outcome === 'fail' || r.outcome === 'error') && SEVERITY_RANK[r.severity] >= floor,
  );
  if (!flags.record) return failing ? 1 : 0;
  // Recorded after the report is out: a ledger failure never loses the report (exit 3 or 4).
  const { recordAfterAssess } = await import('../engine/record.js');
  return recordAfterAssess(assessed, { root, configFile: flags.config }, failing ? 1 : 0);
}

/** `--github`, `--github-url`, `--concurrency` → the engine's GitHub options. */
function githubOptions(flags: AssessFlags): { github?: NonNullable<Parameters<typeof assess>[0]>['github'] } {
  if (!flags.github && !flags.githubUrl && !flags.concurrency) return {};
  const concurrency = flags.concurrency === undefined ? undefined : Number(flags.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64))
    throw new UsageError(`--concurrency ${flags.concurrency}: expected a whole number from 1 to 64`);
  return {
    github: {
      ...(flags.github ? { target: flags.github } : {}),
      ...(flags.githubUrl ? { url: flags.githubUrl } : {}),
      ...(concurrency ? { concurrency } : {}),
    },
  };
}
