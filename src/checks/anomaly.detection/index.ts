import { defineCheck, fail, pass, type Finding } from '../define-check.js';

const CONFIG = 'greenlight.yml';
const anomaliesText = (n: number): string => `${n} ${n === 1 ? 'anomaly' : 'anomalies'}`;

export default defineCheck({
  id: 'anomaly.detection',
  title: 'Anomaly rules are enabled, alert a destination, and run',
  needs: ['anomalies', 'ledger'],
  remediation:
    'In greenlight.yml set `anomalies: { enabled: true, alerts: { webhook: $ALERT_WEBHOOK_URL } }` (or `slack:` / `command:`), ' +
    'keep at least one rule in `anomalies.rules`, and run `greenlight anomalies --notify` on a schedule (e.g. a daily CI job) so each run is recorded in the evidence ledger.',
  evaluate({ ledger, anomalies }, _options, { config }) {
    const settings = config.anomalies;
    const findings: Finding[] = [];
    if (!settings.enabled)
      findings.push(fail('anomaly detection is off (anomalies.enabled is false)', CONFIG));
    else if (!settings.rules.length)
      findings.push(fail('no anomaly rule is enabled (anomalies.rules is empty)', CONFIG));
    const alerts = settings.alerts;
    const destinations = [
      ...(alerts.webhook ? ['webhook'] : []),
      ...(alerts.slack ? ['slack'] : []),
      ...(alerts.command ? ['command'] : []),
    ];
    if (!destinations.length)
      findings.push(
        fail('anomaly alerts have no destination (anomalies.alerts.webhook, slack or command)', CONFIG),
      );
    const since = anomalies.window.since;
    const window = since ? `since ${since.slice(0, 10)}` : 'in the ledger';
    const runs = anomalies.runs;
    const last = runs.at(-1);
    if (!last)
      findings.push(
        fail(
          `no anomaly run is recorded ${window}: schedule \`greenlight anomalies --notify\``,
          ledger.location,
        ),
      );
    // The last run that had something to say must have reached someone.
    const lastAlerting = [...runs].reverse().find((r) => r.anomalies > 0);
    if (lastAlerting?.deliveries.length && lastAlerting.deliveries.every((d) => !d.ok))
      findings.push(
        fail(
          `the alerts of the anomaly run of ${lastAlerting.ranAt} (${anomaliesText(lastAlerting.anomalies)}) were not delivered: ` +
            lastAlerting.deliveries.map((d) => `${d.kind} ${d.target}: ${d.error ?? 'failed'}`).join('; '),
          `${ledger.location}#${lastAlerting.index}`,
          { details: { entry: lastAlerting.index } },
        ),
      );
    if (findings.length) return findings;
    const found = runs.reduce((n, r) => n + r.anomalies, 0);
    return [
      pass(
        `${settings.rules.length} anomaly rule(s) enabled, alerts go to ${destinations.join(', ')}; ` +
          `${runs.length} run(s) recorded ${window}, the last at ${last!.ranAt} (${anomaliesText(found)} found ${window})`,
        ledger.location,
        {
          details: {
            rules: settings.rules,
            destinations,
            runs: runs.length,
            lastRun: last!.ranAt,
            anomalies: found,
          },
        },
      ),
    ];
  },
});
