/**
 * Checkov JSON (`checkov -o json`): one object per framework, or an array of them when several
 * ran. Failed checks become findings; `code_block` (which may quote a secret) is never read.
 */
import { z } from 'zod';
import type { ScanFinding, ScanType } from '../../../facts/scans.js';
import { Deferred, validate, type JsonFormatReader } from '../json-report.js';
import {
  fingerprintOf,
  makeFinding,
  maskSecrets,
  normalizePath,
  oneLine,
  severityFromWord,
} from '../normalize.js';
import { defineFormat, jsonReader } from './module.js';
import type { ReaderOptions } from './options.js';

const failedCheck = z.object({
  check_id: z.string(),
  bc_check_id: z.string().nullable().optional(),
  check_name: z.string().optional(),
  file_path: z.string(),
  repo_file_path: z.string().nullable().optional(),
  file_line_range: z.array(z.number().int()).nullable().optional(),
  resource: z.string().nullable().optional(),
  severity: z.string().nullable().optional(),
  vulnerability_details: z
    .object({
      id: z.string().nullable().optional(),
      package_name: z.string().nullable().optional(),
      package_version: z.string().nullable().optional(),
      fixed_version: z.string().nullable().optional(),
      severity: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
});
type FailedCheck = z.output<typeof failedCheck>;

// A framework's report; with nothing to scan Checkov writes only the summary counters.
const frameworkReport = z.object({
  check_type: z.string().optional(),
  results: z.object({ failed_checks: z.array(z.unknown()).optional() }).optional(),
  summary: z.object({ checkov_version: z.string().optional() }).optional(),
  checkov_version: z.string().optional(),
});
const documentSchema = z.union([frameworkReport, z.array(frameworkReport)], {
  error: 'a Checkov report is an object with check_type and results, or an array of them',
});

function checkovReader(options: ReaderOptions): JsonFormatReader {
  const checks = new Deferred<{ framework: number; check: FailedCheck }>();
  return {
    patterns: [
      ['results', 'failed_checks', '#'],
      ['#', 'results', 'failed_checks', '#'],
    ],
    item({ path, value, offset }) {
      const framework = typeof path[0] === 'number' ? path[0] : -1;
      checks.push(path, { framework, check: validate(failedCheck, value, path, offset) });
    },
    finish(doc) {
      const parsed = validate(documentSchema, doc);
      const frameworks = Array.isArray(parsed) ? parsed : [parsed];
      const findings: ScanFinding[] = [];
      const types = new Set<ScanType>();
      for (const { value } of checks.items) {
        const fw = value.framework === -1 ? frameworks[0] : frameworks[value.framework];
        const scanType = options.scanType ?? checkTypeScan(fw?.check_type);
        types.add(scanType);
        findings.push(normalizeCheck(value.check, scanType, options));
      }
      const version = frameworks.map((f) => f.summary?.checkov_version ?? f.checkov_version).find(Boolean);
      const tool: { name: string; version?: string } = { name: 'checkov' };
      if (version) tool.version = version;
      const scanType =
        options.scanType ?? (types.size === 1 ? [...types][0]! : checkTypeScan(frameworks[0]?.check_type));
      return { tool, format: 'checkov', scanType, findings };
    },
  };
}

function checkTypeScan(checkType: string | undefined): ScanType {
  if (checkType === 'secrets') return 'secrets';
  if (checkType === 'sca_image') return 'container';
  if (checkType === 'sca_package' || checkType === 'sca') return 'sca';
  return 'iac';
}

function normalizeCheck(c: FailedCheck, scanType: ScanType, options: ReaderOptions): ScanFinding {
  const tool = 'checkov';
  const path = normalizePath((c.repo_file_path ?? c.file_path).replace(/^\/+/, ''), options.root);
  const line = c.file_line_range?.[0];
  const vuln = c.vulnerability_details;
  const pkg = vuln?.package_name
    ? `${vuln.package_name}${vuln.package_version ? '@' + vuln.package_version : ''}`
    : undefined;
  // For secrets, `resource` is a hash of the secret itself: it goes into the fingerprint only.
  const resource = pkg ?? c.resource ?? undefined;
  const ruleId = vuln?.id ?? c.check_id;
  let title = oneLine(c.check_name) || c.check_id;
  if (scanType === 'secrets') title = maskSecrets(title);
  return makeFinding({
    tool,
    scanType,
    ruleId,
    title,
    severity: severityFromWord(c.severity ?? vuln?.severity),
    fingerprint: fingerprintOf(tool, ruleId, path, resource ?? line),
    path,
    line,
    resource: scanType === 'secrets' ? undefined : resource,
    ids: vuln?.id ? [vuln.id] : undefined,
    fixedVersion: vuln?.fixed_version ?? undefined,
  });
}

export const checkov = defineFormat({
  id: 'checkov',
  label: 'Checkov',
  mediaType: 'application/json',
  detect: {
    object: (k) => k.has('check_type') || (k.has('results') && k.has('summary')) || k.has('checkov_version'),
    // One report per framework.
    arrayElement: (e) => e.has('check_type') || e.has('results'),
    byName: { emptyArray: (name) => name.includes('checkov') },
  },
  secretFields: { keys: ['code_block'] },
  scanTypes: ['iac', 'secrets', 'sca', 'container'],
  read: jsonReader(checkovReader),
});
