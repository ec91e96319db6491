import { isUnavailable } from '../../facts/index.js';
import { defineCheck, fail, notAvailable, pass } from '../define-check.js';

export default defineCheck({
  id: 'audit-log.streaming',
  title: 'Audit events are streamed to a SIEM or ingested daily',
  needs: ['github'],
  remediation:
    'On GitHub Enterprise Cloud, configure audit-log streaming to your SIEM (enterprise settings → Audit log → Log streaming), or schedule greenlight to ingest audit events daily. On other plans the organisation audit log cannot be exported.',
  evaluate({ github }) {
    const a = github.auditLog;
    if (!isUnavailable(a.streams)) {
      const on = a.streams.filter((s) => s.enabled);
      return on.length
        ? [pass(`audit events stream to ${on.map((s) => s.type).join(', ')}`, github.org)]
        : [fail('no audit-log stream is enabled', github.org)];
    }
    const s = github.settings;
    const plan = !isUnavailable(s) && !isUnavailable(s.plan) ? s.plan : null;
    if (isUnavailable(a.api)) {
      if (plan !== null && plan !== 'enterprise')
        return [
          fail(
            `the ${plan} plan has no audit-log API or streaming: pipeline and access events cannot be collected outside GitHub's UI`,
            github.org,
          ),
        ];
      return [notAvailable(a.api.reason, github.org)];
    }
    return [
      notAvailable(
        `the audit log is readable${a.api.latestEventAt ? ` (latest event ${a.api.latestEventAt.slice(0, 10)})` : ''}, but whether it is streamed is not visible: ${a.streams.reason}`,
        github.org,
      ),
    ];
  },
});
