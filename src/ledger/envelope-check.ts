import type { createHash, KeyObject, verify } from 'node:crypto';

/**
 * The per-entry checks of `ledger verify` that need the envelope's bytes: its leaf hash
 * (RFC 9162: SHA-256(0x00 ‖ envelope)) against the leaf_hash column, then the DSSE shape, the
 * payload digest and predicate type columns against the payload, the statement's blob list, and
 * the Ed25519 signature over PAE. It is one self-contained function (no imports, no closures)
 * so that worker threads can run the very same code from its source text; node:crypto comes in
 * through `deps`.
 */

/**
 * One aligned run of entries [base, base + count): base is a multiple of a power of two ≥ count,
 * so the complete subtrees inside the run are complete subtrees of the log.
 */
export interface EnvelopeBatch {
  base: number;
  count: number;
  /** Per position: 0 the row is missing, 1 an entry without payload (pruned), 2 with envelope. */
  present: Uint8Array;
  /** All envelopes back to back; entry i is envelopes[offsets[i], offsets[i+1]). */
  envelopes: Uint8Array;
  offsets: number[];
  /** 32 bytes per entry: the payload_sha256 column. */
  payloadDigests: Uint8Array;
  /** 32 bytes per entry: the leaf_hash column (zeros where the row is missing). */
  leafHashes: Uint8Array;
  /** 1 where the content checks run; 0 where only the leaf hash is recomputed (already checked). */
  checkContent: Uint8Array;
  predicateTypes: string[];
  /** 1 where the signature must be checked, 0 where a verified checkpoint vouches for it. */
  checkSignature: Uint8Array;
}

export interface EnvelopeResults {
  /** 32 bytes per position: the leaf hash recomputed from the envelope (else the column). */
  leaves: Uint8Array;
  /** Hashes of the complete subtrees inside the run, level 1 first, left to right. */
  nodes: Uint8Array;
  /** Per entry: 1 when the recomputed leaf hash equals the leaf_hash column. */
  leafOk: Uint8Array;
  /** Per entry: null when every check passed, else what is wrong. */
  problems: (string | null)[];
  /** Per entry: blob digests named in predicate.blobs (hex). */
  blobs: string[][];
  signaturesChecked: number;
}

export interface CheckDeps {
  createHash: typeof createHash;
  verify: typeof verify;
}

