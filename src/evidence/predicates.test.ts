import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson as ledgerCanonicalJson, PREDICATE_TYPES, STATEMENT_TYPE } from '../ledger/index.js';
import { ANOMALY_PREDICATE } from '../anomaly/index.js';
import type { CiContext } from '../ci-context/index.js';
import { canonicalJson, deploymentStatement, gateStatement, PREDICATE } from './index.js';

// The CI context the pinned key below was computed with.
const ci = {
  system: 'github',
  event: 'push',
  repository: 'acme/shop',
  runUrl: 'https://ci.example/run/1',
} as unknown as CiContext;

describe('pipeline statements', () => {
  it('keep the idempotency keys recorded before the single canonical JSON (same identity, same key)', () => {
    const deploy = deploymentStatement({
      environment: 'production',
      commit: 'a'.repeat(40),
      artifacts: [{ name: 'app', digest: `sha256:${'b'.repeat(64)}` }],
      deployedAt: '2026-01-02T03:04:05Z',
      ci,
      repository: 'acme/shop',
    });
    // Keys stored in existing ledgers were computed with sorted-key JSON.stringify; RFC 8785 gives
    // the same bytes for the strings, numbers and nulls identities are made of.
    expect(deploy.predicate.key).toBe('db90e62c1d42c1f62050ad6eefcff28ccf705d4a37c007cd8904ac1e87157084');
    const gate = gateStatement({
      context: 'pull_request',
      commit: 'c'.repeat(40),
      decision: 'pass',
      decidedAt: '2026-01-02T03:04:05Z',
      ci: { system: 'local', event: 'other' } as CiContext,
      reasons: [],
      prNumber: 7,
    });
    const identity = { ...gate.predicate, ci: null, key: undefined };
    expect(gate.predicate.key).toBe(
      createHash('sha256')
        .update(canonicalJson({ predicateType: PREDICATE.gate, subject: gate.subject, identity }))
        .digest('hex'),
    );
    expect(Object.keys(deploy.predicate)).toEqual([...Object.keys(deploy.predicate)].sort());
    expect(deploy._type).toBe(STATEMENT_TYPE);
  });

  it('serialize with the ledger canonical JSON: one function, RFC 8785 bytes', () => {
    expect(canonicalJson).toBe(ledgerCanonicalJson);
    expect(canonicalJson({ b: [2, { d: 1.5, c: null }], a: 'x', u: undefined, é: 1, Z: true })).toBe(
      '{"Z":true,"a":"x","b":[2,{"c":null,"d":1.5}],"é":1}',
    );
  });

  it('name every predicate type under one base, each URI once', () => {
    const all = [...Object.values(PREDICATE_TYPES), ...Object.values(PREDICATE), ANOMALY_PREDICATE];
    expect(new Set(all).size).toBe(all.length);
    for (const uri of all) expect(uri).toMatch(/^https:\/\/greenlight\.dev\/evidence\/[a-z-]+\/v\d+$/);
    expect(PREDICATE.deployment).toBe('https://greenlight.dev/evidence/deployment/v1');
    expect(ANOMALY_PREDICATE).toBe('https://greenlight.dev/evidence/anomaly/v1');
  });
});
