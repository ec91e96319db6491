import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  initLedger,
  openLedger,
  PREDICATE_TYPES,
  signerFromPrivateKey,
  STATEMENT_TYPE,
  type Ledger,
  type VerifyReport,
} from '../../src/ledger/index.js';
import { signCheckpoint } from '../../src/ledger/checkpoint.js';
import { pae } from '../../src/ledger/dsse.js';
import { leafHash, nodeHash } from '../../src/ledger/merkle.js';
import { LEDGER_TABLES } from '../../src/store/index.js';
import { testDialects, tempRoot } from './dialects.js';
import { insertRows, openRaw, type RawDb } from './raw-db.js';

/*
 * Tamper test: a ledger of 10,000 entries, then more than 1,000 random mutations made through a
 * raw database connection with the append-only triggers removed, as an attacker with database
 * access would. Every mutation must be detected by `verify`; the untouched ledger is never
 * flagged.
 *
 * To keep the run short, local mutations are made 48 at a time, each in its own aligned
 * block of 128 entries, and each must be reported at an entry inside its block — and no
 * entry-level problem may be reported outside the mutated blocks. Global mutations (truncated
 * tables, a cut tail, rewritten subtrees, forged checkpoints…) are made one at a time.
 */

const ENTRIES = 10_000;
const BLOCK = 128;
const PER_ROUND = 48;
const LOCAL_ROUNDS = 20; // 960 local mutations
const GLOBAL_ROUNDS = 40;
const DAY = 86_400_000;

type Row = Record<string, unknown>;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIALECTS = await testDialects('tamper');
afterAll(async () => {
  for (const d of DIALECTS) await d.cleanup();
});

const ENTRY_KINDS = new Set([
  'entry-missing',
  'leaf',
  'envelope',
  'payload-missing',
  'blob-refs',
  'blob',
  'blob-missing',
  'prune',
  'entry-order',
  'entry-duplicate',
]);

