import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LedgerIntegrityError } from '../../src/errors.js';
import {
  checkpointBody,
  noteVerifierKey,
  openCheckpoint,
  openNote,
  signCheckpoint,
  signNote,
} from '../../src/ledger/checkpoint.js';
import {
  pae,
  parseEnvelope,
  serializeEnvelope,
  signEnvelopes,
  checkEnvelopeSignature,
} from '../../src/ledger/dsse.js';
import { keyIdOf, publicKeyFromRaw, signerFromPrivateKey } from '../../src/ledger/keys.js';
import { createRedactor } from '../../src/ledger/redact.js';
import {
  canonicalJson,
  evidenceType,
  parseStatement,
  PREDICATE_TYPES,
  STATEMENT_TYPE,
} from '../../src/ledger/statement.js';

/** The Ed25519 key of the golang.org/x/mod/sumdb/note documentation example. */
const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

function goSigner(workers = 0) {
  const material = Buffer.from(GO_SKEY.split('+').slice(4).join('+'), 'base64');
  expect(material[0]).toBe(0x01); // Ed25519
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), material.subarray(1)]);
  return signerFromPrivateKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), { workers });
}

describe('signed notes interoperate with golang.org/x/mod/sumdb/note', () => {
  it('reproduces the published signature and verifier key byte for byte', async () => {
    const signer = goSigner();
    expect(noteVerifierKey('PeterNeumann', signer.publicKey)).toBe(GO_VKEY);
    expect(await signNote(GO_TEXT, 'PeterNeumann', signer)).toBe(GO_NOTE);
    const key = publicKeyFromRaw(signer.publicKey);
    expect(openNote(GO_NOTE, 'PeterNeumann', key)).toBe(GO_TEXT);
    expect(() => openNote(GO_NOTE.replace('cryptography', 'cryptographY'), 'PeterNeumann', key)).toThrow(
      LedgerIntegrityError,
    );
  });

  it('checkpoints: body format, origin, key and tampering', async () => {
    const signer = goSigner();
    const root = Buffer.alloc(32, 7);
    const cp = await signCheckpoint('greenlight/acme', 42, root, signer);
    expect(checkpointBody('greenlight/acme', 42, root)).toBe(
      `greenlight/acme\n42\n${root.toString('base64')}\n`,
    );
    expect(
      cp.note.startsWith(`greenlight/acme\n42\n${root.toString('base64')}\n\n\u2014 greenlight/acme `),
    ).toBe(true);
    const key = publicKeyFromRaw(signer.publicKey);
    expect(openCheckpoint(cp.note, 'greenlight/acme', [key], 'cp')).toMatchObject({
      treeSize: 42,
      origin: 'greenlight/acme',
    });
    expect(() => openCheckpoint(cp.note, 'greenlight/other', [key], 'cp')).toThrow(/another log/);
    const stranger = signerFromPrivateKey(
      createPrivateKey({
        key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 9)]),
        format: 'der',
        type: 'pkcs8',
      }),
    );
    expect(() =>
      openCheckpoint(cp.note, 'greenlight/acme', [publicKeyFromRaw(stranger.publicKey)], 'cp'),
    ).toThrow(/wrong key/);
    expect(() => openCheckpoint(cp.note.replace('\n42\n', '\n43\n'), 'greenlight/acme', [key], 'cp')).toThrow(
      /does not verify/,
    );
    expect(() => openCheckpoint('not a note', 'greenlight/acme', [key], 'cp')).toThrow(/not a signed note/);
    await expect(signCheckpoint('has space', 1, root, signer)).rejects.toThrow(/origin/);
  });
});

