// Appends to a ledger in a loop and prints "ack <seq> <statement sha256>" for each entry once
// its transaction has committed. Run by crash.test.ts, which kills it with SIGKILL at random.
const { ledgerDoor, root, url, seed } = JSON.parse(process.argv[2]);
const { openLedger, PREDICATE_TYPES, STATEMENT_TYPE } = await import(ledgerDoor);

let s = Number(seed) >>> 0;
const random = () => {
  s = (s * 1664525 + 1013904223) >>> 0;
  return s / 4294967296;
};

const ledger = await openLedger({ root, url });
process.stdout.write('ready\n');
for (let batch = 0; ; batch++) {
  const n = 1 + Math.floor(random() * 12);
  const items = Array.from({ length: n }, (_, k) => ({
    statement: {
      _type: STATEMENT_TYPE,
      subject: [{ name: `crash/${seed}`, digest: { sha256: String(k).padStart(64, '0') } }],
      predicateType: PREDICATE_TYPES.checkResult,
      predicate: { seed, batch, k, nonce: random() },
    },
    blobs:
      random() < 0.2
        ? [{ name: `b-${seed}-${batch}-${k}.txt`, content: `raw material ${seed}/${batch}/${k}` }]
        : [],
  }));
  const result = await ledger.recordStatements(items, { checkpoint: random() < 0.7 });
  process.stdout.write(result.entries.map((e) => `ack ${e.seq} ${e.payloadDigest}\n`).join(''));
}
