import { afterAll, describe, expect, it } from 'vitest';
import { ANOMALY_PREDICATE } from '../../src/predicate-types.js';
import { PREDICATE } from '../../src/evidence/index.js';
import {
  initLedger,
  openLedger,
  PREDICATE_TYPES,
  STATEMENT_TYPE,
  type RecordItem,
} from '../../src/ledger/index.js';
import { fakeSecrets, leaks } from '../fake-secrets.js';
import { dumpDatabase } from '../secret-dump.js';
import { testDialects, tempRoot } from './dialects.js';

const DIALECTS = await testDialects('ledger-redaction');
afterAll(async () => {
  for (const d of DIALECTS) await d.cleanup();
});

const SECRETS = fakeSecrets();
const TYPES = [...Object.values(PREDICATE_TYPES), ...Object.values(PREDICATE), ANOMALY_PREDICATE];

/** A predicate with the secret in a top-level string, deep in arrays and objects, and as a key. */
function planted(line: string, i: number): Record<string, unknown> {
  return {
    check: `check-${i}`,
    message: `failed: ${line}`,
    reasons: ['first', `commit subject: ${line}`],
    ci: { system: 'github', event: 'push', runUrl: `https://ci.example/run/${i}`, env: { LINE: line } },
    anomalies: [{ rule: 'r', details: { deliveries: [{ error: line }] } }],
    [`key ${line}`]: 'a key holding it',
    count: 3,
  };
}

for (const d of DIALECTS) {
  describe.skipIf(!d.available)(`statement redaction on ${d.name}`, () => {
    it('masks a planted secret in any string field of any predicate type before signing', async () => {
      const { root, remove } = tempRoot();
      try {
        const url = d.fresh(root);
        await initLedger(root, { url });
        const ledger = await openLedger({ root, url });
        const items: RecordItem[] = [];
        for (const type of TYPES)
          for (const [i, s] of SECRETS.entries())
            items.push({
              statement: {
                _type: STATEMENT_TYPE,
                subject: [{ name: `ticket:${s.line}`, digest: { sha256: 'b'.repeat(64) } }],
                predicateType: type,
                predicate: planted(s.line, i),
              },
              ...(i % 4 === 0 ? { blobs: [{ name: `raw/${i}.txt`, content: `${s.line}\n` }] } : {}),
            });
        const result = await ledger.recordStatements(items);
        expect(result.entries).toHaveLength(TYPES.length * SECRETS.length);
        const read = await ledger.readStatements({ predicateTypes: TYPES });
        expect(read).toHaveLength(items.length);
        const text = JSON.stringify(read);
        expect(leaks(text)).toEqual([]);
        expect(text).toContain('[REDACTED:');
        // digests are never touched
        expect(read.every((r) => r.statement.subject[0]?.digest?.sha256 === 'b'.repeat(64))).toBe(true);
        await ledger.close();
        expect(leaks(await dumpDatabase(url))).toEqual([]);
      } finally {
        remove();
      }
    });
  });
}
