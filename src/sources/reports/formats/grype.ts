/** Grype JSON (`grype … -o json`): one finding per match (vulnerability × package). */
import { z } from 'zod';
import type { ScanFinding, ScanType } from '../../../facts/scans.js';
import { validate, type JsonFormatReader } from '../json-report.js';
import { fingerprintOf, makeFinding, normalizePath, oneLine, severityFromWord } from '../normalize.js';
import { defineFormat, jsonReader } from './module.js';
import type { ReaderOptions } from './options.js';

const match = z.object({
  vulnerability: z.object({
    id: z.string(),
    severity: z.string().optional(),
    description: z.string().optional(),
    fix: z
      .object({ versions: z.array(z.string()).nullable().optional(), state: z.string().optional() })
      .optional(),
  }),
  relatedVulnerabilities: z
    .array(z.object({ id: z.string() }))
    .nullable()
    .optional(),
  artifact: z.object({
    name: z.string(),
    version: z.string(),
    type: z.string().optional(),
    purl: z.string().optional(),
    locations: z
      .array(z.object({ path: z.string() }))
      .nullable()
      .optional(),
  }),
});

const documentSchema = z.object({
  matches: z.array(z.unknown()),
  source: z.object({ type: z.string().optional() }).optional(),
  descriptor: z.object({ name: z.string().optional(), version: z.string().optional() }).optional(),
});

function grypeReader(options: ReaderOptions): JsonFormatReader {
  const findings: ScanFinding[] = [];
  const tool = 'grype';
  return {
    patterns: [['matches', '#']],
    item({ path, value, offset }) {
      const m = validate(match, value, path, offset);
      const v = m.vulnerability;
      const resource = `${m.artifact.name}@${m.artifact.version}`;
      const file = m.artifact.locations?.[0]?.path;
      const fixed = v.fix?.state === 'fixed' ? v.fix.versions?.join(', ') : undefined;
      findings.push(
        makeFinding({
          tool,
          scanType: 'sca', // set from `source.type` once the document has been read
          ruleId: v.id,
          title: oneLine(v.description) || v.id,
          severity: severityFromWord(v.severity),
          fingerprint: fingerprintOf(tool, v.id, resource, file),
          path: file ? normalizePath(file.replace(/^\/+/, ''), options.root) : undefined,
          resource,
          ids: [v.id, ...(m.relatedVulnerabilities ?? []).map((r) => r.id)],
          fixedVersion: fixed,
        }),
      );
    },
    finish(doc) {
      const report = validate(documentSchema, doc);
      const scanType: ScanType = options.scanType ?? (report.source?.type === 'image' ? 'container' : 'sca');
      for (const f of findings) f.scanType = scanType;
      const name: { name: string; version?: string } = { name: report.descriptor?.name ?? tool };
      if (report.descriptor?.version) name.version = report.descriptor.version;
      return { tool: name, format: 'grype', scanType, findings };
    },
  };
}

export const grype = defineFormat({
  id: 'grype',
  label: 'Grype',
  mediaType: 'application/json',
  detect: { object: (k) => k.has('matches') },
  scanTypes: ['sca', 'container'],
  read: jsonReader(grypeReader),
});
