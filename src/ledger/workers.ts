import * as crypto from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { checkEnvelopes, type EnvelopeBatch, type EnvelopeResults } from './envelope-check.js';
import type { PublicKey } from './keys.js';

/**
 * Runs envelope checks (JSON, digests, Ed25519) either in this thread or spread over worker
 * threads, which then overlap with the main thread's hashing of the tree.
 */
export interface CheckRunner {
  run(batch: EnvelopeBatch): Promise<EnvelopeResults>;
  close(): Promise<void>;
}

export function inlineRunner(keys: PublicKey[]): CheckRunner {
  const map = new Map(keys.map((k) => [k.keyId, k.key]));
  return {
    run: async (batch) => checkEnvelopes(batch, map, crypto),
    close: async () => {},
  };
}

const WORKER_SOURCE = (fn: string) => `
const { parentPort, workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
const check = (${fn});
const keys = new Map(workerData.keys.map((k) => [k.keyId,
  crypto.createPublicKey({ key: Buffer.from(k.spki), format: 'der', type: 'spki' })]));
parentPort.on('message', (m) => {
  try {
    parentPort.postMessage({ id: m.id, result: check(m.batch, keys, crypto) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

export function workerRunner(count: number, keys: PublicKey[]): CheckRunner {
  const source = WORKER_SOURCE(checkEnvelopes.toString());
  const workerData = {
    keys: keys.map((k) => ({ keyId: k.keyId, spki: k.key.export({ type: 'spki', format: 'der' }) })),
  };
  type Pending = { resolve: (r: EnvelopeResults) => void; reject: (e: Error) => void };
  const workers = Array.from({ length: count }, () => {
    const w = new Worker(source, { eval: true, workerData });
    const pending = new Map<number, Pending>();
    w.on('message', (m: { id: number; result?: EnvelopeResults; error?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (!p) return;
      if (m.result) p.resolve(m.result);
      else p.reject(new Error(m.error ?? 'worker failed'));
    });
    w.on('error', (err) => {
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
    return { w, pending };
  });
  let nextId = 0;
  return {
    run(batch) {
      const target = workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const id = nextId++;
      return new Promise<EnvelopeResults>((resolve, reject) => {
        target.pending.set(id, { resolve, reject });
        target.w.postMessage({ id, batch }, [batch.envelopes.buffer as ArrayBuffer]);
      });
    },
    async close() {
      await Promise.all(workers.map(({ w }) => w.terminate()));
    },
  };
}
