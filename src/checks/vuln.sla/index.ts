import { isUnavailable, liveRepositories, type AlertTool, type GithubAlert } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass, type Finding } from '../define-check.js';

const DAY = 86_400_000;
const TOOLS: AlertTool[] = ['dependabot', 'code-scanning', 'secret-scanning'];

export default defineCheck({
  id: 'vuln.sla',
  title: 'Vulnerabilities are fixed within their SLA',
  severity: 'high',
  controls: ['VM-7'],
  needs: ['github'],
  remediation:
    'Fix or upgrade past each listed alert (or dismiss it with a documented reason); keep critical within thresholds.sla.critical days (default 7), high 30, medium 90, low 180, from first detection.',
  evaluate({ github }, _options, ctx) {
    const sla = ctx.config.thresholds.sla;
    const since = github.window.since;
    const out: Finding[] = [];
    for (const r of liveRepositories(github)) {
      const seen = TOOLS.map((t) => ({ tool: t, alerts: r.alerts[t] }));
      const readable = seen.filter((s) => !isUnavailable(s.alerts));
      if (!readable.length) {
        out.push(
          notAvailable(
            `no vulnerability alerts could be read: ${seen.map((s) => (isUnavailable(s.alerts) ? s.alerts.reason : '')).join('; ')}`,
            r.fullName,
          ),
        );
        continue;
      }
      let inSla = 0;
      const before = out.length;
      for (const { alerts } of readable) {
        for (const a of alerts as GithubAlert[]) {
          const severity = a.severity ?? 'medium';
          const limit = sla[severity];
          const res = `${r.fullName}:${a.tool}#${a.number}`;
          const details = { tool: a.tool, severity, createdAt: a.createdAt, slaDays: limit, url: a.url };
          if (a.state === 'open') {
            const age = Math.floor((ctx.now.getTime() - Date.parse(a.createdAt)) / DAY);
            if (age > limit)
              out.push(
                fail(`${severity} ${a.tool} alert "${a.title}" open for ${age} days (SLA ${limit})`, res, {
                  details: { ...details, ageDays: age },
                }),
              );
            else inSla++;
          } else if (a.state === 'fixed' && a.fixedAt) {
            const took = Math.floor((Date.parse(a.fixedAt) - Date.parse(a.createdAt)) / DAY);
            // A late fix inside the window is a deviation of the period, even though it is closed now.
            if (took > limit && (!since || a.fixedAt >= since))
              out.push(
                fail(
                  `${severity} ${a.tool} alert "${a.title}" was fixed after ${took} days (SLA ${limit}) on ${a.fixedAt.slice(0, 10)}`,
                  res,
                  {
                    details: { ...details, fixedAt: a.fixedAt, daysToFix: took, deviation: true },
                  },
                ),
              );
            else inSla++;
          }
        }
      }
      const missing = seen.filter((s) => isUnavailable(s.alerts)).map((s) => s.tool);
      if (out.length === before)
        out.push(
          pass(
            `no alert past its SLA (${inSla} open or fixed in time)${missing.length ? `; not read: ${missing.join(', ')}` : ''}`,
            r.fullName,
          ),
        );
    }
    if (!out.length) out.push(notApplicable('no active repository in scope', github.org));
    return out;
  },
});
