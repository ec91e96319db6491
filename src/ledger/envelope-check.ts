import type { createHash, KeyObject, verify } from 'node:crypto';

/**
 * The per-entry checks of `ledger verify` that need the envelope's contents: DSSE shape, the
 * payload digest and predicate type columns against the payload, the statement's blob list, and
 * the Ed25519 signature over PAE. It is one self-contained function (no imports, no closures)
 * so that worker threads can run the very same code from its source text; node:crypto comes in
 * through `deps`.
 */

export interface EnvelopeBatch {
  seqs: number[];
  /** All envelopes back to back; entry i is envelopes[offsets[i], offsets[i+1]). */
  envelopes: Uint8Array;
  offsets: number[];
  /** 32 bytes per entry: the payload_sha256 column. */
  payloadDigests: Uint8Array;
  predicateTypes: string[];
  /** 1 where the signature must be checked, 0 where a verified checkpoint vouches for it. */
  checkSignature: Uint8Array;
}

export interface EnvelopeResults {
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
  const problems: (string | null)[] = [];
  const blobs: string[][] = [];
  let signaturesChecked = 0;
  const b64 = /^[A-Za-z0-9+/]*={0,2}$/;
  const hex64 = /^[0-9a-f]{64}$/;
  for (let i = 0; i < batch.seqs.length; i++) {
    const bytes = batch.envelopes.subarray(batch.offsets[i] as number, batch.offsets[i + 1] as number);
    const found: string[] = [];
    blobs.push(found);
    let problem: string | null = null;
    try {
      const env = JSON.parse(decoder.decode(bytes));
      if (
        !env ||
        typeof env.payloadType !== 'string' ||
        typeof env.payload !== 'string' ||
        !b64.test(env.payload) ||
        !Array.isArray(env.signatures) ||
        env.signatures.length === 0
      ) {
        throw new Error('not a DSSE envelope');
      }
      const payload = Buffer.from(env.payload, 'base64');
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
  return { problems, blobs, signaturesChecked };
}
