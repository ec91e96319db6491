import { LedgerIntegrityError } from '../errors.js';
import { verifySignature, type PublicKey, type Signer } from './keys.js';

/**
 * DSSE envelopes (github.com/secure-systems-lab/dsse, protocol v1). The signature covers the
 * pre-authentication encoding, never the JSON:
 *
 *   PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
 *
 * where LEN is the byte length in ASCII decimal and SP is one space.
 */

export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface EnvelopeSignature {
  keyid: string;
  sig: string;
}

export interface Envelope {
  payloadType: string;
  /** Standard base64 of the payload bytes. */
  payload: string;
  signatures: EnvelopeSignature[];
}

export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'ascii'),
    type,
    Buffer.from(` ${payload.length} `, 'ascii'),
    payload,
  ]);
}

/** The stored form of an envelope: compact JSON, keys in a fixed order. These bytes are the leaf. */
export function serializeEnvelope(env: Envelope): Buffer {
  return Buffer.from(
    JSON.stringify({
      payloadType: env.payloadType,
      payload: env.payload,
      signatures: env.signatures.map((s) => ({ keyid: s.keyid, sig: s.sig })),
    }),
    'utf8',
  );
}

export async function signEnvelopes(
  payloads: Buffer[],
  signer: Signer,
  payloadType = INTOTO_PAYLOAD_TYPE,
): Promise<Envelope[]> {
  const messages = payloads.map((p) => pae(payloadType, p));
  const sigs = signer.signMany
    ? await signer.signMany(messages)
    : await Promise.all(messages.map((m) => signer.sign(m)));
  return payloads.map((p, i) => ({
    payloadType,
    payload: p.toString('base64'),
    signatures: [{ keyid: signer.keyId, sig: (sigs[i] as Buffer).toString('base64') }],
  }));
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Parses stored envelope bytes; throws LedgerIntegrityError when they are not a DSSE envelope. */
export function parseEnvelope(bytes: Uint8Array, where: string): Envelope {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new LedgerIntegrityError(`${where}: the envelope is not valid JSON`);
  }
  const env = value as Partial<Envelope>;
  if (
    typeof env !== 'object' ||
    env === null ||
    typeof env.payloadType !== 'string' ||
    typeof env.payload !== 'string' ||
    !BASE64.test(env.payload) ||
    !Array.isArray(env.signatures) ||
    env.signatures.length === 0 ||
    !env.signatures.every(
      (s) => s && typeof s.keyid === 'string' && typeof s.sig === 'string' && BASE64.test(s.sig),
    )
  ) {
    throw new LedgerIntegrityError(`${where}: not a DSSE envelope`);
  }
  return env as Envelope;
}

export function envelopePayload(env: Envelope): Buffer {
  return Buffer.from(env.payload, 'base64');
}

/**
 * Checks the envelope's signatures against trusted keys. Returns null when a signature by a
 * trusted key verifies, else a reason naming the key.
 */
export function checkEnvelopeSignature(
  env: Envelope,
  payload: Buffer,
  trusted: ReadonlyMap<string, PublicKey>,
): string | null {
  const message = pae(env.payloadType, payload);
  let reason = 'no signature';
  for (const s of env.signatures) {
    const key = trusted.get(s.keyid);
    if (!key) {
      reason = `signed by key ${s.keyid.slice(0, 16)}…, which is not a trusted key (wrong key?)`;
      continue;
    }
    if (verifySignature(key, message, Buffer.from(s.sig, 'base64'))) return null;
    reason = `signature by key ${s.keyid.slice(0, 16)}… does not verify`;
  }
  return reason;
}
