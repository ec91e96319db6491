/**
 * Trivy JSON (`trivy … --format json`, SchemaVersion 2): per target, vulnerabilities,
 * misconfigurations, secrets and licences. Secrets' `Match` and `Code` are never read.
 */
import { z } from 'zod';
import type { ScanFinding, ScanType } from '../../../facts/scans.js';
import { Deferred, validate, type JsonFormatReader } from '../json-report.js';
import {
  extractIds,
  fingerprintOf,
  makeFinding,
  maskSecrets,
  normalizePath,
  oneLine,
  severityFromWord,
} from '../normalize.js';
import { defineFormat, jsonReader } from './module.js';
import type { ReaderOptions } from './options.js';

const vulnerability = z.object({
  VulnerabilityID: z.string(),
  PkgName: z.string(),
  PkgPath: z.string().optional(),
  PkgIdentifier: z.object({ PURL: z.string().optional() }).optional(),
  InstalledVersion: z.string().optional(),
  FixedVersion: z.string().optional(),
  Status: z.string().optional(),
  Title: z.string().optional(),
  Severity: z.string(),
  CweIDs: z.array(z.string()).nullable().optional(),
});
const misconfiguration = z.object({
  ID: z.string(),
  AVDID: z.string().optional(),
  Title: z.string().optional(),
  Message: z.string().optional(),
  Severity: z.string(),
  Status: z.string().optional(),
  CauseMetadata: z
    .object({ Resource: z.string().optional(), StartLine: z.number().int().optional() })
    .optional(),
});
const secret = z.object({
  RuleID: z.string(),
  Category: z.string().optional(),
  Severity: z.string(),
  Title: z.string().optional(),
  StartLine: z.number().int().optional(),
});
const license = z.object({
  Severity: z.string(),
  Name: z.string(),
  PkgName: z.string().optional(),
  FilePath: z.string().optional(),
  Category: z.string().optional(),
});

const documentSchema = z.object({
  SchemaVersion: z.number().int().optional(),
  ArtifactName: z.string().optional(),
  ArtifactType: z.string().optional(),
  Trivy: z.object({ Version: z.string().optional() }).optional(),
  Results: z
    .array(z.object({ Target: z.string(), Class: z.string().optional(), Type: z.string().optional() }))
    .nullable()
    .optional(),
});

const KINDS = ['Vulnerabilities', 'Misconfigurations', 'Secrets', 'Licenses'] as const;
type Kind = (typeof KINDS)[number];
const SCHEMAS = {
  Vulnerabilities: vulnerability,
  Misconfigurations: misconfiguration,
  Secrets: secret,
  Licenses: license,
};

function trivyReader(options: ReaderOptions): JsonFormatReader {
  const items = new Deferred<{ kind: Kind; result: number; data: unknown }>();
  return {
    patterns: KINDS.map((k) => ['Results', '#', k, '#']),
    item({ path, value, offset }) {
      const kind = path[2] as Kind;
      items.push(path, {
        kind,
        result: path[1] as number,
        data: validate(SCHEMAS[kind], value, path, offset),
      });
    },
    finish(doc) {
      const report = validate(documentSchema, doc);
      const container = report.ArtifactType === 'container_image' || report.ArtifactType === 'vm';
      const vulnType: ScanType = container ? 'container' : 'sca';
      const findings: ScanFinding[] = [];
      const seen = new Set<Kind>();
      for (const { value } of items.items) {
        const target = report.Results?.[value.result];
        const finding = normalize(
          value.kind,
          value.data,
          target?.Target ?? '',
          target?.Class,
          vulnType,
          options,
        );
        if (finding) findings.push(finding);
        seen.add(value.kind);
      }
      const scanType: ScanType =
        options.scanType ??
        (container || seen.has('Vulnerabilities')
          ? vulnType
          : seen.has('Misconfigurations')
            ? 'iac'
            : seen.has('Secrets')
              ? 'secrets'
              : vulnType);
      const tool: { name: string; version?: string } = { name: 'trivy' };
      if (report.Trivy?.Version) tool.version = report.Trivy.Version;
      if (options.scanType) for (const f of findings) f.scanType = options.scanType;
      return { tool, format: 'trivy', scanType, findings };
    },
  };
}

