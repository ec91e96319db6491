/**
 * SARIF 2.1.0, from any tool. Results stream (`runs/#/results/#`) and are normalized as they
 * arrive, so a report with hundreds of thousands of results never exists as one object tree.
 */
import { z } from 'zod';
import {
  scanTypeForTool,
  type FindingSeverity,
  type ScanFinding,
  type ScanType,
} from '../../../facts/scans.js';
import { ReportProblem, validate, type JsonFormatReader, type JsonItem } from '../json-report.js';
import type { PathSegment } from '../json-stream.js';
import {
  cweFromTags,
  extractIds,
  fingerprintOf,
  makeFinding,
  maskSecrets,
  normalizePath,
  oneLine,
  severityFromScore,
  severityFromWord,
} from '../normalize.js';
import { defineFormat, jsonReader } from './module.js';
import type { ReaderOptions } from './options.js';

const level = z.enum(['none', 'note', 'warning', 'error']);
const message = z.object({
  text: z.string().optional(),
  markdown: z.string().optional(),
  id: z.string().optional(),
  arguments: z.array(z.string()).optional(),
});
const severityScore = z.union([z.string(), z.number()]);
const properties = z
  .object({ 'security-severity': severityScore.optional(), tags: z.array(z.string()).optional() })
  .optional();
const artifactLocation = z.object({
  uri: z.string().optional(),
  uriBaseId: z.string().optional(),
  index: z.number().int().min(-1).optional(),
});
const location = z.object({
  physicalLocation: z
    .object({
      artifactLocation: artifactLocation.optional(),
      region: z
        .object({
          startLine: z.number().int().min(0).optional(),
          startColumn: z.number().int().min(0).optional(),
        })
        .optional(),
    })
    .optional(),
  logicalLocations: z
    .array(z.object({ fullyQualifiedName: z.string().optional(), name: z.string().optional() }))
    .optional(),
});

// A map of strings, checked in one call: on every result, z.record's generic machinery costs more.
const stringMap = z.custom<Record<string, string>>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v as Record<string, unknown>).every((x) => typeof x === 'string'),
  { error: 'expected an object whose values are strings' },
);

const resultSchema = z.object({
  ruleId: z.string().optional(),
  ruleIndex: z.number().int().min(-1).optional(),
  rule: z
    .object({
      id: z.string().optional(),
      index: z.number().int().min(-1).optional(),
      toolComponent: z
        .object({ index: z.number().int().min(-1).optional(), name: z.string().optional() })
        .optional(),
    })
    .optional(),
  kind: z.enum(['notApplicable', 'pass', 'fail', 'review', 'open', 'informational']).optional(),
  level: level.optional(),
  message,
  locations: z.array(location).optional(),
  partialFingerprints: stringMap.optional(),
  fingerprints: stringMap.optional(),
  properties,
  suppressions: z.array(z.object({ status: z.string().optional() })).optional(),
  baselineState: z.enum(['new', 'unchanged', 'updated', 'absent']).optional(),
});
type SarifResult = z.output<typeof resultSchema>;

const ruleSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  shortDescription: message.optional(),
  messageStrings: z.record(z.string(), message).optional(),
  defaultConfiguration: z.object({ level: level.optional() }).optional(),
  properties,
});
type SarifRule = z.output<typeof ruleSchema>;

const toolComponent = z.object({
  name: z.string().min(1),
  version: z.string().optional(),
  semanticVersion: z.string().optional(),
  rules: z.array(ruleSchema).optional(),
});

const runHeader = z.object({
  tool: z.object({ driver: toolComponent, extensions: z.array(toolComponent).optional() }),
  originalUriBaseIds: z.record(z.string(), z.object({ uri: z.string().optional() })).optional(),
});
const runArtifacts = z.object({
  artifacts: z.array(z.object({ location: artifactLocation.optional() })).optional(),
});

const documentSchema = z.object({
  version: z.literal('2.1.0', { error: 'only SARIF version 2.1.0 is supported' }),
  runs: z.array(
    runHeader.extend({
      results: z.array(z.unknown()).nullable().optional(),
      artifacts: runArtifacts.shape.artifacts,
    }),
  ),
});

interface RunContext {
  tool: string;
  version?: string;
  scanType: ScanType;
  components: { rules: SarifRule[] }[];
  byId: Map<string, SarifRule>;
  /** Artifact URIs by index, once the run's `artifacts` have been read. */
  artifacts?: (string | undefined)[];
  /** `originalUriBaseIds` that are absolute file URIs, ending with `/`. */
  bases: Map<string, string>;
  /** Identifiers per rule, computed once (rule-less ids by id). */
  ruleIds: WeakMap<SarifRule, string[]>;
  ids: Map<string, string[]>;
}

