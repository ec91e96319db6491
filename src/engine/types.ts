import type { Severity } from '../catalog/index.js';
import type { Outcome } from '../checks/define-check.js';
import type { Location, Subject } from '../facts/index.js';

export type Status = Outcome;

export interface ResultException {
  reason: string;
  approvedBy: string;
  expires: string;
  owner?: string;
  ticket?: string;
  /** True when the exception matched but had expired: the result stays a fail. */
  expired: boolean;
}

/** One result of one check about one resource: the unit of every report. */
export interface CheckResult {
  checkId: string;
  title: string;
  severity: Severity;
  controls: string[];
  outcome: Outcome;
  message: string;
  resource: string;
  location?: Location;
  details?: Record<string, unknown>;
  remediation: string;
  exception?: ResultException;
}

export interface CheckSummary {
  id: string;
  title: string;
  severity: Severity;
  status: Status;
  /** False for catalog checks this installation cannot evaluate (e.g. forge checks without a forge). */
  implemented: boolean;
  results: number;
}

export interface ControlStatus {
  id: string;
  title: string;
  family: string;
  criteria: string[];
  status: Status;
  checks: { id: string; status: Status }[];
}

export interface CriterionStatus {
  id: string;
  title: string;
  status: Status;
  controls: { id: string; status: Status }[];
}

export interface Fix {
  requirement: string;
  description: string;
  /** Checks not yet passing for this requirement, most severe first. */
  checks: { id: string; status: Status; remediation: string }[];
}

export interface Maturity {
  level: number;
  name: string;
  next?: { level: number; name: string; fixes: Fix[] };
}

export interface Gap {
  checkId: string;
  severity: Severity;
  failing: number;
  message: string;
  remediation: string;
}

export interface Assessment {
  schemaVersion: '1.0';
  tool: { name: 'greenlight'; version: string };
  generatedAt: string;
  subject: Subject;
  window: { since: string | null; until: string };
  config: { file: string | null; sha256: string };
  maturity: Maturity;
  summary: Record<Outcome, number>;
  criteria: CriterionStatus[];
  controls: ControlStatus[];
  checks: CheckSummary[];
  results: CheckResult[];
  /** Failing checks ranked by severity then count: what to fix first. */
  gaps: Gap[];
}
