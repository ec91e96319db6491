/**
 * npm audit JSON, report version 2 (`npm audit --json`, npm ≥ 7). One finding per advisory and
 * vulnerable package. Entries that are vulnerable only through another package (`via` names a
 * package, not an advisory) are not separate findings: the advisory is reported on the package
 * that has it.
 */
import { z } from 'zod';
import type { ScanFinding } from '../../../facts/scans.js';
import { validate, type JsonFormatReader } from '../json-report.js';
import { extractIds, fingerprintOf, makeFinding, oneLine, severityFromWord } from '../normalize.js';
import { defineFormat, jsonReader } from './module.js';
import type { ReaderOptions } from './options.js';

const severity = z.enum(['info', 'low', 'moderate', 'high', 'critical']);
const advisory = z.object({
  source: z.union([z.number(), z.string()]),
  name: z.string(),
  title: z.string().optional(),
  url: z.string().optional(),
  severity,
  cwe: z.array(z.string()).optional(),
  range: z.string().optional(),
});
const entry = z.object({
  name: z.string(),
  severity,
  isDirect: z.boolean().optional(),
  via: z.array(z.union([z.string(), advisory])),
  range: z.string().optional(),
  nodes: z.array(z.string()).optional(),
  fixAvailable: z
    .union([
      z.boolean(),
      z.object({ name: z.string(), version: z.string(), isSemVerMajor: z.boolean().optional() }),
    ])
    .optional(),
});

const documentSchema = z.object({
  auditReportVersion: z.literal(2, {
    error: 'only npm audit report version 2 (npm 7 and later) is supported',
  }),
  vulnerabilities: z.record(z.string(), z.unknown()),
});

function npmAuditReader(options: ReaderOptions): JsonFormatReader {
  const findings: ScanFinding[] = [];
  const tool = 'npm audit';
  return {
    patterns: [['vulnerabilities', '*']],
    item({ path, value, offset }) {
      const e = validate(entry, value, path, offset);
      for (const via of e.via) {
        if (typeof via === 'string') continue;
        const ghsa = extractIds(via.url).find((id) => id.startsWith('GHSA'));
        const ruleId = ghsa ?? `npm-advisory-${via.source}`;
        const fix =
          typeof e.fixAvailable === 'object' && e.fixAvailable.name === e.name
            ? e.fixAvailable.version
            : undefined;
        findings.push(
          makeFinding({
            tool,
            scanType: options.scanType ?? 'sca',
            ruleId,
            title: oneLine(via.title) || ruleId,
            severity: severityFromWord(via.severity),
            fingerprint: fingerprintOf(tool, ruleId, via.name, via.range),
            // npm audit does not say which version is installed, only the vulnerable range.
            resource: via.name,
            ids: [ruleId, ...(via.cwe ?? [])],
            fixedVersion: fix,
          }),
        );
      }
    },
    finish(doc) {
      validate(documentSchema, doc);
      return { tool: { name: tool }, format: 'npm-audit', scanType: options.scanType ?? 'sca', findings };
    },
  };
}

export const npmAudit = defineFormat({
  id: 'npm-audit',
  label: 'npm audit',
  mediaType: 'application/json',
  detect: { object: (k) => k.has('auditReportVersion') },
  scanTypes: ['sca'],
  read: jsonReader(npmAuditReader),
});
