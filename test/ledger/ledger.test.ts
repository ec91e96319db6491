import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { LedgerIntegrityError } from '../../src/errors.js';
import {
  initLedger,
  openLedger,
  PREDICATE_TYPES,
  STATEMENT_TYPE,
  verifyConsistency,
  verifyExport,
  verifyInclusion,
  type RecordItem,
} from '../../src/ledger/index.js';
import { openStore } from '../../src/store/index.js';
import { testDialects, tempRoot } from './dialects.js';

const DIALECTS = await testDialects('ledger');
afterAll(async () => {
  for (const d of DIALECTS) await d.cleanup();
});

// A GitHub token-shaped string built at run time (not a real credential).
const FAKE_TOKEN = `ghp_${'A1b2C3d4E5'.repeat(3)}abcdef`;

function checkResult(id: string, outcome: string, extra: Record<string, unknown> = {}): RecordItem {
  return {
    statement: {
      _type: STATEMENT_TYPE,
      subject: [{ name: 'git+https://github.com/acme/api', digest: { gitCommit: 'a'.repeat(40) } }],
      predicateType: PREDICATE_TYPES.checkResult,
      predicate: { check: id, outcome, ...extra },
    },
  };
}

const DAY = 86_400_000;

for (const d of DIALECTS) {
  describe.skipIf(!d.available)(`ledger on ${d.name}`, () => {
    async function fresh(now = () => new Date('2025-01-10T00:00:00Z')) {
      const { root, remove } = tempRoot();
      const url = d.fresh(root);
      const init = await initLedger(root, { url });
      const ledger = await openLedger({ root, url, now: () => now() });
      return { root, url, init, ledger, remove };
    }

    it('init creates a 0600 key pair, registers it, and is idempotent', async () => {
      const { root, url, init, ledger, remove } = await fresh();
      try {
        const key = path.join(root, '.greenlight', 'keys', 'ledger.key');
        expect(statSync(key).mode & 0o777).toBe(0o600);
        expect(readFileSync(path.join(root, '.greenlight', '.gitignore'), 'utf8')).toContain('keys/*.key');
        expect(init.keyCreated).toBe(true);
        expect(init.origin).toBe(`greenlight/${path.basename(root)}`);
        const again = await initLedger(root, { url });
        expect(again.keyCreated).toBe(false);
        expect(again.keyId).toBe(init.keyId);
        const status = await ledger.status();
        expect(status.keys.map((k) => k.keyId)).toEqual([init.keyId]);
        expect(status.treeSize).toBe(0);
      } finally {
        await ledger.close();
        remove();
      }
    });

    it('records signed statements with redacted blobs, idempotently, with verifiable proofs', async () => {
      const { ledger, remove } = await fresh();
      try {
        const raw = JSON.stringify({ protection: { required_reviews: 1 }, token: FAKE_TOKEN });
        const first = await ledger.recordStatements([
          {
            ...checkResult('access.branch-protection', 'pass'),
            blobs: [{ name: 'github/protection.json', content: raw, mediaType: 'application/json' }],
          },
          checkResult('pipeline.actions-pinned', 'fail'),
        ]);
        expect(first.entries.map((e) => [e.seq, e.duplicate])).toEqual([
          [0, false],
          [1, false],
        ]);
        const ref = first.entries[0]?.blobs[0];
        expect(ref?.redaction).toMatchObject({ scanned: true, count: 1 });
        expect(ref?.redaction.rules[0]?.id).toMatch(/github/);
        const blob = await ledger.getBlob(ref?.digest.sha256 ?? '');
        expect(blob?.toString()).not.toContain(FAKE_TOKEN);
        expect(blob?.toString()).toContain('[REDACTED:');
        const shown = await ledger.show(0);
        expect(JSON.stringify(shown.statement)).not.toContain(FAKE_TOKEN);
        expect(shown.signatureProblem).toBeNull();
        expect((shown.statement?.predicate.blobs as unknown[]).length).toBe(1);

        // identical evidence again: nothing appended
        const again = await ledger.recordStatements([checkResult('pipeline.actions-pinned', 'fail')]);
        expect(again.entries[0]).toMatchObject({ seq: 1, duplicate: true });
        expect(again.treeSize).toBe(2);
        // the same raw blob recorded by another statement is stored once
        await ledger.recordStatements([
          {
            ...checkResult('x', 'pass'),
            blobs: [{ name: 'again.json', content: raw, mediaType: 'application/json' }],
          },
        ]);
        expect((await ledger.status()).blobs).toBe(1);

        for (let i = 0; i < 5; i++) await ledger.recordStatements([checkResult(`c${i}`, 'pass')]);
        const cp = await ledger.checkpoint();
        expect(cp.treeSize).toBe(8);
        expect(cp.note).toMatch(
          /^greenlight\/\S+\n8\n[A-Za-z0-9+/]{43}=\n\n\u2014 greenlight\/\S+ [A-Za-z0-9+/]+=*\n$/u,
        );
        for (let seq = 0; seq < 8; seq++) {
          const p = await ledger.proveInclusion(seq);
          expect(p.treeSize).toBe(8);
          const proof = p.proof.map((h) => Buffer.from(h, 'hex'));
          expect(verifyInclusion(seq, 8, Buffer.from(p.leafHash, 'hex'), proof, cp.rootHash)).toBe(true);
        }
        const byDigest = await ledger.proveInclusion(`sha256:${first.entries[1]?.payloadDigest}`);
        expect(byDigest.seq).toBe(1);
        for (let m = 1; m <= 8; m++) {
          const c = await ledger.proveConsistency(m);
          expect(
            verifyConsistency(
              m,
              8,
              Buffer.from(c.fromRoot, 'hex'),
              cp.rootHash,
              c.proof.map((h) => Buffer.from(h, 'hex')),
            ),
          ).toBe(true);
        }
        const report = await ledger.verify();
        expect(report).toMatchObject({ ok: true, treeSize: 8, issueCount: 0, signaturesChecked: 8 });
        const threaded = await ledger.verify({ workers: 2, chunkSize: 3 });
        expect(threaded).toMatchObject({ ok: true, signaturesChecked: 8 });
        const vouched = await ledger.verify({ signatures: 'checkpoints' });
        expect(vouched).toMatchObject({ ok: true, signaturesChecked: 0, signaturesVouched: 8 });
      } finally {
        await ledger.close();
        remove();
      }
    });

    it('the database refuses UPDATE and DELETE on every ledger table', async () => {
      const { root, url, ledger, remove } = await fresh();
      try {
        await ledger.recordStatements([
          { ...checkResult('a', 'pass'), blobs: [{ name: 'b.txt', content: 'hello blob' }] },
          checkResult('b', 'pass'),
          checkResult('c', 'pass'),
        ]);
        const attempts = [
          'UPDATE ledger_entries SET predicate_type = predicate_type',
          'DELETE FROM ledger_entries',
          'UPDATE ledger_payloads SET envelope = envelope',
          'DELETE FROM ledger_payloads',
          'DELETE FROM ledger_hashes',
          'UPDATE ledger_checkpoints SET note = note',
          'DELETE FROM ledger_checkpoints',
          'DELETE FROM ledger_blobs',
          'UPDATE ledger_blobs SET data = data',
          'DELETE FROM ledger_keys',
          'DELETE FROM ledger_meta',
          'DELETE FROM ledger_blob_refs',
        ];
        if (d.name === 'sqlite') {
          const db = new Database(url.slice('sqlite:'.length));
          try {
            for (const q of attempts) expect(() => db.exec(q), q).toThrow(/append-only/);
          } finally {
            db.close();
          }
        } else {
          const u = new URL(url);
          const schema = u.searchParams.get('schema');
          u.searchParams.delete('schema');
          const client = new pg.Client({ connectionString: u.toString() });
          await client.connect();
          try {
            await client.query(`SET search_path = ${schema}`);
            for (const q of [...attempts, 'TRUNCATE ledger_entries', 'TRUNCATE ledger_payloads']) {
              await expect(client.query(q), q).rejects.toThrow(/append-only/);
            }
          } finally {
            await client.end();
          }
        }
        expect((await ledger.verify()).ok).toBe(true);
        void root;
      } finally {
        await ledger.close();
        remove();
      }
    });

    it('prunes payloads past retention, keeps proofs, and honours legal holds', async () => {
      let clock = new Date('2025-01-01T00:00:00Z');
      const { ledger, remove } = await fresh(() => clock);
      try {
        const raw = 'raw facts for entry zero';
        await ledger.recordStatements([
          { ...checkResult('old-1', 'pass'), blobs: [{ name: 'facts.txt', content: raw }] },
          checkResult('old-2', 'pass'),
        ]);
        clock = new Date('2025-03-01T00:00:00Z');
        await ledger.recordStatements([checkResult('held', 'fail', { repo: 'acme/legal' })]);
        clock = new Date('2025-06-01T00:00:00Z');
        const hold = await ledger.addHold({
          reason: 'litigation 42',
          selector: { since: '2025-02-01', until: '2025-04-01' },
        });
        clock = new Date('2025-06-02T00:00:00Z');
        await ledger.recordStatements([checkResult('new', 'pass')]);

        // nothing is past 730 days
        expect((await ledger.prune({ retentionDays: { default: 730 } })).pruned).toBe(0);
        clock = new Date(new Date('2025-06-02T00:00:00Z').getTime() + 40 * DAY);
        const dry = await ledger.prune({ retentionDays: { default: 60 }, dryRun: true });
        expect(dry).toMatchObject({ dryRun: true, pruned: 2, held: 1, blobsPruned: 1 });
        expect((await ledger.status()).prunedEntries).toBe(0);
        const report = await ledger.prune({ retentionDays: { default: 60 } });
        expect(report).toMatchObject({ pruned: 2, held: 1, ranges: [[0, 2]], blobsPruned: 1 });
        const shown = await ledger.show(0);
        expect(shown.pruned).toEqual({ pruneSeq: report.statementSeq });
        expect(shown.statement).toBeNull();
        expect((await ledger.show(2)).pruned).toBeNull(); // held
        const size = (await ledger.status()).treeSize;
        const cp = await ledger.checkpoint();
        const p = await ledger.proveInclusion(0);
        expect(p.treeSize).toBe(size);
        expect(
          verifyInclusion(
            0,
            size,
            Buffer.from(p.leafHash, 'hex'),
            p.proof.map((h) => Buffer.from(h, 'hex')),
            cp.rootHash,
          ),
        ).toBe(true);
        const v = await ledger.verify();
        expect(v.issues).toEqual([]);
        expect(v.prunedEntries).toBe(2);

        // releasing the hold lets the entry go on the next run
        await ledger.releaseHold(hold.id, { reason: 'case closed' });
        const after = await ledger.prune({ retentionDays: { default: 60 } });
        expect(after.pruned).toBe(1);
        expect((await ledger.show(2)).pruned).not.toBeNull();
        expect((await ledger.verify()).ok).toBe(true);
        // prune and hold records are permanent evidence
        expect((await ledger.prune({ retentionDays: { default: 1 } })).pruned).toBe(1); // entry 'new'
        const holds = await ledger.listHolds();
        expect(holds[0]).toMatchObject({
          id: hold.id,
          reason: 'litigation 42',
          released: { reason: 'case closed' },
        });
      } finally {
        await ledger.close();
        remove();
      }
    });

    it('exports a range that verifies offline, and names what an altered export lacks', async () => {
      const { root, ledger, remove } = await fresh();
      try {
        for (let i = 0; i < 6; i++) {
          await ledger.recordStatements([
            {
              ...checkResult(`c${i}`, 'pass'),
              blobs: [{ name: `f${i}.json`, content: JSON.stringify({ i }) }],
            },
          ]);
        }
        const out = path.join(root, 'evidence-out');
        const manifest = await ledger.export({ out, from: 1, to: 4 });
        expect(manifest).toMatchObject({ from: 1, to: 4, entries: 4, treeSize: 6, blobs: 4 });
        expect(readdirSync(path.join(out, 'entries'))).toHaveLength(4);
        expect(readdirSync(path.join(out, 'checkpoints')).length).toBeGreaterThan(0);
        const pub = path.join(root, '.greenlight', 'keys', 'ledger.pub');
        const report = verifyExport(out, { key: pub });
        expect(report).toMatchObject({ ok: true, entries: 4, keyPinned: true, checkpoints: 5 });
        // an auditor's earlier checkpoint proves the log only grew
        const held = path.join(root, 'held.txt');
        writeFileSync(held, readFileSync(path.join(out, 'checkpoints', '3.txt')));
        expect(verifyExport(out, { checkpoint: held }).heldCheckpoint).toEqual({
          treeSize: 3,
          consistent: true,
        });
        // exporting into a non-empty folder never overwrites it
        await expect(ledger.export({ out })).rejects.toThrow(/not empty/);

        const blobFile = path.join(
          out,
          'blobs',
          'sha256',
          readdirSync(path.join(out, 'blobs', 'sha256'))[0] as string,
        );
        rmSync(blobFile);
        const missing = verifyExport(out);
        expect(missing.ok).toBe(false);
        expect(missing.firstBad?.message).toMatch(/blob sha256:[0-9a-f]{64} is missing from the export/);
        // the wrong key, and a checkpoint of another origin, are integrity errors
        const other = tempRoot();
        try {
          await initLedger(other.root);
          expect(() =>
            verifyExport(out, { key: path.join(other.root, '.greenlight', 'keys', 'ledger.pub') }),
          ).toThrow(/wrong key/);
        } finally {
          other.remove();
        }
        expect(() => verifyExport(out, { origin: 'greenlight/elsewhere' })).toThrow(LedgerIntegrityError);
        expect(() => verifyExport(out, { origin: 'greenlight/elsewhere' })).toThrow(/another log/);
      } finally {
        await ledger.close();
        remove();
      }
    });

    it('refuses to sign with a key other than the ledger’s', async () => {
      const { root, url, ledger, remove } = await fresh();
      try {
        await ledger.recordStatements([checkResult('a', 'pass')]);
        const keyFile = path.join(root, '.greenlight', 'keys', 'ledger.key');
        const pubFile = path.join(root, '.greenlight', 'keys', 'ledger.pub');
        rmSync(keyFile);
        await expect(initLedger(root, { url })).rejects.toThrow(/restore it/);
        const other = tempRoot();
        try {
          await initLedger(other.root);
          // this machine now holds another installation's key pair
          for (const f of [keyFile, pubFile]) {
            writeFileSync(f, readFileSync(path.join(other.root, '.greenlight', 'keys', path.basename(f))), {
              mode: 0o600,
            });
          }
          await expect(initLedger(root, { url })).rejects.toThrow(/wrong key/);
          const wrong = await openLedger({ root, url });
          try {
            await expect(wrong.recordStatements([checkResult('b', 'pass')])).rejects.toThrow(/wrong key/);
            const v = await wrong.verify();
            expect(v.ok).toBe(false);
            expect(v.firstBad).toMatchObject({ seq: 0 });
            expect(v.firstBad?.message).toMatch(/not a trusted key/);
            expect(v.issues.some((i) => /checkpoint/.test(i.message))).toBe(true);
          } finally {
            await wrong.close();
          }
        } finally {
          other.remove();
        }
      } finally {
        await ledger.close();
        remove();
      }
    });
  });
}

