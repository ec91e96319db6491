/**
 * Offline verification catches every removal: `greenlight verify DIR` accepts a missing entry
 * only when a signed prune statement in the export lists it, refuses links and files the export
 * does not account for, and `greenlight ledger export` refuses a ledger `ledger verify` rejects.
 * Each case runs the real CLI against a real ledger on SQLite and PostgreSQL.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  initLedger,
  openLedger,
  PREDICATE_TYPES,
  STATEMENT_TYPE,
  type RecordItem,
} from '../../src/ledger/index.js';
import { runCli } from '../cli.js';
import { testDialects, tempRoot } from './dialects.js';
import { openRaw } from './raw-db.js';

const DIALECTS = await testDialects('export-removal');
afterAll(async () => {
  for (const d of DIALECTS) await d.cleanup();
});

const DAY = 86_400_000;
const pad = (seq: number) => String(seq).padStart(12, '0');

function checkResult(id: string, blob?: string): RecordItem {
  return {
    statement: {
      _type: STATEMENT_TYPE,
      subject: [{ name: 'git+https://github.com/acme/api', digest: { gitCommit: 'a'.repeat(40) } }],
      predicateType: PREDICATE_TYPES.checkResult,
      predicate: { check: id, outcome: 'pass' },
    },
    ...(blob ? { blobs: [{ name: `${id}.json`, content: blob }] } : {}),
  };
}

for (const d of DIALECTS) {
  describe.skipIf(!d.available)(`offline verification catches every removal on ${d.name}`, () => {
    /**
     * Entries 0..5 recorded on 2024-01-01 and pruned (prune statement: entry 6), then 7..9
     * recorded afterwards. Returns the repository root and its database URL.
     */
    async function prunedLedger() {
      const { root, remove } = tempRoot('gl-export-removal-');
      const url = d.fresh(root);
      await initLedger(root, { url });
      let clock = new Date('2024-01-01T00:00:00Z');
      const ledger = await openLedger({ root, url, now: () => clock });
      try {
        for (let i = 0; i < 6; i++) await ledger.recordStatements([checkResult(`old-${i}`, `{"i":${i}}`)]);
        clock = new Date(clock.getTime() + 200 * DAY);
        const report = await ledger.prune({ retentionDays: { default: 60 } });
        expect(report).toMatchObject({ pruned: 6, statementSeq: 6 });
        for (let i = 0; i < 3; i++) await ledger.recordStatements([checkResult(`new-${i}`, `{"n":${i}}`)]);
        expect((await ledger.verify()).ok).toBe(true);
      } finally {
        await ledger.close();
      }
      const env = { GREENLIGHT_DATABASE_URL: url };
      const exportTo = async (name: string, ...range: string[]) => {
        const out = path.join(root, name);
        const r = await runCli(['ledger', 'export', '--out', out, '--repo', root, ...range], { env });
        expect(r.code, r.stderr).toBe(0);
        return out;
      };
      return { root, url, env, remove, exportTo };
    }

    const verify = (dir: string) => runCli(['verify', dir, '--format', 'json']);
    /** A copy of an export to tamper with. */
    const copyOf = (dir: string, name: string) => {
      const out = path.join(path.dirname(dir), name);
      cpSync(dir, out, { recursive: true });
      return out;
    };
    const pruned = (dir: string) =>
      JSON.parse(readFileSync(path.join(dir, 'pruned.json'), 'utf8')) as Record<string, unknown>[];

    it('accepts a pruned entry only when a signed prune statement in the export lists it', async () => {
      const { remove, exportTo } = await prunedLedger();
      try {
        // the prune statement (entry 6) is outside the range and travels with the export
        const part = await exportTo('part', '--from', '0', '--to', '5');
        expect(readdirSync(path.join(part, 'entries'))).toEqual([`${pad(6)}.dsse.json`]);
        const ok = await verify(part);
        expect(ok.code, ok.stdout).toBe(0);
        expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, entries: 0, pruned: 6 });

        // without its prune statement, a pruned entry is a removal
        const noStatement = copyOf(part, 'no-statement');
        rmSync(path.join(noStatement, 'entries', `${pad(6)}.dsse.json`));
        rmSync(path.join(noStatement, 'proofs', `${pad(6)}.json`));
        const r1 = await verify(noStatement);
        expect(r1.code).toBe(3);
        expect(r1.stderr).toMatch(
          /entry 0 is missing from the export: its prune statement \(entry 6\) is not in the export/,
        );

        const full = await exportTo('full');
        expect((await verify(full)).code).toBe(0);
        // the reported hole: an entry deleted and listed in pruned.json with pruneSeq null
        const deleted = copyOf(full, 'deleted');
        const entry8 = JSON.parse(readFileSync(path.join(deleted, 'proofs', `${pad(8)}.json`), 'utf8'));
        rmSync(path.join(deleted, 'entries', `${pad(8)}.dsse.json`));
        rmSync(path.join(deleted, 'proofs', `${pad(8)}.json`));
        const forge = (pruneSeq: unknown) =>
          writeFileSync(
            path.join(deleted, 'pruned.json'),
            JSON.stringify([...pruned(full), { ...entry8, pruneSeq }]),
          );
        forge(null);
        const r2 = await verify(deleted);
        expect(r2.code).toBe(3);
        expect(r2.stderr).toMatch(
          /entry 8 is missing from the export and pruned.json names no prune statement/,
        );
        // a real prune statement that does not list it
        forge(6);
        const r3 = await verify(deleted);
        expect(r3.code).toBe(3);
        expect(r3.stderr).toMatch(
          /entry 8 is missing from the export: the prune statement \(entry 6\) does not list it/,
        );
        // an entry that is not a prune statement
        forge(9);
        const r4 = await verify(deleted);
        expect(r4.code).toBe(3);
        expect(r4.stderr).toMatch(/entry 8 is missing from the export: entry 9 is not a prune statement/);
      } finally {
        remove();
      }
    });

    it('refuses links, files the export does not account for, and manifest paths out of the folder', async () => {
      const { root, remove, exportTo } = await prunedLedger();
      try {
        const full = await exportTo('full');
        const blobName = readdirSync(path.join(full, 'blobs', 'sha256'))[0] as string;
        const cases: [string, (dir: string) => void, RegExp][] = [
          [
            'an extra file',
            (dir) => writeFileSync(path.join(dir, 'notes.txt'), 'x'),
            /notes\.txt: a file the export does not account for/,
          ],
          [
            'an extra entry file',
            (dir) => writeFileSync(path.join(dir, 'entries', `${pad(99)}.dsse.json`), '{}'),
            /entries\/000000000099\.dsse\.json: a file the export does not account for/,
          ],
          [
            'a proof for a pruned entry',
            (dir) => writeFileSync(path.join(dir, 'proofs', `${pad(0)}.json`), '{}'),
            /proofs\/000000000000\.json: a file the export does not account for/,
          ],
          [
            'a blob replaced by a symbolic link',
            (dir) => {
              const blob = path.join(dir, 'blobs', 'sha256', blobName);
              const outside = path.join(root, 'outside-blob');
              writeFileSync(outside, readFileSync(blob));
              rmSync(blob);
              symlinkSync(outside, blob);
            },
            new RegExp(`blobs/sha256/${blobName}: a symbolic link in the export`),
          ],
          [
            'a symbolic link to a folder',
            (dir) => symlinkSync(path.join(root, '.greenlight'), path.join(dir, 'more')),
            /more: a symbolic link in the export/,
          ],
          [
            'a manifest checkpoint path with ../',
            (dir) => {
              const m = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
              writeFileSync(
                path.join(dir, 'manifest.json'),
                JSON.stringify({ ...m, checkpoints: ['../../keys/x'] }),
              );
            },
            /manifest\.json: "checkpoints" must list earlier tree sizes/,
          ],
          [
            'an absolute manifest checkpoint path',
            (dir) => {
              const m = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
              writeFileSync(
                path.join(dir, 'manifest.json'),
                JSON.stringify({ ...m, checkpoints: ['/etc/passwd'] }),
              );
            },
            /manifest\.json: "checkpoints" must list earlier tree sizes/,
          ],
          [
            'a pruneSeq that is a path',
            (dir) => {
              rmSync(path.join(dir, 'entries', `${pad(8)}.dsse.json`));
              const proof = JSON.parse(readFileSync(path.join(dir, 'proofs', `${pad(8)}.json`), 'utf8'));
              rmSync(path.join(dir, 'proofs', `${pad(8)}.json`));
              writeFileSync(
                path.join(dir, 'pruned.json'),
                JSON.stringify([...pruned(dir), { ...proof, pruneSeq: '../../../etc/passwd' }]),
              );
            },
            /entry 8 is missing from the export and pruned.json names no prune statement/,
          ],
        ];
        for (const [name, tamper, message] of cases) {
          const dir = copyOf(full, `case-${cases.findIndex((c) => c[0] === name)}`);
          tamper(dir);
          const r = await verify(dir);
          expect(r.code, `${name}: ${r.stderr}`).toBe(3);
          expect(r.stderr + r.stdout, name).toMatch(message);
        }
      } finally {
        remove();
      }
    });

    it('refuses to export a ledger that fails verify, writing nothing', async () => {
      const { root, url, env, remove, exportTo } = await prunedLedger();
      try {
        await exportTo('before'); // a sound ledger exports
        const raw = await openRaw(url);
        try {
          await raw.dropTriggers();
          await raw.run('DELETE FROM ledger_checkpoints');
        } finally {
          await raw.close();
        }
        const out = path.join(root, 'after');
        const r = await runCli(['ledger', 'export', '--out', out, '--repo', root], { env });
        expect(r.code, r.stderr).toBe(3);
        expect(r.stderr).toMatch(
          /the ledger does not verify \(.*no signed checkpoint.*\); nothing was exported/,
        );
        expect(r.stderr).toMatch(/greenlight ledger verify/);
        expect(existsSync(out)).toBe(false);
        expect(readdirSync(root).filter((f) => f.startsWith('after'))).toEqual([]);
        // and it did not re-sign a checkpoint over the damaged log
        const again = await openRaw(url);
        try {
          expect(await again.all('SELECT tree_size FROM ledger_checkpoints')).toEqual([]);
        } finally {
          await again.close();
        }
      } finally {
        remove();
      }
    });
  });
}
