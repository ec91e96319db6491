import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InputError } from '../errors.js';

/**
 * in-toto Statement v1 (github.com/in-toto/attestation/spec/v1/statement.md) and greenlight's
 * predicate types. Statements are serialized canonically (RFC 8785 JSON Canonicalization: keys
 * sorted by UTF-16 code units, no whitespace, ECMAScript number formatting), so the same evidence
 * always has the same bytes, the same digest and — Ed25519 being deterministic — the same
 * envelope. That is what makes re-recording idempotent.
 */

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PREDICATE_BASE = 'https://greenlight.dev/evidence/';

/** Versioned predicate type URIs; a breaking change to a predicate gets a new version. */
export const PREDICATE_TYPES = {
  assessment: `${PREDICATE_BASE}assessment/v1`,
  checkResult: `${PREDICATE_BASE}check-result/v1`,
  rawFacts: `${PREDICATE_BASE}raw-facts/v1`,
  prune: `${PREDICATE_BASE}prune/v1`,
  legalHold: `${PREDICATE_BASE}legal-hold/v1`,
} as const;

/** Ledger administration evidence is kept for the life of the ledger: it explains the gaps. */
export const PERMANENT_PREDICATES: ReadonlySet<string> = new Set([
  PREDICATE_TYPES.prune,
  PREDICATE_TYPES.legalHold,
]);

const resourceDescriptor = z
  .object({
    name: z.string().optional(),
    uri: z.string().optional(),
    digest: z.record(z.string(), z.string()).optional(),
    content: z.string().optional(),
    downloadLocation: z.string().optional(),
    mediaType: z.string().optional(),
    annotations: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((d) => d.name !== undefined || d.uri !== undefined || d.digest !== undefined, {
    message: 'a subject needs a name, uri or digest',
  });

export const statementSchema = z.object({
  _type: z.literal(STATEMENT_TYPE),
  subject: z.array(resourceDescriptor).min(1),
  predicateType: z.string().url(),
  predicate: z.record(z.string(), z.unknown()),
});

export type ResourceDescriptor = z.output<typeof resourceDescriptor>;
export type Statement = z.output<typeof statementSchema>;

/** Validates a statement handed to the ledger; the message names what is wrong. */
export function parseStatement(value: unknown, where = 'statement'): Statement {
  const result = statementSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = issue?.path.length ? issue.path.join('.') : '(root)';
  throw new InputError(`${where}: not an in-toto Statement v1: ${at}: ${issue?.message ?? 'invalid'}`);
}

/** The short evidence type used for retention: `check-result` for our URIs, else the URI itself. */
export function evidenceType(predicateType: string): string {
  if (predicateType.startsWith(PREDICATE_BASE)) {
    const rest = predicateType.slice(PREDICATE_BASE.length);
    return rest.replace(/\/v\d+$/, '');
  }
  return predicateType;
}

/** RFC 8785 canonical JSON of plain JSON data. Throws on values JSON cannot represent. */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new InputError(`cannot record a non-finite number (${value})`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const v: unknown = value[i];
          if (i > 0) out += ',';
          out += v === undefined || typeof v === 'function' ? 'null' : canonicalJson(v);
        }
        return `${out}]`;
      }
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      const record = value as Record<string, unknown>;
      let out = '{';
      let first = true;
      for (const k of Object.keys(record).sort()) {
        const v = record[k];
        if (v === undefined || typeof v === 'function') continue;
        if (!first) out += ',';
        first = false;
        out += `${JSON.stringify(k)}:${canonicalJson(v)}`;
      }
      return `${out}}`;
    }
    default:
      throw new InputError(`cannot record a value of type ${typeof value}`);
  }
}

export function statementBytes(statement: Statement): Buffer {
  return Buffer.from(canonicalJson(statement), 'utf8');
}

export function sha256(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest();
}