describe('SQLite files that are not a healthy greenlight ledger', () => {
  it('refuses a foreign file, a foreign SQLite database, an empty and a truncated file, and never overwrites them', async () => {
    const { root, remove } = tempRoot();
    try {
      const file = path.join(root, 'x.db');
      const url = `sqlite:${file}`;
      writeFileSync(
        file,
        'just some text that is not a database at all, but long enough to have a header......'.repeat(3),
      );
      await expect(openStore({ root, url })).rejects.toThrow(/not a SQLite database/);
      const foreign = new Database(file + '2');
      foreign.exec('CREATE TABLE t (x)');
      foreign.close();
      await expect(openStore({ root, url: `${url}2` })).rejects.toThrow(/did not create/);
      writeFileSync(file + '3', '');
      await expect(openStore({ root, url: `${url}3` })).rejects.toThrow(LedgerIntegrityError);

      const ok = await initLedger(root, { url: `${url}4` });
      expect(ok.dialect).toBe('sqlite');
      const ledger = await openLedger({ root, url: `${url}4` });
      for (let i = 0; i < 30; i++) {
        await ledger.recordStatements([
          { ...checkResult(`c${i}`, 'pass'), blobs: [{ name: 'x', content: 'y'.repeat(5000) + i }] },
        ]);
      }
      await ledger.close();
      const bytes = readFileSync(`${file}4`);
      writeFileSync(`${file}4`, bytes.subarray(0, Math.floor(bytes.length / 2)));
      await expect(openStore({ root, url: `${url}4` })).rejects.toThrow(/truncated/);
      expect(readFileSync(file, 'utf8')).toMatch(/^just some text/);
      expect(readFileSync(`${file}4`).length).toBe(Math.floor(bytes.length / 2));
    } finally {
      remove();
    }
  });
});
