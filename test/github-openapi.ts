import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { SimExchange } from '../src/sim/github/index.js';

/**
 * Validates simulator responses against GitHub's official OpenAPI description
 * (`@octokit/openapi`, api.github.com; GitHub Enterprise Cloud for the few endpoints only it has,
 * such as the organisation audit log). Maps method + path to the operation, then checks the
 * status is declared and the body matches that status's schema.
 */

type Json = Record<string, unknown>;
interface Operation {
  description: 'api.github.com' | 'ghec';
  template: string;
  regex: RegExp;
  literal: number;
  op: Json;
}

const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const generated = path.join(path.dirname(require.resolve('@octokit/openapi/package.json')), 'generated');

const specs = new Map<string, Json>();
const operations = new Map<string, Operation[]>();
const ajv = new Ajv({ strict: false, allErrors: true, discriminator: false, validateFormats: true });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

function spec(name: 'api.github.com' | 'ghec'): Json {
  let s = specs.get(name);
  if (!s) {
    s = JSON.parse(readFileSync(path.join(generated, `${name}.json`), 'utf8')) as Json;
    specs.set(name, s);
    ajv.addSchema({ components: fixNullable((s as { components: Json }).components) }, docId(name));
    const ops: Operation[] = [];
    for (const [template, item] of Object.entries(s.paths as Record<string, Json>)) {
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const parts = template.split('/');
        const pattern = parts.map((p) => (p.startsWith('{') ? '[^/]+' : escape(p))).join('/');
        ops.push({
          description: name,
          template,
          regex: new RegExp(`^${pattern}$`),
          literal: parts.filter((p) => !p.startsWith('{')).length,
          op: { ...(op as Json), method },
        });
      }
    }
    operations.set(name, ops);
  }
  return s;
}

const docId = (name: string) => `https://greenlight.test/openapi/${name}.json`;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** OpenAPI 3.0 `nullable` without `type` is not JSON Schema: rewrite it as `anyOf [..., null]`. */
function fixNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fixNullable);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json))
    out[k] = k === 'example' || k === 'examples' ? v : fixNullable(v);
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null))
    out.enum = [...out.enum, null];
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _n, ...rest } = out;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return out;
}

function findOperation(method: string, urlPath: string): Operation | undefined {
  for (const name of ['api.github.com', 'ghec'] as const) {
    spec(name);
    const hits = operations
      .get(name)!
      .filter((o) => (o.op.method as string) === method.toLowerCase() && o.regex.test(urlPath))
      .sort((a, b) => b.literal - a.literal);
    if (hits[0]) return hits[0];
  }
  return undefined;
}

function rewriteRefs(node: unknown, name: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, name));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    out[k] =
      k === '$ref' && typeof v === 'string' && v.startsWith('#/components/')
        ? `${docId(name)}${v}`
        : rewriteRefs(v, name);
  }
  return out;
}

function responseValidator(operation: Operation, status: number): ValidateFunction | null | 'undeclared' {
  const key = `${operation.description} ${operation.op.method} ${operation.template} ${status}`;
  if (compiled.has(key)) return compiled.get(key)!;
  const s = spec(operation.description) as { components: { responses: Record<string, Json> } };
  const responses = operation.op.responses as Record<string, Json>;
  let response = responses[String(status)];
  if (!response) {
    if (status < 400) return 'undeclared';
    // Errors GitHub sends on any endpoint (rate limits, auth) share the basic-error shape.
    response = { content: { 'application/json': { schema: { $ref: '#/components/schemas/basic-error' } } } };
  }
  if (typeof response.$ref === 'string') response = s.components.responses[response.$ref.split('/').pop()!]!;
  const schema = (response.content as Record<string, { schema?: unknown }> | undefined)?.['application/json']
    ?.schema;
  if (!schema) return null;
  const fn = ajv.compile(fixNullable(rewriteRefs(schema, operation.description)) as object);
  compiled.set(key, fn);
  return fn;
}

/** Problems with one exchange; empty when the response conforms. */
export function validateExchange(x: SimExchange): string[] {
  if (x.method === 'POST' && /(^|\/)graphql$/.test(x.path)) return [];
  const operation = findOperation(x.method, x.path);
  if (!operation) return [`${x.method} ${x.path}: no operation in GitHub's OpenAPI description`];
  if (x.status === 304) {
    const declared = (operation.op.responses as Json)['304'] !== undefined || operation.op.method === 'get';
    return declared ? [] : [`${x.method} ${x.path}: 304 for a non-GET operation`];
  }
  const fn = responseValidator(operation, x.status);
  if (fn === 'undeclared')
    return [`${x.method} ${operation.template}: status ${x.status} is not declared by the operation`];
  if (fn === null) return x.body === undefined || x.body === '' ? [] : [];
  let body: unknown;
  try {
    body = JSON.parse(x.body);
  } catch {
    return [`${x.method} ${x.path}: body is not JSON`];
  }
  if (fn(body)) return [];
  return (fn.errors ?? [])
    .slice(0, 5)
    .map((e) => `${x.method} ${operation.template} ${x.status}: ${e.instancePath || '/'} ${e.message}`);
}

/**
 * Collects every exchange of a simulator run and reports the ones that do not conform. A test
 * that injects a malformed response declares it with `expect`, and can check it was caught.
 */
export function openapiRecorder() {
  const problems: string[] = [];
  const expected: RegExp[] = [];
  let n = 0;
  return {
    record(x: SimExchange) {
      n++;
      problems.push(...validateExchange(x));
    },
    /** Declares violations a test provokes on purpose. */
    expect(pattern: RegExp) {
      expected.push(pattern);
    },
    /** Violations nobody provoked on purpose. */
    problems: () => [...new Set(problems)].filter((p) => !expected.some((e) => e.test(p))),
    /** Violations a test provoked on purpose and the validator caught. */
    caught: (pattern: RegExp) => problems.filter((p) => pattern.test(p)),
    count: () => n,
  };
}
