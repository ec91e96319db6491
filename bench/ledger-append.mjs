// Durable append of signed statements: SQLite (WAL, synchronous=FULL: every batch is a committed,
// fsynced transaction) and PostgreSQL, in batches of 1,000. Floors measured in the same run:
// Ed25519 signing with node:crypto over the same DSSE PAE bytes, and a bare better-sqlite3
// transaction inserting the same rows with no ledger logic.
//
//   npm run build && node bench/ledger-append.mjs [--batches 20] [--pg postgres://…]
import { sign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

const { initLedger } = await import('../dist/ledger/index.js');
const { openContext, prepareEntries, appendPrepared } = await import('../dist/ledger/ledger.js');
const { pae, INTOTO_PAYLOAD_TYPE } = await import('../dist/ledger/dsse.js');
const { PREDICATE_TYPES, STATEMENT_TYPE, statementBytes } = await import('../dist/ledger/statement.js');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const BATCHES = Number(arg('batches', 20));
const BATCH = 1000;
const PG = arg(
  'pg',
  process.env.GREENLIGHT_TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/greenlight_test',
);

let counter = 0;
/** A check-result statement of realistic size (~450 bytes). */
const item = () => {
  const i = counter++;
  return {
    statement: {
      _type: STATEMENT_TYPE,
      subject: [
        {
          name: 'git+https://github.com/acme/payments-api',
          digest: { gitCommit: i.toString(16).padStart(40, '0') },
        },
      ],
      predicateType: PREDICATE_TYPES.checkResult,
      predicate: {
        check: 'branch.approvals-required',
        outcome: i % 7 ? 'pass' : 'fail',
        severity: 'high',
        controls: ['CM-2'],
        message: `protected branch main requires 1 approval (run ${i})`,
        resource: 'github.com/acme/payments-api@main',
        assessedAt: '2026-11-27T10:00:00.000Z',
      },
    },
  };
};

/** Wall-clock rate and CPU cost (all threads of this process) of `fn` over `n` entries. */
async function measure(n, fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { rate: (n / wall) * 1000, cpuUs: (c.user + c.system) / n };
}

async function ledgerCase(label, url) {
  const root = mkdtempSync(path.join(tmpdir(), 'gl-bench-append-'));
  try {
    await initLedger(root, { url });
    const ctx = await openContext({ root, url });
    try {
      const batch = () => Array.from({ length: BATCH }, item);
      // warm-up batch (JIT, statement cache, signing workers)
      await appendPrepared(ctx, await prepareEntries(ctx, batch()));
      const n = BATCHES * BATCH;
      // 1) durable append of statements already signed (the ledger's own work: hash, tree, insert, commit)
      const signed = [];
      for (let b = 0; b < BATCHES; b++) signed.push(await prepareEntries(ctx, batch()));
      const append = await measure(n, async () => {
        for (const p of signed) await appendPrepared(ctx, p);
      });
      // 2) end to end: validate, canonicalize, sign (worker threads), append, commit, checkpoint
      const endToEnd = await measure(n, async () => {
        for (let b = 0; b < BATCHES; b++) await appendPrepared(ctx, await prepareEntries(ctx, batch()));
      });
      return { label, append, endToEnd };
    } finally {
      await ctx.store.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function signFloor() {
  const { privateKey } = generateKeyPairSync('ed25519');
  const msgs = Array.from({ length: BATCHES * BATCH }, () =>
    pae(INTOTO_PAYLOAD_TYPE, statementBytes(item().statement)),
  );
  return measure(msgs.length, async () => {
    for (const m of msgs) sign(null, m, privateKey);
  });
}

async function sqliteFloor() {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-bench-floor-'));
  try {
    const db = new Database(path.join(dir, 'f.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE e (seq INTEGER PRIMARY KEY, leaf BLOB, digest BLOB, type TEXT, at TEXT);
             CREATE INDEX e_d ON e (digest); CREATE INDEX e_t ON e (type, at);
             CREATE TABLE p (seq INTEGER PRIMARY KEY, env BLOB);
             CREATE TABLE h (level INTEGER, idx INTEGER, hash BLOB, PRIMARY KEY (level, idx)) WITHOUT ROWID;`);
    const ie = db.prepare('INSERT INTO e VALUES (?, ?, ?, ?, ?)');
    const ip = db.prepare('INSERT INTO p VALUES (?, ?)');
    const ih = db.prepare('INSERT INTO h VALUES (?, ?, ?)');
    const env = Buffer.alloc(700, 65);
    let seq = 0;
    const m = await measure(BATCHES * BATCH, async () => {
      for (let b = 0; b < BATCHES; b++) {
        db.transaction(() => {
          for (let i = 0; i < BATCH; i++, seq++) {
            const leaf = Buffer.alloc(32, seq % 251);
            ie.run(
              seq,
              leaf,
              Buffer.from(leaf).reverse(),
              PREDICATE_TYPES.checkResult,
              '2026-11-27T10:00:00.000Z',
            );
            ip.run(seq, env);
            ih.run(1 + (seq % 3), seq, leaf);
          }
        })();
      }
    });
    db.close();
    return m;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function pgReachable(url) {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

const ROUNDS = Number(arg('rounds', 3));
const fmt = (x) => Math.round(x).toLocaleString('en-US');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pgUrl = (await pgReachable(PG)) ? PG : null;
if (!pgUrl) console.log(`(PostgreSQL at ${PG} not reachable: skipped)`);
const runs = { sign: [], sql: [], SQLite: [], PostgreSQL: [] };
for (let r = 0; r < ROUNDS; r++) {
  runs.sign.push(await signFloor());
  runs.sql.push(await sqliteFloor());
  runs.SQLite.push(await ledgerCase('SQLite', undefined));
  if (pgUrl) {
    const schema = `bench_append_${process.pid}_${r}`;
    const u = new URL(pgUrl);
    u.searchParams.set('schema', schema);
    runs.PostgreSQL.push(await ledgerCase('PostgreSQL', u.toString()));
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  }
}
const med = (list, pick) => ({
  rate: median(list.map((x) => pick(x).rate)),
  cpuUs: median(list.map((x) => pick(x).cpuUs)),
});
const line = (label, m, extra = '') =>
  console.log(
    `${label.padEnd(52)} ${fmt(m.rate).padStart(7)} /s   ${m.cpuUs.toFixed(1).padStart(6)} µs CPU/entry${extra}`,
  );
console.log(
  `${ROUNDS} rounds × ${BATCHES} batches of ${BATCH} statements (~450-byte check results); medians`,
);
const sql = med(runs.sql, (x) => x);
line('floor: bare better-sqlite3, same rows, WAL+FULL', sql);
line(
  'floor: Ed25519 sign, node:crypto, one thread',
  med(runs.sign, (x) => x),
);
for (const label of ['SQLite', 'PostgreSQL']) {
  if (runs[label].length === 0) continue;
  const a = med(runs[label], (x) => x.append);
  line(
    `${label}: durable append of signed statements`,
    a,
    label === 'SQLite' ? `   (${(a.rate / sql.rate).toFixed(2)}× floor)` : '',
  );
  line(
    `${label}: end to end (validate, sign, append)`,
    med(runs[label], (x) => x.endToEnd),
  );
}
