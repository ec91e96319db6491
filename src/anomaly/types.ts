import type { AnomalyRuleId, AnomalySettings } from '../config/index.js';
import type { Population } from '../population/index.js';
import type { RecordedEvidence } from '../facts/index.js';

export type { AnomalyRuleId, AnomalySettings };

/** One thing that looks wrong, found by a rule. */
export interface Anomaly {
  rule: AnomalyRuleId;
  severity: 'high' | 'medium' | 'low';
  /** When it happened (ISO 8601). */
  at: string;
  /** What it is about: a commit SHA, a git ref, an environment, a ticket… */
  resource: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A recorded assessment, reduced to what the failing-checks rule compares. */
export interface AssessmentPoint {
  /** Ledger index. */
  index: number;
  generatedAt: string;
  subject: string;
  /** Failing results of the assessment. */
  failing: number;
}

/** Everything the rules read; pure data, so the rules are pure functions. */
export interface AnomalyInput {
  /** The changes that reached the protected branch in the window (and force pushes to it). */
  population: Population;
  /** Recorded pipeline evidence (overrides, gate decisions, deployments). */
  evidence: RecordedEvidence;
  /** Recorded assessments of this subject, oldest first, including the last one before the window. */
  assessments: AssessmentPoint[];
  since: Date | null;
  until: Date;
  settings: AnomalySettings;
}
