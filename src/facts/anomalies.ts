/**
 * Anomaly runs recorded in the evidence ledger by `greenlight anomalies --notify` (MO-2), read
 * back as facts for `anomaly.detection`.
 */

/** Where a run's alerts went: the destination kind and host (never the URL: it may hold a token). */
export interface AnomalyDelivery {
  kind: 'webhook' | 'slack' | 'command';
  target: string;
  ok: boolean;
  /** HTTP status or exit code, when there was one. */
  status?: number;
  error?: string;
}

export interface AnomalyRun {
  /** Ledger index of the statement. */
  index: number;
  recordedAt: string;
  /** When the run evaluated its rules (its own clock). */
  ranAt: string;
  repository: string;
  branch: string;
  /** Rules evaluated. */
  rules: string[];
  /** The window the rules looked at. */
  window: { since: string | null; until: string };
  anomalies: number;
  byRule: Record<string, number>;
  deliveries: AnomalyDelivery[];
}

export interface AnomalyFacts {
  /** Where the runs were read from. */
  location: string;
  /** The assessment window the runs were read for. */
  window: { since: string | null; until: string };
  /** Runs recorded in the window, oldest first. */
  runs: AnomalyRun[];
}