export function checkEnvelopes(
  batch: EnvelopeBatch,
  keys: Map<string, KeyObject>,
  deps: CheckDeps,
): EnvelopeResults {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const n = batch.count;
  const leaves = new Uint8Array(n * 32);
  const leafOk = new Uint8Array(n);
  const zero = new Uint8Array([0]);
  const problems: (string | null)[] = [];
  const blobs: string[][] = [];
  let signaturesChecked = 0;
  const fastType = 'application/vnd.in-toto+json';
  const prefix = Buffer.from(`{"payloadType":"${fastType}","payload":"`);
  const sigKey = Buffer.from(',"signatures":');
  const hex64 = /^[0-9a-f]{64}$/;
  for (let i = 0; i < n; i++) {
    if (batch.present[i] !== 2) {
      leaves.set(batch.leafHashes.subarray(i * 32, i * 32 + 32), i * 32);
      leafOk[i] = 1;
      blobs.push([]);
      problems.push(null);
      continue;
    }
    const bytes = batch.envelopes.subarray(batch.offsets[i] as number, batch.offsets[i + 1] as number);
    const leaf = deps.createHash('sha256').update(zero).update(bytes).digest();
    leaves.set(leaf, i * 32);
    leafOk[i] = leaf.equals(batch.leafHashes.subarray(i * 32, i * 32 + 32)) ? 1 : 0;
    const found: string[] = [];
    blobs.push(found);
    let problem: string | null = null;
    if (batch.checkContent[i] === 0) {
      problems.push(null);
      continue;
    }
    try {
      // Fast path for the layout the ledger writes; anything else goes through JSON.parse.
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let env;
      if (buf.length > prefix.length && buf.subarray(0, prefix.length).equals(prefix)) {
        const end = buf.indexOf(0x22, prefix.length);
        if (end > 0 && buf.subarray(end + 1, end + 1 + sigKey.length).equals(sigKey)) {
          const tail = JSON.parse(`{${decoder.decode(buf.subarray(end + 2))}`);
          env = {
            payloadType: fastType,
            payload: buf.toString('latin1', prefix.length, end),
            signatures: tail.signatures,
          };
        }
      }
      env ??= JSON.parse(decoder.decode(bytes));
      if (
        !env ||
        typeof env.payloadType !== 'string' ||
        typeof env.payload !== 'string' ||
        env.payload.length % 4 !== 0 ||
        !Array.isArray(env.signatures) ||
        env.signatures.length === 0
      ) {
        throw new Error('not a DSSE envelope');
      }
      const payload = Buffer.from(env.payload, 'base64');
      // Node skips characters that are not base64; a decoded length that is not exactly 3/4 of
      // the text (less padding) means the text was not canonical base64.
      const pad = env.payload.endsWith('==') ? 2 : env.payload.endsWith('=') ? 1 : 0;
      if (payload.length !== (env.payload.length / 4) * 3 - pad) throw new Error('not a DSSE envelope');
      const digest = deps.createHash('sha256').update(payload).digest();
      const column = batch.payloadDigests.subarray(i * 32, i * 32 + 32);
      if (!digest.equals(column)) throw new Error('payload digest column does not match the payload');
      const statement = JSON.parse(decoder.decode(payload));
      if (
        !statement ||
        typeof statement !== 'object' ||
        statement._type !== 'https://in-toto.io/Statement/v1'
      ) {
        throw new Error('payload is not an in-toto Statement v1');
      }
      if (statement.predicateType !== batch.predicateTypes[i]) {
        throw new Error('predicate type column does not match the statement');
      }
      const list = statement.predicate && statement.predicate.blobs;
      if (Array.isArray(list)) {
        for (const b of list) {
          const h = b && b.digest && b.digest.sha256;
          if (typeof h === 'string' && hex64.test(h)) found.push(h);
        }
      }
      if (batch.checkSignature[i] === 1) {
        signaturesChecked++;
        const type = Buffer.from(env.payloadType, 'utf8');
        const pae = Buffer.concat([
          Buffer.from(`DSSEv1 ${type.length} `, 'ascii'),
          type,
          Buffer.from(` ${payload.length} `, 'ascii'),
          payload,
        ]);
        let reason = 'no signature';
        let ok = false;
        for (const s of env.signatures) {
          if (!s || typeof s.keyid !== 'string' || typeof s.sig !== 'string') continue;
          const key = keys.get(s.keyid);
          if (!key) {
            reason = `signed by key ${s.keyid.slice(0, 16)}…, which is not a trusted key (wrong key?)`;
            continue;
          }
          const sig = Buffer.from(s.sig, 'base64');
          let valid = false;
          try {
            valid = sig.length === 64 && deps.verify(null, pae, key, sig);
          } catch {
            valid = false;
          }
          if (valid) {
            ok = true;
            break;
          }
          reason = `signature by key ${s.keyid.slice(0, 16)}… does not verify`;
        }
        if (!ok) throw new Error(reason);
      }
    } catch (err) {
      problem =
        err instanceof SyntaxError || err instanceof TypeError
          ? 'envelope or statement is not valid JSON/UTF-8'
          : String((err as Error).message);
    }
    problems.push(problem);
  }
  // the complete subtrees of this run, level by level (RFC 9162 node = SHA-256(0x01 ‖ l ‖ r))
  const one = new Uint8Array([1]);
  let sizes = 0;
  for (let width = 2; width <= n; width *= 2) sizes += Math.floor(n / width);
  const nodes = new Uint8Array(sizes * 32);
  let prev = leaves;
  let prevCount = n;
  let at = 0;
  while (prevCount >= 2) {
    const count = Math.floor(prevCount / 2);
    const level = nodes.subarray(at * 32, (at + count) * 32);
    for (let j = 0; j < count; j++) {
      const h = deps
        .createHash('sha256')
        .update(one)
        .update(prev.subarray(64 * j, 64 * j + 64))
        .digest();
      level.set(h, 32 * j);
    }
    prev = level;
    prevCount = count;
    at += count;
  }
  return { leaves, nodes, leafOk, problems, blobs, signaturesChecked };
}
