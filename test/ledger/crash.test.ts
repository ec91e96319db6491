import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { initLedger, openLedger } from '../../src/ledger/index.js';
import { buildForChild } from './build-for-child.js';
import { testDialects, tempRoot } from './dialects.js';

/*
 * Crash test: a child process appends in a loop and prints each acknowledged (committed) entry;
 * it is killed with SIGKILL at a random moment, 50 times. After each kill the ledger verifies,
 * and every acknowledged entry is present with the statement it was acknowledged for.
 */

const KILLS = 50;
const here = path.dirname(fileURLToPath(import.meta.url));
const DIALECTS = await testDialects('crash');
afterAll(async () => {
  for (const d of DIALECTS) await d.cleanup();
});

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/**
 * Runs the child until `delayMs` after its first acknowledged entry (or after start, when early),
 * then SIGKILLs it. Arming on the first ack rather than on a timer keeps the test meaningful on a
 * loaded machine: every late kill interrupts a process that is really appending.
 */
function runAndKill(
  args: object,
  delayMs: number,
  early: boolean,
): Promise<{ acks: Map<number, string>; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'crash-child.mjs'), JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks = new Map<number, string>();
    let buffered = '';
    let stderr = '';
    const kill = () => setTimeout(() => child.kill('SIGKILL'), delayMs);
    if (early) kill();
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? ''; // a line cut by the kill is not an acknowledgement
      for (const line of lines) {
        if (line === 'ready') continue;
        const m = /^ack (\d+) ([0-9a-f]{64})$/.exec(line);
        if (!m) continue;
        if (!early && acks.size === 0) kill();
        acks.set(Number(m[1]), m[2] as string);
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited by itself (${code}): ${stderr}`));
      else resolve({ acks, stderr });
    });
  });
}

for (const d of DIALECTS) {
  describe.skipIf(!d.available)(`crash safety on ${d.name}`, () => {
    it(`every acknowledged entry survives ${KILLS} SIGKILLs and the ledger verifies after each`, async () => {
      const ledgerDoor = path.join(buildForChild(), 'ledger', 'index.js');
      const { root, remove } = tempRoot('gl-crash-');
      const url = d.fresh(root);
      await initLedger(root, { url });
      const random = rng(d.name === 'sqlite' ? 11 : 12);
      const acknowledged = new Map<number, string>();
      const cache = new Map<string, string[]>();
      const failures: string[] = [];
      let lateKills = 0;
      try {
        for (let kill = 0; kill < KILLS; kill++) {
          const early = random() < 0.2; // sometimes while it is still opening the ledger
          if (!early) lateKills++;
          const delay = early ? Math.floor(random() * 400) : Math.floor(random() * 250);
          const { acks } = await runAndKill({ ledgerDoor, root, url, seed: kill + 1 }, delay, early);
          for (const [seq, digest] of acks) {
            const before = acknowledged.get(seq);
            if (before && before !== digest)
              failures.push(`kill ${kill}: entry ${seq} acknowledged twice, differently`);
            acknowledged.set(seq, digest);
          }
          const ledger = await openLedger({ root, url });
          try {
            const report = await ledger.verify({ cache, workers: 0 });
            if (!report.ok) failures.push(`kill ${kill}: verify failed: ${report.firstBad?.message}`);
            const rows = await ledger.findEntries({});
            const present = new Map(rows.map((r) => [r.seq, r.payloadDigest]));
            for (const [seq, digest] of acknowledged) {
              if (present.get(seq) !== digest)
                failures.push(`kill ${kill}: acknowledged entry ${seq} is missing or different`);
            }
          } finally {
            await ledger.close();
          }
        }
        expect(failures).toEqual([]);
        // each late kill came after at least one acknowledged append of its own
        expect(acknowledged.size).toBeGreaterThanOrEqual(lateKills);
        // the ledger is still writable and ends in a consistent, checkpointed state
        const ledger = await openLedger({ root, url });
        try {
          const cp = await ledger.checkpoint();
          expect(cp.treeSize).toBeGreaterThanOrEqual(acknowledged.size);
          expect((await ledger.verify({ workers: 0 })).ok).toBe(true);
        } finally {
          await ledger.close();
        }
      } finally {
        remove();
      }
    }, 300_000);

    it('two processes appending at once never fork the log', async () => {
      const ledgerDoor = path.join(buildForChild(), 'ledger', 'index.js');
      const { root, remove } = tempRoot('gl-writers-');
      const url = d.fresh(root);
      await initLedger(root, { url });
      try {
        const [a, b] = await Promise.all([
          runAndKill({ ledgerDoor, root, url, seed: 101 }, 1500, false),
          runAndKill({ ledgerDoor, root, url, seed: 202 }, 1500, false),
        ]);
        expect(a.acks.size).toBeGreaterThan(0);
        expect(b.acks.size).toBeGreaterThan(0);
        // no entry number was handed to both writers
        for (const seq of a.acks.keys())
          expect(b.acks.has(seq), `entry ${seq} acknowledged to both`).toBe(false);
        const ledger = await openLedger({ root, url });
        try {
          const report = await ledger.verify({ workers: 0 });
          expect(report.issues).toEqual([]);
          const present = new Map((await ledger.findEntries({})).map((r) => [r.seq, r.payloadDigest]));
          for (const [seq, digest] of [...a.acks, ...b.acks]) expect(present.get(seq)).toBe(digest);
          expect([...present.keys()]).toEqual([...present.keys()].map((_, i) => i)); // contiguous
        } finally {
          await ledger.close();
        }
      } finally {
        remove();
      }
    }, 120_000);
  });
}
