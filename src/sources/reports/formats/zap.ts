/**
 * OWASP ZAP traditional JSON report (`-J report.json`): one finding per alert and site, with the
 * risk code as severity. Instance `evidence` and `attack` strings (which may echo credentials or
 * payloads) are never read.
 */
import { z } from 'zod';
import type { FindingSeverity, ScanFinding } from '../../../facts/scans.js';
import { Deferred, validate, type JsonFormatReader } from '../json-report.js';
import { fingerprintOf, makeFinding, oneLine } from '../normalize.js';
import { defineFormat, jsonReader } from './module.js';
import type { ReaderOptions } from './options.js';

const numeric = z.union([z.string(), z.number()]).transform((v) => String(v));
const alert = z.object({
  pluginid: numeric,
  alertRef: numeric.optional(),
  alert: z.string().optional(),
  name: z.string().optional(),
  riskcode: z.union([z.enum(['0', '1', '2', '3']), z.literal(0), z.literal(1), z.literal(2), z.literal(3)], {
    error: 'riskcode must be 0, 1, 2 or 3',
  }),
  cweid: numeric.optional(),
  wascid: numeric.optional(),
  instances: z.array(z.object({ uri: z.string().optional(), method: z.string().optional() })).optional(),
});
type Alert = z.output<typeof alert>;

const documentSchema = z.object({
  '@programName': z.string().optional(),
  '@version': z.string().optional(),
  site: z.array(z.object({ '@name': z.string(), alerts: z.array(z.unknown()).optional() })),
});

const RISK: Record<string, FindingSeverity> = { '0': 'info', '1': 'low', '2': 'medium', '3': 'high' };

function zapReader(options: ReaderOptions): JsonFormatReader {
  const alerts = new Deferred<{ site: number; alert: Alert }>();
  return {
    patterns: [['site', '#', 'alerts', '#']],
    item({ path, value, offset }) {
      alerts.push(path, { site: path[1] as number, alert: validate(alert, value, path, offset) });
    },
    finish(doc) {
      const report = validate(documentSchema, doc);
      const tool = 'zap';
      const findings: ScanFinding[] = [];
      for (const { value } of alerts.items) {
        const site = report.site[value.site]?.['@name'] ?? '';
        const a = value.alert;
        const ruleId = a.alertRef ?? a.pluginid;
        const cwe = a.cweid && Number(a.cweid) > 0 ? `CWE-${Number(a.cweid)}` : undefined;
        findings.push(
          makeFinding({
            tool,
            scanType: options.scanType ?? 'dast',
            ruleId,
            title: oneLine(a.name ?? a.alert) || ruleId,
            severity: RISK[String(a.riskcode)]!,
            fingerprint: fingerprintOf(tool, ruleId, site),
            // The first affected URL without its query string (which may carry tokens).
            resource: a.instances?.[0]?.uri?.split(/[?#]/)[0] || site,
            ids: cwe ? [cwe] : undefined,
          }),
        );
      }
      const name: { name: string; version?: string } = { name: tool };
      if (report['@version']) name.version = report['@version'];
      return { tool: name, format: 'zap', scanType: options.scanType ?? 'dast', findings };
    },
  };
}

export const zap = defineFormat({
  id: 'zap',
  label: 'ZAP',
  mediaType: 'application/json',
  detect: { object: (k) => k.has('@programName') || (k.has('site') && k.has('@version')) },
  secretFields: { keys: ['evidence'] },
  scanTypes: ['dast'],
  read: jsonReader(zapReader),
});
