/**
 * CycloneDX 1.4–1.6 JSON: components (an SBOM) and, when present, vulnerabilities with their
 * ratings and the components they affect (a vulnerability report: Trivy, Grype, OSV-Scanner,
 * Dependency-Track…).
 */
import { z } from 'zod';
import type { FindingSeverity, SbomComponent, ScanFinding } from '../../../facts/scans.js';
import { Deferred, validate, type JsonFormatReader } from '../json-report.js';
import {
  extractIds,
  fingerprintOf,
  makeFinding,
  oneLine,
  severityFromScore,
  severityFromWord,
} from '../normalize.js';
import { defineFormat, jsonReader } from './module.js';
import type { ReaderOptions } from './options.js';

interface Component {
  name: string;
  group?: string | undefined;
  version?: string | undefined;
  purl?: string | undefined;
  'bom-ref'?: string | undefined;
  components?: Component[] | undefined;
}
const component: z.ZodType<Component> = z.lazy(() =>
  z.object({
    name: z.string(),
    group: z.string().optional(),
    version: z.string().optional(),
    purl: z.string().optional(),
    'bom-ref': z.string().optional(),
    components: z.array(component).optional(),
  }),
);

const rating = z.object({
  score: z.number().optional(),
  severity: z.enum(['critical', 'high', 'medium', 'low', 'info', 'none', 'unknown']).optional(),
  method: z.string().optional(),
});
const vulnerability = z.object({
  'bom-ref': z.string().optional(),
  id: z.string().optional(),
  source: z.object({ name: z.string().optional(), url: z.string().optional() }).optional(),
  references: z.array(z.object({ id: z.string() })).optional(),
  ratings: z.array(rating).optional(),
  cwes: z.array(z.number().int()).optional(),
  description: z.string().optional(),
  detail: z.string().optional(),
  recommendation: z.string().optional(),
  affects: z
    .array(
      z.object({
        ref: z.string(),
        versions: z
          .array(
            z.object({
              version: z.string().optional(),
              range: z.string().optional(),
              status: z.string().optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
  analysis: z.object({ state: z.string().optional() }).optional(),
});
type Vulnerability = z.output<typeof vulnerability>;

const tool = z.object({
  name: z.string().optional(),
  version: z.string().optional(),
  type: z.string().optional(),
});
const documentSchema = z.object({
  bomFormat: z.literal('CycloneDX'),
  specVersion: z.enum(['1.4', '1.5', '1.6'], {
    error: (issue) =>
      `unsupported CycloneDX specVersion ${JSON.stringify(issue.input)} (supported: 1.4, 1.5, 1.6)`,
  }),
  metadata: z
    .object({
      // 1.4: an array of tools; 1.5+: `{ components, services }`.
      tools: z.union([z.array(tool), z.object({ components: z.array(tool).optional() })]).optional(),
      component: component.optional(),
    })
    .optional(),
  components: z.array(z.unknown()).optional(),
  vulnerabilities: z.array(z.unknown()).optional(),
});

const PACKAGE_MANAGERS = new Set([
  'npm',
  'yarn',
  'pnpm',
  'pip',
  'maven',
  'gradle',
  'go',
  'cargo',
  'composer',
]);

function cyclonedxReader(options: ReaderOptions): JsonFormatReader {
  const components: Component[] = [];
  const vulns = new Deferred<Vulnerability>();
  return {
    patterns: [
      ['components', '#'],
      ['vulnerabilities', '#'],
    ],
    item({ path, value, offset }) {
      if (path[0] === 'components') components.push(validate(component, value, path, offset));
      else vulns.push(path, validate(vulnerability, value, path, offset));
    },
    finish(doc) {
      const bom = validate(documentSchema, doc);
      const tools = Array.isArray(bom.metadata?.tools)
        ? bom.metadata.tools
        : (bom.metadata?.tools?.components ?? []);
      const main =
        tools.find((t) => t.type !== 'library' && t.name && !PACKAGE_MANAGERS.has(t.name.toLowerCase())) ??
        tools[0];
      const toolName = main?.name ?? 'cyclonedx';

      const flat: SbomComponent[] = [];
      const byRef = new Map<string, SbomComponent>();
      const walk = (c: Component) => {
        const entry: SbomComponent = { name: componentName(c) };
        if (c.version) entry.version = c.version;
        if (c.purl) entry.purl = c.purl;
        flat.push(entry);
        if (c['bom-ref']) byRef.set(c['bom-ref'], entry);
        for (const child of c.components ?? []) walk(child);
      };
      for (const c of components) walk(c);
      const root = bom.metadata?.component;
      if (root?.['bom-ref'])
        byRef.set(root['bom-ref'], { name: componentName(root), ...optionalVersion(root) });

      const findings: ScanFinding[] = [];
      const scanType = options.scanType ?? (bom.vulnerabilities ? 'sca' : 'sbom');
      for (const { value: v } of vulns.items) {
        const id = v.id ?? v['bom-ref'] ?? 'unknown';
        const ids = [id, ...(v.references ?? []).map((r) => r.id), ...(v.cwes ?? []).map((n) => `CWE-${n}`)];
        const suppressed = ['resolved', 'resolved_with_pedigree', 'false_positive', 'not_affected'].includes(
          v.analysis?.state ?? '',
        );
        const affects = v.affects?.length ? v.affects : [undefined];
        for (const affected of affects) {
          const target = affected ? byRef.get(affected.ref) : undefined;
          const resource = target
            ? `${target.name}${target.version ? '@' + target.version : ''}`
            : affected?.ref;
          const fixed = affected?.versions?.find((x) => x.status === 'unaffected' && x.version)?.version;
          findings.push(
            makeFinding({
              tool: toolName,
              scanType: scanType === 'sbom' ? 'sca' : scanType,
              ruleId: id,
              title: oneLine(v.description ?? v.detail) || id,
              severity: vulnSeverity(v),
              fingerprint: fingerprintOf(toolName, id, resource),
              resource,
              ids: [...ids.filter((x) => !/^CVE-|^GHSA-|^CWE-/i.test(x)), ...extractIds(...ids)],
              fixedVersion: fixed,
              suppressed,
            }),
          );
        }
      }
      const reportTool: { name: string; version?: string } = { name: toolName };
      if (main?.version) reportTool.version = main.version;
      return { tool: reportTool, format: 'cyclonedx', scanType, findings, components: flat };
    },
  };
}

function componentName(c: Component): string {
  if (!c.group) return c.name;
  return c.group.startsWith('@') ? `${c.group}/${c.name}` : `${c.group}:${c.name}`;
}

function optionalVersion(c: Component): { version?: string } {
  return c.version ? { version: c.version } : {};
}

const ORDER: FindingSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** The highest rating; a score alone maps like CVSS; no usable rating counts as medium. */
function vulnSeverity(v: Vulnerability): FindingSeverity {
  let best: FindingSeverity | undefined;
  for (const r of v.ratings ?? []) {
    let s: FindingSeverity | undefined;
    if (r.severity && r.severity !== 'unknown')
      s = r.severity === 'none' ? 'info' : severityFromWord(r.severity);
    else if (r.score !== undefined) s = severityFromScore(r.score);
    if (s && (!best || ORDER.indexOf(s) < ORDER.indexOf(best))) best = s;
  }
  return best ?? 'medium';
}

export const cyclonedx = defineFormat({
  id: 'cyclonedx',
  label: 'CycloneDX',
  mediaType: 'application/json',
  detect: { object: (k) => k.get('bomFormat') === 'CycloneDX' },
  scanTypes: ['sbom', 'sca'],
  read: jsonReader(cyclonedxReader),
});
