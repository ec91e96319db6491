/**
 * SARIF 2.1.0, for GitHub code scanning and any other SARIF viewer. One run; its rules are the
 * checks that produced a result; its results are the findings someone must act on (`fail`,
 * `error`) and the excepted ones, carried as accepted suppressions so the exception stays visible.
 */
import { createHash } from 'node:crypto';
import type { Severity } from '../../catalog/index.js';
import type { Assessment, CheckResult, CheckSummary } from '../../engine/types.js';
import { criteriaOfControls, isFailing } from '../shared/index.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Where people learn about the tool; the package page until the project has a home page. */
export const INFORMATION_URI = 'https://www.npmjs.com/package/greenlight';
/** Key of our fingerprint in `partialFingerprints`; the suffix versions how it is computed. */
export const FINGERPRINT_KEY = 'greenlightFinding/v1';

export type SarifLevel = 'error' | 'warning' | 'note';

export const LEVEL: Record<Severity, SarifLevel> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

/** GitHub's `security-severity` scale (0–10) so code scanning ranks alerts like we do. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};

// A few SARIF object shapes, as much as this renderer writes.
interface SarifMessage {
  text: string;
}
interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: SarifMessage;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; severity: Severity; 'security-severity': string };
}
interface SarifLocation {
  physicalLocation?: {
    artifactLocation: { uri: string; uriBaseId: '%SRCROOT%' };
    region?: { startLine: number; startColumn?: number };
  };
  logicalLocations?: { name: string; kind: string }[];
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: 'external'; justification: string }[];
  properties: Record<string, unknown>;
}
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: [
    {
      tool: {
        driver: {
          name: 'greenlight';
          version: string;
          semanticVersion: string;
          informationUri: string;
          rules: SarifRule[];
        };
      };
      automationDetails: { id: string };
      results: SarifResult[];
      properties: Record<string, unknown>;
    },
  ];
}

export function renderSarif(a: Assessment): string {
  return `${JSON.stringify(toSarif(a), null, 2)}\n`;
}

export function toSarif(a: Assessment): SarifLog {
  const rules = a.checks.map((c) => rule(a, c));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const seen = new Map<string, number>();
  const results = a.results
    .filter((r) => isFailing(r) || r.outcome === 'excepted')
    .map((r) => result(r, ruleIndex.get(r.checkId) ?? -1, seen));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'greenlight',
            version: a.tool.version,
            semanticVersion: a.tool.version,
            informationUri: INFORMATION_URI,
            rules,
          },
        },
        // Same id for every run on one subject, so code scanning compares like with like.
        automationDetails: { id: `greenlight/${a.subject.name}/` },
        results,
        properties: {
          maturity: { level: a.maturity.level, name: a.maturity.name },
          summary: a.summary,
          window: a.window,
          reportSchemaVersion: a.schemaVersion,
        },
      },
    ],
  };
}

function rule(a: Assessment, c: CheckSummary): SarifRule {
  const sample = a.results.find((r) => r.checkId === c.id);
  const controls = sample?.controls ?? [];
  return {
    id: c.id,
    name: ruleName(c.id),
    shortDescription: { text: c.title },
    fullDescription: { text: c.title },
    help: { text: sample?.remediation || c.title },
    defaultConfiguration: { level: LEVEL[c.severity] },
    properties: {
      tags: ['compliance', 'soc2', ...controls, ...criteriaOfControls(a, controls)],
      severity: c.severity,
      'security-severity': SECURITY_SEVERITY[c.severity],
    },
  };
}

/** `pipeline.actions-pinned` → `PipelineActionsPinned`: SARIF's rule name is an identifier. */
export function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function result(r: CheckResult, ruleIndex: number, seen: Map<string, number>): SarifResult {
  const out: SarifResult = {
    ruleId: r.checkId,
    ruleIndex,
    level: LEVEL[r.severity],
    message: { text: messageText(r) },
    locations: [location(r)],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(r, seen) },
    properties: { outcome: r.outcome, severity: r.severity, resource: r.resource, controls: r.controls },
  };
  if (r.exception && r.outcome === 'excepted') {
    const e = r.exception;
    const extra = [e.owner ? `owner ${e.owner}` : '', e.ticket ? `ticket ${e.ticket}` : ''].filter(Boolean);
    // No `status`: absent means accepted, and the TC's published schema misspells the property
    // (`state`, oasis-tcs/sarif-spec#449), so either spelling would fail one validator or another.
    out.suppressions = [
      {
        kind: 'external',
        justification: `${e.reason} (approved by ${e.approvedBy}, expires ${e.expires}${extra.length ? `, ${extra.join(', ')}` : ''})`,
      },
    ];
  }
  if (r.exception) out.properties.exception = r.exception;
  return out;
}

function messageText(r: CheckResult): string {
  const prefix = r.outcome === 'error' ? 'greenlight could not evaluate this check: ' : '';
  const resource = r.location || r.resource === '-' ? '' : ` [${r.resource}]`;
  return `${prefix}${r.message}${resource}`;
}

function location(r: CheckResult): SarifLocation {
  // A result about no particular thing (a check that could not run) is located at the check.
  const name = r.resource === '-' ? r.checkId : r.resource;
  if (!r.location) return { logicalLocations: [{ name, kind: 'resource' }] };
  const loc: SarifLocation = {
    physicalLocation: { artifactLocation: { uri: toUri(r.location.path), uriBaseId: '%SRCROOT%' } },
  };
  if (r.location.line !== undefined && r.location.line >= 1) {
    loc.physicalLocation!.region = { startLine: r.location.line };
    if (r.location.column !== undefined && r.location.column >= 1)
      loc.physicalLocation!.region.startColumn = r.location.column;
  }
  if (r.resource !== r.location.path && r.resource !== '-')
    loc.logicalLocations = [{ name: r.resource, kind: 'resource' }];
  return loc;
}

/** A repository-relative path as a relative URI reference: `/`-separated, each segment encoded. */
export function toUri(p: string): string {
  return p
    .replace(/\\/g, '/')
    .replace(/^\.\//, '')
    .replace(/^\/+/, '')
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

/**
 * A stable hash of check, resource and location. Two results that share all three (the same
 * check failing twice on one line) get an occurrence number, so each keeps its own identity.
 */
function fingerprint(r: CheckResult, seen: Map<string, number>): string {
  const loc = r.location ? `${r.location.path}:${r.location.line ?? ''}:${r.location.column ?? ''}` : '';
  const key = [r.checkId, r.resource, loc].join('\u0000');
  const n = (seen.get(key) ?? 0) + 1;
  seen.set(key, n);
  const hash = createHash('sha256')
    .update(n === 1 ? key : `${key}\u0000${n}`)
    .digest('hex');
  return hash.slice(0, 32);
}