function sarifReader(options: ReaderOptions): JsonFormatReader {
  const runs = new Map<number, RunContext>();
  const findings: ScanFinding[] = [];
  const waiting: { run: number; result: SarifResult; path: readonly PathSegment[]; offset: number }[] = [];

  const runContext = (doc: unknown, index: number, final: boolean): RunContext | undefined => {
    let ctx = runs.get(index);
    const raw = (doc as { runs?: Record<string, unknown>[] }).runs?.[index];
    if (!ctx) {
      if (!raw || !('tool' in raw)) return undefined; // `tool` not read yet: results wait for it
      const header = validate(runHeader, raw, ['runs', index]);
      const { driver, extensions = [] } = header.tool;
      const components = [driver, ...extensions].map((c) => ({ rules: c.rules ?? [] }));
      const byId = new Map<string, SarifRule>();
      for (const c of components) for (const r of c.rules) if (!byId.has(r.id)) byId.set(r.id, r);
      ctx = {
        tool: driver.name,
        scanType: options.scanType ?? scanTypeForTool(driver.name),
        components,
        byId,
        bases: new Map(
          Object.entries(header.originalUriBaseIds ?? {}).flatMap(([id, b]) =>
            b.uri && /^file:/i.test(b.uri) ? [[id, b.uri.endsWith('/') ? b.uri : b.uri + '/'] as const] : [],
          ),
        ),
        ruleIds: new WeakMap(),
        ids: new Map(),
      };
      const version = driver.semanticVersion ?? driver.version;
      if (version) ctx.version = version;
      runs.set(index, ctx);
    }
    if (!ctx.artifacts && raw && ('artifacts' in raw || final)) {
      const { artifacts = [] } = validate(runArtifacts, raw, ['runs', index]);
      ctx.artifacts = artifacts.map((a) => a.location?.uri);
    }
    return ctx;
  };

  const add = (ctx: RunContext, result: SarifResult, final: boolean): boolean => {
    const finding = normalizeResult(ctx, result, options, final);
    if (finding === 'later') return false;
    if (finding) findings.push(finding);
    return true;
  };

  return {
    patterns: [['runs', '#', 'results', '#']],
    item({ path, value, offset }: JsonItem, doc: unknown) {
      const result = validate(resultSchema, value, path, offset);
      const run = path[1] as number;
      const ctx = runContext(doc, run, false);
      if (!ctx || !add(ctx, result, false)) waiting.push({ run, result, path, offset });
    },
    finish(doc: unknown) {
      const document = validate(documentSchema, doc);
      for (const w of waiting) {
        const ctx = runContext(doc, w.run, true);
        if (!ctx) throw new ReportProblem('a run has no tool', `/runs/${w.run}`);
        add(ctx, w.result, true);
      }
      const first = document.runs[0] ? runContext(doc, 0, true) : undefined;
      const tool: { name: string; version?: string } = { name: first?.tool ?? 'sarif' };
      if (first?.version) tool.version = first.version;
      return {
        tool,
        format: 'sarif',
        scanType: options.scanType ?? first?.scanType ?? 'sast',
        findings,
      };
    },
  };
}

/** CVE/GHSA ids in the rule id and CWE tags of the rule, computed once per rule (frozen: shared). */
function ruleIds(ctx: RunContext, id: string, rule: SarifRule | undefined): string[] {
  let ids = rule ? ctx.ruleIds.get(rule) : ctx.ids.get(id);
  if (!ids) {
    ids = Object.freeze([
      ...new Set([...extractIds(id), ...cweFromTags(rule?.properties?.tags)]),
    ]) as string[];
    if (rule && rule.id === id) ctx.ruleIds.set(rule, ids);
    else if (!rule) ctx.ids.set(id, ids);
  }
  return ids;
}

function findRule(ctx: RunContext, result: SarifResult, ruleId: string | undefined): SarifRule | undefined {
  const index = result.rule?.index ?? result.ruleIndex;
  const component = ctx.components[(result.rule?.toolComponent?.index ?? -1) + 1] ?? ctx.components[0];
  if (index !== undefined && index >= 0) {
    const rule = component?.rules[index];
    if (rule) return rule;
  }
  if (!ruleId) return undefined;
  // Hierarchical ids (`rule/sub`) fall back to their parent rule.
  return ctx.byId.get(ruleId) ?? ctx.byId.get(ruleId.split('/')[0]!);
}

function resultSeverity(result: SarifResult, rule: SarifRule | undefined): FindingSeverity {
  const score = Number(
    result.properties?.['security-severity'] ?? rule?.properties?.['security-severity'] ?? NaN,
  );
  if (Number.isFinite(score)) return severityFromScore(score);
  const lvl =
    result.level ??
    (result.kind && result.kind !== 'fail' ? 'none' : undefined) ??
    rule?.defaultConfiguration?.level ??
    'warning';
  return severityFromWord(lvl);
}

