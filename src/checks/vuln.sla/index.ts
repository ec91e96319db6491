import type { RecordedEvidence, ScanRecord } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass, type Finding } from '../define-check.js';

const DAY = 86_400_000;
type Sev = 'critical' | 'high' | 'medium' | 'low';

interface Tracked {
  fingerprint: string;
  ruleId: string;
  severity: Sev;
  location?: string;
  tool: string;
  firstDetected: number;
  /** Time of the first scan of the same tool and type that no longer reported it. */
  fixedAt: number | null;
}

const groupKey = (s: ScanRecord): string => `${s.tool}|${[...s.scanTypes].sort().join('+')}`;

/**
 * First detection per fingerprint across every recorded scan; a finding is fixed when a later
 * scan by the same tool and scan type no longer reports it.
 */
export function trackFindings(evidence: RecordedEvidence): Tracked[] {
  const groups = new Map<string, ScanRecord[]>();
  for (const s of evidence.scans) {
    const k = groupKey(s);
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  const out = new Map<string, Tracked>();
  for (const scans of groups.values()) {
    scans.sort((a, b) =>
      a.scannedAt === b.scannedAt ? a.ref.index - b.ref.index : a.scannedAt < b.scannedAt ? -1 : 1,
    );
    for (const scan of scans) {
      const t = Date.parse(scan.scannedAt);
      const present = new Set<string>();
      for (const f of scan.findings) {
        if (f.severity === 'info') continue;
        present.add(f.fingerprint);
        const known = out.get(f.fingerprint);
        if (!known)
          out.set(f.fingerprint, {
            fingerprint: f.fingerprint,
            ruleId: f.ruleId,
            severity: f.severity,
            ...(f.location ? { location: f.location } : {}),
            tool: scan.tool,
            firstDetected: t,
            fixedAt: null,
          });
        else known.fixedAt = null; // seen again: reopened
      }
      for (const f of out.values())
        if (f.tool === scan.tool && f.fixedAt === null && !present.has(f.fingerprint) && f.firstDetected < t)
          f.fixedAt = t;
    }
  }
  return [...out.values()];
}

export default defineCheck({
  id: 'vuln.sla',
  title: 'Vulnerabilities are fixed within their SLA',
  needs: ['evidence'],
  remediation:
    'Fix (or formally accept with an exception) each finding before its SLA ends: critical 7, high 30, ' +
    'medium 90, low 180 days from first detection by default (`thresholds.sla`). Keep recording scans ' +
    'with `greenlight record scan` so fixes are seen.',
  evaluate({ evidence }, _options, { config, now }) {
    if (evidence.absent) return [notAvailable(evidence.absent, 'evidence ledger')];
    if (evidence.scans.length === 0)
      return [
        notAvailable(
          'no scan is recorded in the evidence ledger: run `greenlight record scan` in CI',
          evidence.store,
        ),
      ];
    const sla = config.thresholds.sla;
    // A finding fixed late is a deviation of the window it was fixed in, not of every later one.
    const from = evidence.window?.since ? Date.parse(evidence.window.since) : -Infinity;
    const to = evidence.window ? Date.parse(evidence.window.until) : Infinity;
    const findings: Finding[] = [];
    let ok = 0;
    let lateBefore = 0;
    for (const f of trackFindings(evidence)) {
      const due = f.firstDetected + sla[f.severity] * DAY;
      const where = `${f.ruleId}${f.location ? ` at ${f.location}` : ''} (${f.severity}, ${f.tool})`;
      const details = {
        fingerprint: f.fingerprint,
        firstDetected: new Date(f.firstDetected).toISOString(),
        dueBy: new Date(due).toISOString(),
        fixedAt: f.fixedAt === null ? null : new Date(f.fixedAt).toISOString(),
      };
      if (f.fixedAt === null && now.getTime() > due)
        findings.push(
          fail(
            `${where} is open ${Math.ceil((now.getTime() - due) / DAY)} days past its ${sla[f.severity]}-day SLA`,
            f.fingerprint,
            { details },
          ),
        );
      else if (f.fixedAt !== null && f.fixedAt > due) {
        if (f.fixedAt < from || f.fixedAt > to) lateBefore += 1;
        else
          findings.push(
            fail(
              `${where} was fixed ${Math.ceil((f.fixedAt - due) / DAY)} days after its SLA, on ${new Date(f.fixedAt).toISOString().slice(0, 10)}`,
              f.fingerprint,
              { details },
            ),
          );
      } else ok += 1;
    }
    if (findings.length === 0)
      findings.push(
        pass(
          `${ok} finding(s) tracked across ${evidence.scans.length} recorded scans, none past its SLA` +
            (lateBefore ? `; ${lateBefore} fixed late outside the window` : ''),
          evidence.store,
        ),
      );
    return findings;
  },
});
