/** SPDX 2.3 JSON (2.2 is read the same way): the packages, as an SBOM. */
import { z } from 'zod';
import type { SbomComponent } from '../../../facts/scans.js';
import { validate, type JsonFormatReader } from '../json-report.js';
import { defineFormat, jsonReader } from './module.js';
import type { ReaderOptions } from './options.js';

const pkg = z.object({
  SPDXID: z.string(),
  name: z.string(),
  versionInfo: z.string().optional(),
  externalRefs: z
    .array(
      z.object({ referenceCategory: z.string(), referenceType: z.string(), referenceLocator: z.string() }),
    )
    .optional(),
});

const documentSchema = z.object({
  spdxVersion: z.enum(['SPDX-2.2', 'SPDX-2.3'], {
    error: (issue) =>
      `unsupported spdxVersion ${JSON.stringify(issue.input)} (supported: SPDX-2.3, SPDX-2.2)`,
  }),
  SPDXID: z.string(),
  creationInfo: z.object({ creators: z.array(z.string()).min(1), created: z.string() }),
  packages: z.array(z.unknown()).optional(),
});

function spdxReader(options: ReaderOptions): JsonFormatReader {
  const components: SbomComponent[] = [];
  return {
    patterns: [['packages', '#']],
    item({ path, value, offset }) {
      const p = validate(pkg, value, path, offset);
      const entry: SbomComponent = { name: p.name };
      if (p.versionInfo) entry.version = p.versionInfo;
      const purl = p.externalRefs?.find((r) => r.referenceType === 'purl')?.referenceLocator;
      if (purl) entry.purl = purl;
      components.push(entry);
    },
    finish(doc) {
      const spdx = validate(documentSchema, doc);
      return {
        tool: creatorTool(spdx.creationInfo.creators),
        format: 'spdx',
        scanType: options.scanType ?? 'sbom',
        findings: [],
        components,
      };
    },
  };
}

/** `Tool: syft-1.4.1` → `{ name: 'syft', version: '1.4.1' }`. */
function creatorTool(creators: string[]): { name: string; version?: string } {
  const tool = creators.find((c) => c.startsWith('Tool:'));
  if (!tool) return { name: 'spdx' };
  const value = tool.slice(5).trim();
  const m = /^(.*?)[-@ ]v?(\d[\w.+-]*)$/.exec(value);
  return m ? { name: m[1]!, version: m[2]! } : { name: value };
}

export const spdx = defineFormat({
  id: 'spdx',
  label: 'SPDX',
  mediaType: 'application/json',
  detect: { object: (k) => k.has('spdxVersion') },
  scanTypes: ['sbom'],
  read: jsonReader(spdxReader),
});
