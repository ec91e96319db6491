import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { openLedgerStore, prepareSpool, resolveCommit, spoolStore } from '../evidence/index.js';
import { captureCiContext, commandNow } from '../ci-context/index.js';
import { loadConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import { explainMarkdown, explainText, runGate } from '../gate/index.js';

/** What the command set up or replayed, on stderr. */
const notice = (message: string): void => {
  process.stderr.write(`greenlight: ${message}\n`);
};

export interface GateFlags {
  repo?: string;
  config?: string;
  context: 'auto' | 'pull_request' | 'deploy';
  env?: string;
  commit?: string;
  protectedEnv?: string[];
  block?: string[];
  override?: boolean;
  reason?: string;
  ticket?: string;
  approver?: string;
  failOpen?: boolean;
}

export async function run(flags: GateFlags): Promise<number> {
  const root = path.resolve(flags.repo ?? '.');
  const { config } = loadConfig(root, flags.config);
  const ci = captureCiContext(process.env);
  if (!flags.override && (flags.reason || flags.ticket || flags.approver))
    throw new UsageError('--reason, --ticket and --approver go with --override');
  const now = commandNow();
  // Evidence is keyed by full SHAs: a ref or a short SHA is resolved as `record` resolves it.
  const commit = flags.commit ? resolveCommit(root, flags.commit, ci) : undefined;
  const baseRef = ci.system === 'github-actions' ? process.env.GITHUB_BASE_REF?.trim() : undefined;
  const result = await runGate({
    root,
    config,
    ci,
    now,
    context: flags.context,
    ...(flags.env ? { environment: flags.env } : {}),
    ...(commit ? { commit } : {}),
    ...(flags.config ? { configFile: flags.config } : {}),
    ...(baseRef ? { baseRef } : {}),
    protectedEnvironments: flags.protectedEnv ?? ['production', 'prod'],
    blockingSeverities: flags.block ?? ['critical', 'high'],
    ...(flags.override
      ? {
          override: {
            reason: flags.reason ?? '',
            ticket: flags.ticket ?? '',
            approver: flags.approver ?? '',
          },
        }
      : {}),
    failOpen: flags.failOpen === true,
    openStore: () =>
      openLedgerStore({
        root,
        config,
        ...(flags.config ? { configFile: flags.config } : {}),
        now: () => now,
        write: true,
        notice,
      }),
    openSpool: async () => spoolStore(await prepareSpool(root), () => now),
  });
  process.stdout.write(explainText(result.decision, result.recordedAt));
  if (result.reviewDueAt)
    process.stdout.write(
      `Post-incident review due by ${result.reviewDueAt.slice(0, 10)}: \`greenlight record review --ticket ${flags.ticket}\`.\n`,
    );
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary) appendFileSync(summary, explainMarkdown(result.decision, result.recordedAt));
  return result.decision.decision === 'fail' ? 1 : 0;
}