function messageText(result: SarifResult, rule: SarifRule | undefined): string {
  const m = result.message;
  let text = m.text ?? (m.id ? rule?.messageStrings?.[m.id]?.text : undefined) ?? m.markdown ?? '';
  if (m.arguments?.length)
    text = text.replace(/\{(\d+)\}/g, (all, n: string) => m.arguments?.[Number(n)] ?? all);
  return text || rule?.shortDescription?.text || '';
}

/** The result's own fingerprints (`fingerprints`, `partialFingerprints`) as one sorted string, if any. */
function ownFingerprints(result: SarifResult): string | undefined {
  const entries: string[] = [];
  for (const source of [result.fingerprints, result.partialFingerprints]) {
    if (source) for (const key in source) entries.push(`${key}=${source[key]}`);
  }
  if (entries.length === 0) return undefined;
  return entries.length === 1 ? entries[0] : entries.sort().join('\u0000');
}

/** One result to a finding; `null` for results that are not problems; `later` when artifacts are still unread. */
function normalizeResult(
  ctx: RunContext,
  result: SarifResult,
  options: ReaderOptions,
  final: boolean,
): ScanFinding | null | 'later' {
  if (result.kind === 'pass' || result.kind === 'notApplicable' || result.baselineState === 'absent')
    return null;
  const loc = result.locations?.find((l) => l.physicalLocation) ?? result.locations?.[0];
  const physical = loc?.physicalLocation;
  let uri = physical?.artifactLocation?.uri;
  const artifactIndex = physical?.artifactLocation?.index;
  if (uri === undefined && artifactIndex !== undefined && artifactIndex >= 0) {
    if (!ctx.artifacts) {
      if (!final) return 'later';
    } else uri = ctx.artifacts[artifactIndex];
  }
  // A URI relative to a base (`%SRCROOT%`) is taken as repository-relative, unless the base is an
  // absolute file URI and the root is known: then it is resolved and made relative to the root.
  const baseId = physical?.artifactLocation?.uriBaseId;
  const base =
    baseId && options.root && uri && !/^[a-z][a-z0-9+.-]*:/i.test(uri) ? ctx.bases.get(baseId) : undefined;
  if (base) uri = base + uri;
  const path = uri ? normalizePath(uri, options.root) : undefined;
  const line = physical?.region?.startLine;
  const column = physical?.region?.startColumn;
  const logical = loc?.logicalLocations?.[0];
  const resource = logical?.fullyQualifiedName ?? logical?.name;

  const ruleId = result.ruleId ?? result.rule?.id;
  const rule = findRule(ctx, result, ruleId);
  // The rule's own string when equal: one shared string instead of one per result.
  const id = ruleId === undefined ? (rule?.id ?? 'unknown') : rule?.id === ruleId ? rule.id : ruleId;
  const secrets = ctx.scanType === 'secrets';
  let title = oneLine(messageText(result, rule));
  if (secrets) title = maskSecrets(title);

  const own = ownFingerprints(result);
  const fingerprint = own
    ? fingerprintOf(ctx.tool, id, path ?? resource, own)
    : fingerprintOf(ctx.tool, id, path ?? resource ?? title, line, column);

  const fromRule = ruleIds(ctx, id, rule);
  const resultTags = result.properties?.tags;
  const ids = resultTags?.length ? [...fromRule, ...cweFromTags(resultTags)] : fromRule;
  const suppressed =
    (result.suppressions?.length ?? 0) > 0 &&
    result.suppressions!.every((s) => s.status === undefined || s.status === 'accepted');

  return makeFinding({
    tool: ctx.tool,
    scanType: ctx.scanType,
    ruleId: id,
    title,
    severity: resultSeverity(result, rule),
    fingerprint,
    path,
    line,
    column,
    resource: path ? undefined : resource,
    ids,
    suppressed,
  });
}

export const sarif = defineFormat({
  id: 'sarif',
  label: 'SARIF',
  mediaType: 'application/sarif+json',
  detect: {
    object: (k) =>
      k.has('runs') || (k.get('version') === '2.1.0' && String(k.get('$schema') ?? '').includes('sarif')),
    byName: { object: (name) => name.endsWith('.sarif') || name.endsWith('.sarif.json') },
  },
  secretFields: { keys: ['snippet'], secretScannerMessages: true },
  scanTypes: ['sast', 'sca', 'container', 'secrets', 'iac', 'dast', 'policy', 'license'],
  read: jsonReader(sarifReader),
});
