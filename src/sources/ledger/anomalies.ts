import { z } from 'zod';
import { isNoLedger, openLedgerStore } from '../../evidence/index.js';
import { unavailable, type AnomalyFacts, type AnomalyRun, type Unavailable } from '../../facts/index.js';
import type { SourceContext } from '../context.js';
import { ANOMALY_PREDICATE } from '../../predicate-types.js';

const runPredicate = z.object({
  ranAt: z.string(),
  repository: z.string(),
  branch: z.string(),
  window: z.object({ since: z.string().nullable(), until: z.string() }),
  rules: z.array(z.string()),
  count: z.number().int(),
  byRule: z.record(z.string(), z.number().int()),
  deliveries: z.array(
    z.object({
      kind: z.enum(['webhook', 'slack', 'command']),
      target: z.string(),
      ok: z.boolean(),
      status: z.number().int().optional(),
      error: z.string().optional(),
    }),
  ),
});

/**
 * The `anomalies` fact loader: anomaly runs recorded in the ledger in the window. No ledger yet
 * is `not_available` (with what to run), never an empty list that reads as "no runs".
 */
export async function collectAnomalyFacts(ctx: SourceContext): Promise<AnomalyFacts | Unavailable> {
  let store;
  try {
    store = await openLedgerStore({ root: ctx.root, config: ctx.config });
  } catch (err) {
    if (isNoLedger(err))
      return unavailable(
        'no evidence ledger exists yet: run `greenlight init`, then `greenlight anomalies --notify` on a schedule',
      );
    return unavailable(`the evidence ledger cannot be opened: ${(err as Error).message}`);
  }
  try {
    const rows = await store.statements({
      predicateTypes: [ANOMALY_PREDICATE],
      ...(ctx.since ? { since: ctx.since } : {}),
      until: ctx.until,
    });
    const runs: AnomalyRun[] = [];
    for (const r of rows) {
      const p = runPredicate.safeParse(r.statement.predicate);
      if (!p.success) continue;
      const { count, deliveries, ...rest } = p.data;
      runs.push({
        index: r.index,
        recordedAt: r.recordedAt,
        ...rest,
        anomalies: count,
        deliveries: deliveries.map((d) => ({
          kind: d.kind,
          target: d.target,
          ok: d.ok,
          ...(d.status !== undefined ? { status: d.status } : {}),
          ...(d.error !== undefined ? { error: d.error } : {}),
        })),
      });
    }
    return {
      location: store.describe(),
      window: { since: ctx.since?.toISOString() ?? null, until: ctx.until.toISOString() },
      runs,
    };
  } catch (err) {
    return unavailable(`the evidence ledger cannot be read: ${(err as Error).message}`);
  } finally {
    await store.close();
  }
}
