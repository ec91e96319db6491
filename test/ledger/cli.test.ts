import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger, PREDICATE_TYPES, STATEMENT_TYPE } from '../../src/ledger/index.js';
import { runCli } from '../cli.js';
import { testDialects, tempRoot } from './dialects.js';

const DIALECTS = await testDialects('cli');
afterAll(async () => {
  for (const d of DIALECTS) await d.cleanup();
});

const statement = (i: number) => ({
  statement: {
    _type: STATEMENT_TYPE,
    subject: [{ name: `repo/acme-${i % 3}`, digest: { gitCommit: String(i).padStart(40, '0') } }],
    predicateType: i % 4 === 0 ? PREDICATE_TYPES.assessment : PREDICATE_TYPES.checkResult,
    predicate: { check: `check-${i}`, outcome: i % 5 === 0 ? 'fail' : 'pass' },
  },
  blobs:
    i % 3 === 0 ? [{ name: `facts-${i}.json`, content: JSON.stringify({ i, data: 'x'.repeat(200) }) }] : [],
});

for (const d of DIALECTS) {
  describe.skipIf(!d.available)(`greenlight ledger … on ${d.name}`, () => {
    it('init, status, verify, checkpoint, proof, consistency, show, hold, prune, export and verify DIR', async () => {
      const { root, remove } = tempRoot('gl-cli-');
      const env = { GREENLIGHT_DATABASE_URL: d.fresh(root) };
      const cli = (...args: string[]) => runCli(args, { env });
      const json = async (...args: string[]) => {
        const r = await cli(...args, '--repo', root, '--format', 'json');
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
        return JSON.parse(r.stdout);
      };
      try {
        const init = await cli('init', root);
        expect(init.code, init.stderr).toBe(0);
        expect(init.stdout).toMatch(/evidence ledger greenlight\/\S+ at .*; signing key [0-9a-f]{64} \(new/);

        const ledger = await openLedger({ root, url: env.GREENLIGHT_DATABASE_URL });
        try {
          for (let i = 0; i < 12; i += 3)
            await ledger.recordStatements([0, 1, 2].map((k) => statement(i + k)));
        } finally {
          await ledger.close();
        }
        const status = await json('ledger', 'status');
        expect(status).toMatchObject({
          treeSize: 12,
          dialect: d.name,
          canSign: true,
          latestCheckpoint: { treeSize: 12 },
        });

        expect(await json('ledger', 'verify')).toMatchObject({
          ok: true,
          treeSize: 12,
          signaturesChecked: 12,
        });
        const text = await cli('ledger', 'verify', '--repo', root);
        expect(text.stdout).toMatch(/^OK: 12 entries, root [0-9a-f]{64}/);

        const cp = await json('ledger', 'checkpoint');
        expect(cp).toMatchObject({ treeSize: 12, rootHash: status.rootHash });
        const noteText = (await cli('ledger', 'checkpoint', '--repo', root)).stdout;
        expect(noteText.trimEnd()).toBe(cp.note.trimEnd());

        const proof = await json('ledger', 'proof', '5');
        expect(proof).toMatchObject({ seq: 5, treeSize: 12, rootHash: status.rootHash });
        expect(proof.proof).toHaveLength(4);
        const shown = await json('ledger', 'show', '5');
        const byDigest = await json('ledger', 'proof', `sha256:${shown.payloadDigest}`);
        expect(byDigest.seq).toBe(5);
        expect(shown.statement.predicate.check).toBe('check-5');

        const cons = await json('ledger', 'consistency', '--from', '7');
        expect(cons).toMatchObject({ from: 7, to: 12, toRoot: status.rootHash });
        const held = path.join(root, 'kept-checkpoint.txt');
        writeFileSync(held, cp.note);
        expect(await json('ledger', 'consistency', '--checkpoint', held)).toMatchObject({
          from: 12,
          heldCheckpointConsistent: true,
        });

        const hold = await json(
          'ledger',
          'hold',
          'add',
          '--reason',
          'audit FY25',
          '--type',
          'assessment',
          '--id',
          'fy25',
        );
        expect(hold).toMatchObject({ id: 'fy25', selector: { types: ['assessment'] } });
        expect((await json('ledger', 'hold', 'list'))[0]).toMatchObject({ id: 'fy25', released: null });
        // nothing is past the default 730 days
        expect(await json('ledger', 'prune', '--dry-run')).toMatchObject({ pruned: 0, expired: 0 });
        writeFileSync(path.join(root, 'greenlight.yml'), 'ledger:\n  retentionDays:\n    default: 730\n');
        expect(await json('ledger', 'prune')).toMatchObject({ pruned: 0 });
        expect(
          (await json('ledger', 'hold', 'release', 'fy25', '--reason', 'closed')).released,
        ).toMatchObject({
          reason: 'closed',
        });

        const out = path.join(root, 'evidence-out');
        const exported = await json('ledger', 'export', '--out', out, '--from', '2', '--to', '9');
        expect(exported).toMatchObject({ from: 2, to: 9, entries: 8 });
        const pub = path.join(root, '.greenlight', 'keys', 'ledger.pub');
        const verified = await cli('verify', out, '--key', pub, '--format', 'json');
        expect(verified.code, verified.stderr).toBe(0);
        expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, entries: 8, keyPinned: true });
        const plain = await cli('verify', out);
        expect(plain.code).toBe(0);
        expect(plain.stdout).toMatch(/taken from the export itself/);

        // an altered exported entry: exit 3 naming it
        const entry = path.join(out, 'entries', '000000000004.dsse.json');
        writeFileSync(entry, readFileSync(entry, 'utf8').replace('"payloadType"', '"payloadType" '));
        const bad = await cli('verify', out);
        expect(bad.code).toBe(3);
        expect(bad.stderr).toMatch(/entry 4: not included in checkpoint\.txt/);

        // a checkpoint of another origin is an integrity error
        const foreign = path.join(root, 'foreign.txt');
        writeFileSync(foreign, cp.note.replace(/^greenlight\/\S+/, 'greenlight/other'));
        const wrongOrigin = await cli('ledger', 'consistency', '--checkpoint', foreign, '--repo', root);
        expect(wrongOrigin.code).toBe(3);
        expect(wrongOrigin.stderr).toMatch(/another log/);

        const usage = await cli('ledger', 'proof', '99', '--repo', root);
        expect(usage.code).toBe(2);
        expect(usage.stderr).toMatch(/entry 99 does not exist/);
      } finally {
        remove();
      }
    });
  });
}