function normalize(
  kind: Kind,
  data: unknown,
  target: string,
  cls: string | undefined,
  vulnType: ScanType,
  options: ReaderOptions,
): ScanFinding | null {
  const tool = 'trivy';
  switch (kind) {
    case 'Vulnerabilities': {
      const v = data as z.output<typeof vulnerability>;
      const resource = v.InstalledVersion ? `${v.PkgName}@${v.InstalledVersion}` : v.PkgName;
      // Language packages live in a file (a lockfile, a jar); OS packages only in the image.
      const file = v.PkgPath ?? (cls === 'lang-pkgs' && vulnType === 'sca' ? target : undefined);
      return makeFinding({
        tool,
        scanType: vulnType,
        ruleId: v.VulnerabilityID,
        title: oneLine(v.Title) || v.VulnerabilityID,
        severity: severityFromWord(v.Severity),
        fingerprint: fingerprintOf(tool, v.VulnerabilityID, target, v.PkgPath, resource),
        path: file ? normalizePath(file, options.root) : undefined,
        resource,
        ids: [...extractIds(v.VulnerabilityID), ...(v.CweIDs ?? [])],
        fixedVersion: v.FixedVersion,
        suppressed: v.Status === 'not_affected' || v.Status === 'fixed_by_vendor' ? true : undefined,
      });
    }
    case 'Misconfigurations': {
      const m = data as z.output<typeof misconfiguration>;
      if (m.Status && m.Status !== 'FAIL') return null;
      const resource = m.CauseMetadata?.Resource || undefined;
      const line = m.CauseMetadata?.StartLine;
      return makeFinding({
        tool,
        scanType: 'iac',
        ruleId: m.AVDID ?? m.ID,
        title: oneLine(m.Title ?? m.Message) || m.ID,
        severity: severityFromWord(m.Severity),
        fingerprint: fingerprintOf(tool, m.AVDID ?? m.ID, target, resource ?? line),
        path: normalizePath(target, options.root),
        line,
        resource,
      });
    }
    case 'Secrets': {
      const s = data as z.output<typeof secret>;
      return makeFinding({
        tool,
        scanType: 'secrets',
        ruleId: s.RuleID,
        title: maskSecrets(oneLine(s.Title) || s.RuleID),
        severity: severityFromWord(s.Severity),
        fingerprint: fingerprintOf(tool, s.RuleID, target, s.StartLine),
        path: normalizePath(target, options.root),
        line: s.StartLine,
      });
    }
    case 'Licenses': {
      const l = data as z.output<typeof license>;
      const where = l.FilePath ?? target;
      return makeFinding({
        tool,
        scanType: 'license',
        ruleId: `license:${l.Name}`,
        title: `${l.PkgName ? l.PkgName + ': ' : ''}license ${l.Name}${l.Category ? ` (${l.Category})` : ''}`,
        severity: severityFromWord(l.Severity),
        fingerprint: fingerprintOf(tool, l.Name, where, l.PkgName),
        path: l.FilePath ? normalizePath(l.FilePath, options.root) : undefined,
        resource: l.PkgName,
      });
    }
  }
}

export const trivy = defineFormat({
  id: 'trivy',
  label: 'Trivy',
  mediaType: 'application/json',
  detect: { object: (k) => k.has('SchemaVersion') || k.has('ArtifactName') || k.has('Results') },
  secretFields: { keys: ['Code', 'Match'] },
  scanTypes: ['container', 'sca', 'iac', 'secrets', 'license'],
  read: jsonReader(trivyReader),
});
