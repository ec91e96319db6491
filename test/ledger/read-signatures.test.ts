import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  deploymentStatement,
  EVIDENCE_PREDICATES,
  EVIDENCE_SUMMARIZER,
  PREDICATE,
} from '../../src/evidence/index.js';
import { LedgerIntegrityError } from '../../src/errors.js';
import { initLedger, openLedger, signerFromPrivateKey } from '../../src/ledger/index.js';
import { serializeEnvelope, signEnvelopes } from '../../src/ledger/dsse.js';
import { leafHash } from '../../src/ledger/merkle.js';
import { sha256, statementBytes } from '../../src/ledger/statement.js';
import { testDialects, tempRoot } from './dialects.js';
import { openRaw } from './raw-db.js';

/*
 * Readers that act on evidence (the gate reads statements, the population falls back to them)
 * check each envelope's signature, not only its leaf hash: an attacker with write access to the
 * database can rewrite an entry and its leaf hash, but cannot sign it with the ledger's key.
 */

const DIALECTS = await testDialects('read-signatures');
afterAll(async () => {
  for (const d of DIALECTS) await d.cleanup();
});

const COMMIT = 'a'.repeat(40);

for (const d of DIALECTS) {
  describe.skipIf(!d.available)(`reading evidence on ${d.name}`, () => {
    it('refuses an entry rewritten with a matching leaf hash but another key (exit 3), accepts the genuine one', async () => {
      const { root, remove } = tempRoot();
      const url = d.fresh(root);
      await initLedger(root, { url });
      const ledger = await openLedger({ root, url });
      try {
        const item = deploymentStatement({
          commit: COMMIT,
          environment: 'production',
          artifacts: [],
          deployedAt: '2025-03-01T12:00:00Z',
          repository: 'acme/shop',
          ci: { system: 'local' } as Parameters<typeof deploymentStatement>[0]['ci'],
        });
        await ledger.recordStatements([{ statement: item }]);
        const query = { predicateTypes: [PREDICATE.deployment], subjectDigest: COMMIT };
        const genuine = await ledger.readStatements(query);
        expect(genuine).toHaveLength(1);

        // The attacker's rewrite: a statement of their own, signed by a key of their own, and
        // the leaf hash recomputed to match, with the append-only triggers out of the way.
        const forged = structuredClone(genuine[0]!.statement);
        forged.predicate = { ...forged.predicate, environment: 'forged' };
        const { privateKey } = generateKeyPairSync('ed25519');
        const [env] = await signEnvelopes([statementBytes(forged)], signerFromPrivateKey(privateKey));
        const bytes = serializeEnvelope(env!);
        const raw = await openRaw(url);
        try {
          await raw.dropTriggers();
          const seq = genuine[0]!.seq;
          await raw.run('UPDATE ledger_payloads SET envelope = ? WHERE seq = ?', [bytes, seq]);
          await raw.run('UPDATE ledger_entries SET leaf_hash = ?, payload_sha256 = ? WHERE seq = ?', [
            leafHash(bytes),
            sha256(statementBytes(forged)),
            seq,
          ]);
        } finally {
          await raw.close();
        }
        const err = await ledger.readStatements(query).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(LedgerIntegrityError);
        expect((err as Error).message).toMatch(new RegExp(`entry ${genuine[0]!.seq}: .*not a trusted key`));
        // The population's fallback path (an entry recorded without an index row) refuses it too.
        const indexed = await openLedger({ root, url, summarizer: EVIDENCE_SUMMARIZER });
        try {
          await expect(
            indexed.readSummaries({ predicateTypes: [...EVIDENCE_PREDICATES] }),
          ).rejects.toBeInstanceOf(LedgerIntegrityError);
        } finally {
          await indexed.close();
        }
      } finally {
        await ledger.close();
        remove();
      }
    });
  });
}