describe('ledger verify on a damaged SQLite ledger', () => {
  it('exits 3 naming the first bad entry, and 3 for a corrupt file', async () => {
    const { root, remove } = tempRoot('gl-cli-bad-');
    try {
      expect((await runCli(['init', root])).code).toBe(0);
      const ledger = await openLedger({ root });
      for (let i = 0; i < 20; i += 5)
        await ledger.recordStatements([0, 1, 2, 3, 4].map((k) => statement(i + k)));
      await ledger.close();
      const file = path.join(root, '.greenlight', 'greenlight.db');
      const db = new Database(file);
      db.exec('DROP TRIGGER ledger_payloads_no_update');
      const row = db.prepare('SELECT envelope FROM ledger_payloads WHERE seq = 13').get() as {
        envelope: Buffer;
      };
      const flipped = Buffer.from(row.envelope);
      flipped[40] = (flipped[40] as number) ^ 0x01;
      db.prepare('UPDATE ledger_payloads SET envelope = ? WHERE seq = 13').run(flipped);
      db.close();
      const r = await runCli(['ledger', 'verify', '--repo', root]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(
        /greenlight: the ledger does not verify: entry 13: the envelope does not match its leaf hash/,
      );
      expect(r.stdout).toMatch(/^FAILED/);

      writeFileSync(file, Buffer.alloc(4096, 0x41));
      const corrupt = await runCli(['ledger', 'status', '--repo', root]);
      expect(corrupt.code).toBe(3);
      expect(corrupt.stderr).toMatch(/not a SQLite database/);
      const missing = await runCli(['ledger', 'status', '--repo', path.join(root, 'nowhere')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/no evidence ledger at .*greenlight init/);
    } finally {
      remove();
    }
  });
});
