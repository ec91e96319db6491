import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../canonical-json.js';
import { InputError } from '../errors.js';
import {
  PREDICATE_BASE,
  PREDICATE_TYPES,
  STATEMENT_TYPE,
  type ResourceDescriptor,
  type Statement,
} from '../predicate-types.js';

/**
 * in-toto Statement v1 (github.com/in-toto/attestation/spec/v1/statement.md): the shape and the
 * predicate type URIs live in src/predicate-types.ts, the serialization in src/canonical-json.ts.
 * Statements are serialized canonically (RFC 8785 JSON Canonicalization: keys
 * sorted by UTF-16 code units, no whitespace, ECMAScript number formatting), so the same evidence
 * always has the same bytes, the same digest and — Ed25519 being deterministic — the same
 * envelope. That is what makes re-recording idempotent.
 */

export {
  canonicalJson,
  PREDICATE_BASE,
  PREDICATE_TYPES,
  STATEMENT_TYPE,
  type ResourceDescriptor,
  type Statement,
};

/** Ledger administration evidence is kept for the life of the ledger: it explains the gaps. */
export const PERMANENT_PREDICATES: ReadonlySet<string> = new Set([
  PREDICATE_TYPES.prune,
  PREDICATE_TYPES.legalHold,
]);

const resourceDescriptor: z.ZodType<ResourceDescriptor> = z
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

export const statementSchema: z.ZodType<Statement> = z.object({
  _type: z.literal(STATEMENT_TYPE),
  subject: z.array(resourceDescriptor).min(1),
  predicateType: z.string().url(),
  predicate: z.record(z.string(), z.unknown()),
});

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

export function statementBytes(statement: Statement): Buffer {
  return Buffer.from(canonicalJson(statement), 'utf8');
}

export function sha256(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest();
}