for (const d of DIALECTS) {
  describe.skipIf(!d.available)(`tamper detection on ${d.name}`, () => {
    it(`detects every one of ${LOCAL_ROUNDS * PER_ROUND + GLOBAL_ROUNDS} random mutations of a 10,000-entry ledger`, async () => {
      const random = rng(d.name === 'sqlite' ? 1 : 2);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
      const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo)); // [lo, hi)
      const { root, remove } = tempRoot('gl-tamper-');
      const url = d.fresh(root);
      let clock = new Date('2024-01-01T00:00:00Z');
      await initLedger(root, { url });
      const ledger: Ledger = await openLedger({ root, url, now: () => clock });
      const raw: RawDb = await openRaw(url);
      try {
        // ---- build: 20 daily batches of 500; every 10th entry has its own blob
        for (let b = 0; b < ENTRIES / 500; b++) {
          clock = new Date(Date.UTC(2024, 0, 1) + b * DAY);
          await ledger.recordStatements(
            Array.from({ length: 500 }, (_, k) => {
              const i = b * 500 + k;
              return {
                statement: {
                  _type: STATEMENT_TYPE,
                  subject: [
                    { name: `repo/r${i % 7}`, digest: { gitCommit: i.toString(16).padStart(40, '0') } },
                  ],
                  predicateType: PREDICATE_TYPES.checkResult,
                  predicate: { check: `check-${i % 59}`, outcome: i % 9 === 0 ? 'fail' : 'pass', i },
                },
                blobs:
                  i % 10 === 0
                    ? [
                        {
                          name: `facts-${i}.json`,
                          content: JSON.stringify({ entry: i, raw: 'r'.repeat(100) }),
                        },
                      ]
                    : [],
              };
            }),
          );
        }
        // a hold on part of the first batch, then a prune of the rest of it
        await ledger.addHold({ id: 'h1', reason: 'litigation', selector: { subjects: ['repo/r3'] } });
        clock = new Date(Date.UTC(2024, 0, 1) + 730.5 * DAY);
        const pruned = await ledger.prune({ retentionDays: { default: 730 } });
        expect(pruned.pruned).toBeGreaterThan(400);
        const size = ENTRIES + 2;

        const cache = new Map<string, string[]>();
        const verify = () => ledger.verify({ cache, workers: 0 });
        const clean = await verify();
        expect(clean.issues).toEqual([]);
        expect(clean).toMatchObject({ ok: true, treeSize: size, prunedEntries: pruned.pruned });

        await raw.dropTriggers();
        const entryRows = async (where: string, params: unknown[] = []) =>
          raw.all<Row>(
            `SELECT e.seq AS seq, p.seq AS has_payload, x.seq AS pruned FROM ledger_entries e
             LEFT JOIN ledger_payloads p ON p.seq = e.seq LEFT JOIN ledger_prunes x ON x.seq = e.seq WHERE ${where}`,
            params,
          );
        const unpruned = async (lo: number, hi: number) =>
          (await entryRows('e.seq >= ? AND e.seq < ? AND x.seq IS NULL AND p.seq IS NOT NULL', [lo, hi])).map(
            (r) => r.seq as number,
          );
        const prunedIn = async (lo: number, hi: number) =>
          (await entryRows('e.seq >= ? AND e.seq < ? AND x.seq IS NOT NULL', [lo, hi])).map(
            (r) => r.seq as number,
          );
        const withBlob = async (lo: number, hi: number) =>
          (
            await raw.all<Row>(
              `SELECT r.seq AS seq, r.digest AS digest FROM ledger_blob_refs r
               LEFT JOIN ledger_prunes x ON x.seq = r.seq WHERE r.seq >= ? AND r.seq < ? AND x.seq IS NULL`,
              [lo, hi],
            )
          ).map((r) => ({ seq: r.seq as number, digest: r.digest as Buffer }));
        const flip = (buf: Buffer, at?: number) => {
          const out = Buffer.from(buf);
          const i = at ?? int(0, out.length);
          out[i] = (out[i] as number) ^ (1 << int(0, 8));
          return out;
        };
        const one = async <T>(sql: string, params: unknown[]): Promise<T> => {
          const [r] = await raw.all<T>(sql, params);
          if (!r) throw new Error(`no row: ${sql} ${JSON.stringify(params)}`);
          return r;
        };
        const setCol = (table: string, col: string, keyCol: string, key: unknown, value: unknown) =>
          raw.run(`UPDATE ${table} SET ${col} = ? WHERE ${keyCol} = ?`, [value, key]);
        type Undo = () => Promise<void>;
        /** Deletes rows and returns the undo that puts them back. */
        const deleteRows = async (table: string, where: string, params: unknown[]): Promise<Undo> => {
          const rows = await raw.all<Row>(`SELECT * FROM ${table} WHERE ${where}`, params);
          await raw.run(`DELETE FROM ${table} WHERE ${where}`, params);
          return () => insertRows(raw, table, rows);
        };
        const flipColumn = async (
          table: string,
          col: string,
          keyCol: string,
          key: unknown,
        ): Promise<Undo> => {
          const row = await one<Row>(`SELECT ${col} AS v FROM ${table} WHERE ${keyCol} = ?`, [key]);
          const before = row.v;
          const after =
            typeof before === 'string'
              ? before.slice(0, -1) + (before.endsWith('1') ? '2' : '1')
              : flip(before as Buffer);
          await setCol(table, col, keyCol, key, after);
          return () => setCol(table, col, keyCol, key, before);
        };

        // ---- local mutations: (block range) → undo, and the issue kinds that may report it
        interface Local {
          name: string;
          kinds: string[];
          apply(lo: number, hi: number): Promise<Undo | null>;
        }
        /** A complete stored subtree (level 1..9) inside [lo, hi). */
        const hashKeyIn = (lo: number, hi: number) => {
          for (;;) {
            const level = int(1, 8);
            const per = 2 ** level;
            const first = Math.ceil(lo / per);
            const end = Math.floor(Math.min(hi, size) / per);
            if (end > first) return { level, idx: int(first, end) };
          }
        };
        const LOCALS: Local[] = [
          {
            name: 'flip a byte of an envelope',
            kinds: ['leaf', 'envelope'],
            async apply(lo, hi) {
              const seq = pick(await unpruned(lo, hi));
              return flipColumn('ledger_payloads', 'envelope', 'seq', seq);
            },
          },
          {
            name: 'flip a character of a signature',
            kinds: ['leaf', 'envelope'],
            async apply(lo, hi) {
              const seq = pick(await unpruned(lo, hi));
              const { envelope } = await one<{ envelope: Buffer }>(
                'SELECT envelope FROM ledger_payloads WHERE seq = ?',
                [seq],
              );
              const text = envelope.toString('utf8');
              const at = text.indexOf('"sig":"') + 7 + int(0, 80);
              const c = text[at] === 'A' ? 'B' : 'A';
              await setCol(
                'ledger_payloads',
                'envelope',
                'seq',
                seq,
                Buffer.from(text.slice(0, at) + c + text.slice(at + 1)),
              );
              return () => setCol('ledger_payloads', 'envelope', 'seq', seq, envelope);
            },
          },
          {
            name: 'flip a byte of a leaf hash',
            kinds: ['leaf', 'hash'],
            async apply(lo, hi) {
              return flipColumn('ledger_entries', 'leaf_hash', 'seq', int(lo, hi));
            },
          },
          {
            name: 'flip a byte of a statement digest column',
            kinds: ['envelope'],
            async apply(lo, hi) {
              return flipColumn('ledger_entries', 'payload_sha256', 'seq', pick(await unpruned(lo, hi)));
            },
          },
          {
            name: 'alter a predicate type column',
            kinds: ['envelope'],
            async apply(lo, hi) {
              return flipColumn('ledger_entries', 'predicate_type', 'seq', pick(await unpruned(lo, hi)));
            },
          },
          {
            name: 'flip a byte of a stored hash',
            kinds: ['hash'],
            async apply(lo, hi) {
              const { level, idx } = hashKeyIn(lo, hi);
              const row = await one<{ hash: Buffer }>(
                'SELECT hash FROM ledger_hashes WHERE level = ? AND idx = ?',
                [level, idx],
              );
              const set = (h: Buffer) =>
                raw.run('UPDATE ledger_hashes SET hash = ? WHERE level = ? AND idx = ?', [h, level, idx]);
              await set(flip(row.hash));
              return () => set(row.hash);
            },
          },
          {
            name: 'delete a stored hash',
            kinds: ['hash-missing'],
            async apply(lo, hi) {
              const { level, idx } = hashKeyIn(lo, hi);
              return deleteRows('ledger_hashes', 'level = ? AND idx = ?', [level, idx]);
            },
          },
          {
            name: 'delete an entry row',
            kinds: ['entry-missing'],
            async apply(lo, hi) {
              return deleteRows('ledger_entries', 'seq = ?', [int(lo, hi)]);
            },
          },
          {
            name: 'delete a payload row',
            kinds: ['payload-missing'],
            async apply(lo, hi) {
              return deleteRows('ledger_payloads', 'seq = ?', [pick(await unpruned(lo, hi))]);
            },
          },
          {
            name: 'swap two payload rows',
            kinds: ['leaf'],
            async apply(lo, hi) {
              const seqs = await unpruned(lo, hi);
              const a = pick(seqs);
              const b = pick(seqs.filter((s) => s !== a));
              const ea = (
                await one<{ envelope: Buffer }>('SELECT envelope FROM ledger_payloads WHERE seq = ?', [a])
              ).envelope;
              const eb = (
                await one<{ envelope: Buffer }>('SELECT envelope FROM ledger_payloads WHERE seq = ?', [b])
              ).envelope;
              await setCol('ledger_payloads', 'envelope', 'seq', a, eb);
              await setCol('ledger_payloads', 'envelope', 'seq', b, ea);
              return async () => {
                await setCol('ledger_payloads', 'envelope', 'seq', a, ea);
                await setCol('ledger_payloads', 'envelope', 'seq', b, eb);
              };
            },
          },
          {
            name: 'swap two entry rows',
            kinds: ['leaf', 'envelope'],
            async apply(lo, hi) {
              const seqs = await unpruned(lo, hi);
              const a = pick(seqs);
              const b = pick(seqs.filter((s) => s !== a));
              const ra = await one<Row>('SELECT * FROM ledger_entries WHERE seq = ?', [a]);
              const rb = await one<Row>('SELECT * FROM ledger_entries WHERE seq = ?', [b]);
              const put = (seq: number, r: Row) =>
                raw.run('UPDATE ledger_entries SET leaf_hash = ?, payload_sha256 = ? WHERE seq = ?', [
                  r.leaf_hash,
                  r.payload_sha256,
                  seq,
                ]);
              await put(a, rb);
              await put(b, ra);
              return async () => {
                await put(a, ra);
                await put(b, rb);
              };
            },
          },
          {
            name: 'alter the content of a blob (re-encoded)',
            kinds: ['blob'],
            async apply(lo, hi) {
              const ref = pick(await withBlob(lo, hi));
              if (!ref) return null;
              const row = await one<{ data: Buffer; encoding: string }>(
                'SELECT data, encoding FROM ledger_blobs WHERE digest = ?',
                [ref.digest],
              );
              const content = row.encoding === 'deflate' ? inflateSync(row.data) : row.data;
              const altered = flip(content);
              await setCol(
                'ledger_blobs',
                'data',
                'digest',
                ref.digest,
                row.encoding === 'deflate' ? deflateSync(altered) : altered,
              );
              return () => setCol('ledger_blobs', 'data', 'digest', ref.digest, row.data);
            },
          },
          {
            // Any stored byte but the last of the deflate stream, whose padding bits do not
            // encode content (flipping them leaves the evidence, and its digest, unchanged).
            name: 'flip a stored byte of a blob',
            kinds: ['blob'],
            async apply(lo, hi) {
              const ref = pick(await withBlob(lo, hi));
              if (!ref) return null;
              const row = await one<{ data: Buffer; encoding: string }>(
                'SELECT data, encoding FROM ledger_blobs WHERE digest = ?',
                [ref.digest],
              );
              const padding = row.encoding === 'deflate' ? row.data.length - 5 : -1;
              let at = int(0, row.data.length);
              while (at === padding) at = int(0, row.data.length);
              await setCol('ledger_blobs', 'data', 'digest', ref.digest, flip(row.data, at));
              return () => setCol('ledger_blobs', 'data', 'digest', ref.digest, row.data);
            },
          },
          {
            name: 'delete a blob',
            kinds: ['blob-missing'],
            async apply(lo, hi) {
              const ref = pick(await withBlob(lo, hi));
              return ref ? deleteRows('ledger_blobs', 'digest = ?', [ref.digest]) : null;
            },
          },
          {
            name: 'delete a blob reference',
            kinds: ['blob-refs'],
            async apply(lo, hi) {
              const ref = pick(await withBlob(lo, hi));
              return ref
                ? deleteRows('ledger_blob_refs', 'seq = ? AND digest = ?', [ref.seq, ref.digest])
                : null;
            },
          },
          {
            name: 'add a bogus blob reference',
            kinds: ['blob-refs'],
            async apply(lo, hi) {
              const seq = pick(await unpruned(lo, hi));
              const digest = flip(Buffer.alloc(32, 7));
              await insertRows(raw, 'ledger_blob_refs', [{ seq, digest }]);
              return () =>
                raw.run('DELETE FROM ledger_blob_refs WHERE seq = ? AND digest = ?', [seq, digest]);
            },
          },
          {
            name: 'delete a prune record (payload already gone)',
            kinds: ['payload-missing', 'prune'],
            async apply(lo, hi) {
              const seqs = await prunedIn(lo, hi);
              return seqs.length ? deleteRows('ledger_prunes', 'seq = ?', [pick(seqs)]) : null;
            },
          },
          {
            name: 'forge a prune record and drop the payload',
            kinds: ['prune'],
            async apply(lo, hi) {
              const seq = pick(await unpruned(lo, hi));
              const [marker] = await raw.all<Row>('SELECT prune_seq, pruned_at FROM ledger_prunes LIMIT 1');
              const undoPayload = await deleteRows('ledger_payloads', 'seq = ?', [seq]);
              await insertRows(raw, 'ledger_prunes', [
                { seq, prune_seq: marker?.prune_seq, pruned_at: marker?.pruned_at },
              ]);
              return async () => {
                await raw.run('DELETE FROM ledger_prunes WHERE seq = ?', [seq]);
                await undoPayload();
              };
            },
          },
        ];

        // ---- global mutations, one at a time
        const attacker = signerFromPrivateKey(
          createPrivateKey(
            generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
          ),
        );
        const origin = ledger.origin;
        /** Rewrites entry `seq`'s envelope and every stored hash above it, as a careful attacker would. */
        const rewriteSubtree = async (seq: number, envelope: Buffer): Promise<Undo> => {
          const undos: Undo[] = [];
          const entry = await one<Row>('SELECT * FROM ledger_entries WHERE seq = ?', [seq]);
          const payload = await one<Row>('SELECT * FROM ledger_payloads WHERE seq = ?', [seq]);
          const payloadJson = JSON.parse(envelope.toString('utf8')) as { payload: string };
          const digest = (await import('node:crypto'))
            .createHash('sha256')
            .update(Buffer.from(payloadJson.payload, 'base64'))
            .digest();
          await raw.run('UPDATE ledger_payloads SET envelope = ? WHERE seq = ?', [envelope, seq]);
          await raw.run('UPDATE ledger_entries SET leaf_hash = ?, payload_sha256 = ? WHERE seq = ?', [
            leafHash(envelope),
            digest,
            seq,
          ]);
          undos.push(async () => {
            await raw.run('UPDATE ledger_payloads SET envelope = ? WHERE seq = ?', [payload.envelope, seq]);
            await raw.run('UPDATE ledger_entries SET leaf_hash = ?, payload_sha256 = ? WHERE seq = ?', [
              entry.leaf_hash,
              entry.payload_sha256,
              seq,
            ]);
          });
          const get = async (level: number, idx: number) =>
            level === 0
              ? (await one<{ h: Buffer }>('SELECT leaf_hash AS h FROM ledger_entries WHERE seq = ?', [idx])).h
              : (
                  await one<{ h: Buffer }>(
                    'SELECT hash AS h FROM ledger_hashes WHERE level = ? AND idx = ?',
                    [level, idx],
                  )
                ).h;
          for (let level = 1; 2 ** level <= size; level++) {
            const idx = Math.floor(seq / 2 ** level);
            if ((idx + 1) * 2 ** level > size) break;
            const before = await get(level, idx);
            const after = nodeHash(await get(level - 1, 2 * idx), await get(level - 1, 2 * idx + 1));
            await raw.run('UPDATE ledger_hashes SET hash = ? WHERE level = ? AND idx = ?', [
              after,
              level,
              idx,
            ]);
            undos.push(() =>
              raw.run('UPDATE ledger_hashes SET hash = ? WHERE level = ? AND idx = ?', [before, level, idx]),
            );
          }
          return async () => {
            for (const u of undos.reverse()) await u();
          };
        };
        const alteredEnvelope = async (seq: number, resign: boolean) => {
          const { envelope } = await one<{ envelope: Buffer }>(
            'SELECT envelope FROM ledger_payloads WHERE seq = ?',
            [seq],
          );
          const env = JSON.parse(envelope.toString('utf8')) as {
            payloadType: string;
            payload: string;
            signatures: { keyid: string; sig: string }[];
          };
          const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as {
            predicate: { outcome: string };
          };
          statement.predicate.outcome = statement.predicate.outcome === 'pass' ? 'fail' : 'pass';
          const payload = Buffer.from(JSON.stringify(statement));
          env.payload = payload.toString('base64');
          if (resign) {
            env.signatures = [
              {
                keyid: attacker.keyId,
                sig: (await attacker.sign(pae(env.payloadType, payload))).toString('base64'),
              },
            ];
          }
          return Buffer.from(JSON.stringify(env));
        };
        const replaceCheckpoints = async (
          note: (size: number, root: Buffer) => Promise<string>,
        ): Promise<Undo> => {
          const rows = await raw.all<Row>('SELECT * FROM ledger_checkpoints');
          await raw.run('DELETE FROM ledger_checkpoints');
          const fresh = await Promise.all(
            rows.map(async (r) => ({ ...r, note: await note(r.tree_size as number, r.root_hash as Buffer) })),
          );
          await insertRows(raw, 'ledger_checkpoints', fresh);
          return async () => {
            await raw.run('DELETE FROM ledger_checkpoints');
            await insertRows(raw, 'ledger_checkpoints', rows);
          };
        };
        const latestCp = async () =>
          one<Row>('SELECT * FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT 1', []);
        const GLOBALS: { name: string; apply(): Promise<Undo> }[] = [
          ...LEDGER_TABLES.filter((t) => t !== 'ledger_blob_prunes' || pruned.blobsPruned > 0).map(
            (table) => ({
              name: `truncate ${table}`,
              apply: () => deleteRows(table, '1 = 1', []),
            }),
          ),
          {
            name: 'cut the tail (entries and payloads)',
            apply: async () => {
              const k = int(1, 40);
              const u1 = await deleteRows('ledger_payloads', 'seq >= ?', [size - k]);
              const u2 = await deleteRows('ledger_entries', 'seq >= ?', [size - k]);
              return async () => {
                await u2();
                await u1();
              };
            },
          },
          {
            name: 'delete a run of entries',
            apply: async () => {
              const a = int(1000, 9000);
              return deleteRows('ledger_entries', 'seq >= ? AND seq < ?', [a, a + int(2, 60)]);
            },
          },
          {
            name: 'flip a high stored hash',
            apply: async () => {
              const level = int(8, 14);
              const idx = int(0, Math.floor(size / 2 ** level));
              const row = await one<{ hash: Buffer }>(
                'SELECT hash FROM ledger_hashes WHERE level = ? AND idx = ?',
                [level, idx],
              );
              const set = (h: Buffer) =>
                raw.run('UPDATE ledger_hashes SET hash = ? WHERE level = ? AND idx = ?', [h, level, idx]);
              await set(flip(row.hash));
              return () => set(row.hash);
            },
          },
          {
            name: 'rewrite a statement and its subtree hashes (signature kept)',
            apply: async () => {
              const seq = pick(await unpruned(500, 10_000));
              return rewriteSubtree(seq, await alteredEnvelope(seq, false));
            },
          },
          {
            name: 'rewrite a statement, re-sign with another key, rehash',
            apply: async () => {
              const seq = pick(await unpruned(500, 10_000));
              return rewriteSubtree(seq, await alteredEnvelope(seq, true));
            },
          },
          {
            name: 'rewrite, re-sign, rehash and re-sign every checkpoint with another key',
            apply: async () => {
              const seq = pick(await unpruned(500, 10_000));
              const u1 = await rewriteSubtree(seq, await alteredEnvelope(seq, true));
              const u2 = await replaceCheckpoints(
                async (n, r) => (await signCheckpoint(origin, n, r, attacker)).note,
              );
              return async () => {
                await u2();
                await u1();
              };
            },
          },
          {
            name: 'forge a checkpoint note (flipped byte)',
            apply: async () => {
              const cp = await latestCp();
              const note = cp.note as string;
              const at = int(0, note.indexOf('\n\n'));
              const forged = note.slice(0, at) + (note[at] === 'x' ? 'y' : 'x') + note.slice(at + 1);
              await setCol('ledger_checkpoints', 'note', 'tree_size', cp.tree_size, forged);
              return () => setCol('ledger_checkpoints', 'note', 'tree_size', cp.tree_size, note);
            },
          },
          {
            name: 'alter a checkpoint root column',
            apply: async () =>
              flipColumn('ledger_checkpoints', 'root_hash', 'tree_size', (await latestCp()).tree_size),
          },
          {
            name: 'add a checkpoint signed by another key',
            apply: async () => {
              const cp = await latestCp();
              const forged = await signCheckpoint(origin, size + 5, flip(cp.root_hash as Buffer), attacker);
              await insertRows(raw, 'ledger_checkpoints', [
                {
                  tree_size: size + 5,
                  root_hash: forged.rootHash,
                  note: forged.note,
                  created_at: cp.created_at,
                },
              ]);
              return () => raw.run('DELETE FROM ledger_checkpoints WHERE tree_size = ?', [size + 5]);
            },
          },
          {
            name: 'replace a checkpoint with one of another origin',
            apply: async () => {
              const cp = await latestCp();
              const other = await signCheckpoint(
                'greenlight/elsewhere',
                cp.tree_size as number,
                cp.root_hash as Buffer,
                attacker,
              );
              await setCol('ledger_checkpoints', 'note', 'tree_size', cp.tree_size, other.note);
              return () => setCol('ledger_checkpoints', 'note', 'tree_size', cp.tree_size, cp.note);
            },
          },
          {
            name: 'orphan payload beyond the end',
            apply: async () => {
              await insertRows(raw, 'ledger_payloads', [{ seq: size + 3, envelope: Buffer.from('{}') }]);
              return () => raw.run('DELETE FROM ledger_payloads WHERE seq = ?', [size + 3]);
            },
          },
          {
            name: 'extra stored hash beyond the end',
            apply: async () => {
              await insertRows(raw, 'ledger_hashes', [{ level: 1, idx: size, hash: Buffer.alloc(32, 1) }]);
              return () => raw.run('DELETE FROM ledger_hashes WHERE level = 1 AND idx = ?', [size]);
            },
          },
          {
            name: 'alter a legal hold row',
            apply: async () => flipColumn('ledger_holds', 'hold_id', 'action', 'add'),
          },
          {
            name: 'alter a key row',
            apply: async () => {
              const k = await one<Row>('SELECT key_id FROM ledger_keys', []);
              return flipColumn('ledger_keys', 'public_key', 'key_id', k.key_id);
            },
          },
          { name: 'remove the origin', apply: async () => deleteRows('ledger_meta', "key = 'origin'", []) },
          {
            name: 'flip a byte of the prune statement',
            apply: async () => flipColumn('ledger_payloads', 'envelope', 'seq', size - 1),
          },
          {
            name: 'copy an entry to the end of the log',
            apply: async () => {
              const seq = pick(await unpruned(500, 10_000));
              const e = await one<Row>('SELECT * FROM ledger_entries WHERE seq = ?', [seq]);
              const p = await one<Row>('SELECT * FROM ledger_payloads WHERE seq = ?', [seq]);
              await insertRows(raw, 'ledger_entries', [{ ...e, seq: size }]);
              await insertRows(raw, 'ledger_payloads', [{ ...p, seq: size }]);
              return async () => {
                await raw.run('DELETE FROM ledger_payloads WHERE seq = ?', [size]);
                await raw.run('DELETE FROM ledger_entries WHERE seq = ?', [size]);
              };
            },
          },
        ];

        const failures: string[] = [];
        let mutations = 0;
        const blocks = Array.from({ length: Math.ceil(ENTRIES / BLOCK) }, (_, b) => b);
        const describeReport = (r: VerifyReport) =>
          `${r.issueCount} issues: ${r.issues
            .slice(0, 3)
            .map((i) => `#${i.seq} ${i.kind}`)
            .join('; ')}`;

        for (let round = 0; round < LOCAL_ROUNDS + GLOBAL_ROUNDS; round++) {
          if (round < LOCAL_ROUNDS) {
            const chosen = [...blocks].sort(() => random() - 0.5).slice(0, PER_ROUND);
            const applied: { lo: number; hi: number; kinds: string[]; name: string; undo: Undo }[] = [];
            for (const b of chosen) {
              const lo = b * BLOCK;
              const hi = Math.min((b + 1) * BLOCK, ENTRIES); // never the hold/prune statements at the end
              let undo: Undo | null = null;
              let m: Local = pick(LOCALS);
              for (let tries = 0; !undo && tries < 20; tries++) {
                m = pick(LOCALS);
                undo = await m.apply(lo, hi);
              }
              if (!undo) throw new Error(`no applicable mutation in block ${b}`);
              applied.push({ lo, hi, kinds: m.kinds, name: m.name, undo });
            }
            mutations += applied.length;
            const report = await verify();
            for (const a of applied) {
              const hit = report.issues.some(
                (i) => i.seq !== null && i.seq >= a.lo && i.seq < a.hi && a.kinds.includes(i.kind),
              );
              if (!hit)
                failures.push(
                  `round ${round}: "${a.name}" in entries ${a.lo}..${a.hi - 1} not reported (${describeReport(report)})`,
                );
            }
            for (const i of report.issues) {
              if (
                ENTRY_KINDS.has(i.kind) &&
                !applied.some((a) => (i.seq as number) >= a.lo && (i.seq as number) < a.hi)
              ) {
                failures.push(`round ${round}: ${i.kind} reported at untouched entry ${i.seq}: ${i.message}`);
              }
            }
            for (const a of applied.reverse()) await a.undo();
          } else {
            const g = GLOBALS[(round - LOCAL_ROUNDS) % GLOBALS.length] as (typeof GLOBALS)[number];
            const undo = await g.apply();
            mutations++;
            const report = await verify();
            if (report.ok) failures.push(`round ${round}: "${g.name}" not detected`);
            await undo();
          }
          if (round % 12 === 11 || round === LOCAL_ROUNDS + GLOBAL_ROUNDS - 1) {
            const again = await verify();
            if (!again.ok)
              failures.push(`round ${round}: the restored ledger is flagged: ${describeReport(again)}`);
          }
        }
        expect(failures).toEqual([]);
        expect(mutations).toBeGreaterThanOrEqual(1000);
        // and with a cold cache, the restored ledger verifies fully, signatures included
        const cold = await ledger.verify({ workers: 0 });
        expect(cold).toMatchObject({ ok: true, signaturesChecked: size - pruned.pruned });
      } finally {
        await raw.close();
        await ledger.close();
        remove();
      }
    }, 600_000);
  });
}
