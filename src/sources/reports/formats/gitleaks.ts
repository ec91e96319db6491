/**
 * Gitleaks JSON (`gitleaks … --report-format json`): an array of leaks. `Secret` and `Match`
 * hold the credential itself; they are never read into the finding (the schema drops them).
 */
import { z } from 'zod';
import type { ScanFinding } from '../../../facts/scans.js';
import { validate, type JsonFormatReader } from '../json-report.js';
import { fingerprintOf, makeFinding, maskSecrets, normalizePath, oneLine } from '../normalize.js';
import { defineFormat, jsonReader } from './module.js';
import type { ReaderOptions } from './options.js';

const leak = z.object({
  RuleID: z.string(),
  Description: z.string().optional(),
  File: z.string(),
  SymlinkFile: z.string().optional(),
  StartLine: z.number().int().optional(),
  StartColumn: z.number().int().optional(),
  Commit: z.string().optional(),
  Fingerprint: z.string().optional(),
  Tags: z.array(z.string()).nullable().optional(),
});

function gitleaksReader(options: ReaderOptions): JsonFormatReader {
  const findings: ScanFinding[] = [];
  const tool = 'gitleaks';
  return {
    patterns: [['#']],
    item({ path, value, offset }) {
      const l = validate(leak, value, path, offset);
      findings.push(
        makeFinding({
          tool,
          scanType: options.scanType ?? 'secrets',
          ruleId: l.RuleID,
          title: maskSecrets(oneLine(l.Description) || l.RuleID),
          // Gitleaks has no severity: a leaked credential is treated as high.
          severity: 'high',
          // Gitleaks' own fingerprint is commit:file:rule:line (file:rule:line without git).
          fingerprint: l.Fingerprint
            ? fingerprintOf(tool, l.Fingerprint)
            : fingerprintOf(tool, l.RuleID, l.File, l.StartLine),
          path: normalizePath(l.File, options.root),
          line: l.StartLine,
          column: l.StartColumn,
          resource: l.Commit ? `commit:${l.Commit}` : undefined,
        }),
      );
    },
    finish(doc) {
      validate(z.array(z.unknown(), { error: 'a Gitleaks report is a JSON array of findings' }), doc);
      return { tool: { name: tool }, format: 'gitleaks', scanType: options.scanType ?? 'secrets', findings };
    },
  };
}

export const gitleaks = defineFormat({
  id: 'gitleaks',
  label: 'Gitleaks',
  mediaType: 'application/json',
  detect: {
    arrayElement: (e) => e.has('RuleID') || e.has('Secret') || e.has('Fingerprint'),
    byName: { emptyArray: (name) => name.includes('gitleaks') },
  },
  secretFields: { keys: ['Secret', 'Match', 'Line'] },
  scanTypes: ['secrets'],
  read: jsonReader(gitleaksReader),
});