describe('DSSE envelopes and in-toto statements', () => {
  it('PAE is exactly the DSSE v1 encoding', () => {
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe(
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
    // lengths are byte lengths, not character counts
    expect(pae('t', Buffer.from('é')).toString()).toBe('DSSEv1 1 t 2 é');
  });

  it('signs, serializes in a fixed key order, and detects a changed payload or a wrong key', async () => {
    for (const workers of [0, 2]) {
      const signer = goSigner(workers);
      const payloads = Array.from({ length: 300 }, (_, i) => Buffer.from(`{"i":${i}}`));
      const envs = await signEnvelopes(payloads, signer);
      const bytes = serializeEnvelope(envs[7]!);
      expect(bytes.toString()).toMatch(
        /^\{"payloadType":"application\/vnd\.in-toto\+json","payload":"[^"]+","signatures":\[\{"keyid":"[0-9a-f]{64}","sig":"[^"]+"\}\]\}$/,
      );
      const env = parseEnvelope(bytes, 'e');
      const trusted = new Map([[signer.keyId, publicKeyFromRaw(signer.publicKey)]]);
      expect(checkEnvelopeSignature(env, Buffer.from(env.payload, 'base64'), trusted)).toBeNull();
      expect(checkEnvelopeSignature(env, Buffer.from('{"i":8}'), trusted)).toMatch(/does not verify/);
      expect(checkEnvelopeSignature(env, Buffer.from(env.payload, 'base64'), new Map())).toMatch(
        /not a trusted key/,
      );
      expect(env.signatures[0]?.keyid).toBe(keyIdOf(signer.publicKey));
    }
    expect(() => parseEnvelope(Buffer.from('{"payload":1}'), 'entry 3')).toThrow(
      /entry 3: not a DSSE envelope/,
    );
  });

  it('canonical JSON (RFC 8785 ordering) and statement validation', () => {
    expect(canonicalJson({ b: [2, { d: 1, c: null }], a: 'x', u: undefined, '\u00e9': 1, Z: true })).toBe(
      '{"Z":true,"a":"x","b":[2,{"c":null,"d":1}],"é":1}',
    );
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/non-finite/);
    const ok = {
      _type: STATEMENT_TYPE,
      subject: [{ name: 'x' }],
      predicateType: PREDICATE_TYPES.assessment,
      predicate: {},
    };
    expect(parseStatement(ok)).toEqual(ok);
    expect(() => parseStatement({ ...ok, subject: [] }, 'statement 2')).toThrow(
      /statement 2: not an in-toto Statement v1: subject/,
    );
    expect(() => parseStatement({ ...ok, _type: 'x' })).toThrow(/_type/);
    expect(evidenceType(PREDICATE_TYPES.checkResult)).toBe('check-result');
    expect(evidenceType('https://slsa.dev/provenance/v1')).toBe('https://slsa.dev/provenance/v1');
  });
});

describe('secret redaction', () => {
  it('removes secretlint findings and configured patterns, and records only rule ids and counts', async () => {
    const token = `ghp_${'Zx9'.repeat(12)}`;
    const redactor = createRedactor(['INTERNAL-[0-9]{6}']);
    const input = Buffer.from(`{"token":"${token}","note":"INTERNAL-123456 and INTERNAL-654321"}`);
    const { bytes, redaction } = await redactor.redact(input, 'facts.json');
    const text = bytes.toString();
    expect(text).not.toContain(token);
    expect(text).not.toContain('INTERNAL-123456');
    expect(text).toContain('[REDACTED:config:ledger.redact[0]]');
    expect(redaction.count).toBe(3);
    // The token is ours to name (our detector covers exactly its characters); secretlint's
    // overlapping match is dropped.
    expect(redaction.rules).toEqual([
      { id: 'config:ledger.redact[0]', count: 2 },
      { id: 'github-token', count: 1 },
    ]);
    // A kind only secretlint knows (SendGrid) is still masked, to the end of its token.
    const sendgrid = ['SG', 'aB3dE5gH7jK9mN1pQ2rS4t', 'uV6wX8yZ0aB2cD4eF6gH8iJ0kL2mN4pQ6rS8tU0vW2x'].join(
      '.',
    );
    const sg = await redactor.redact(Buffer.from(`SENDGRID=${sendgrid}\n`), 'env');
    expect(sg.bytes.toString()).not.toContain(sendgrid.slice(3, 20));
    expect(sg.redaction.rules.map((r) => r.id).join()).toMatch(/secretlint-rule-sendgrid/);
    expect(JSON.stringify(redaction)).not.toContain('Zx9');
    const binary = await redactor.redact(Buffer.from([0, 1, 2, 255]), 'x.bin');
    expect(binary.redaction).toEqual({ scanned: false, count: 0, rules: [] });
    expect(() => createRedactor(['('])).toThrow(/ledger\.redact\[0\]: invalid regular expression/);
  });
});
