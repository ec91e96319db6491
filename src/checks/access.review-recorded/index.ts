import { defineCheck, fail, notAvailable, pass } from '../define-check.js';

const DAY = 86_400_000;

export default defineCheck({
  id: 'access.review-recorded',
  title: 'An access review of source-control and CI/CD identities was recorded recently',
  needs: ['evidence'],
  remediation:
    'Review who can push, approve and deploy (members, collaborators, CI identities), write the ' +
    'outcome and sign-off to a YAML file and record it with `greenlight record access-review --file review.yml`, ' +
    'at least every `thresholds.accessReviewDays` days.',
  evaluate({ evidence }, _options, { config, now }) {
    const days = config.thresholds.accessReviewDays;
    if (evidence.absent) return [notAvailable(evidence.absent, 'evidence ledger')];
    const latest = [...evidence.accessReviews].sort((a, b) => (a.reviewedAt < b.reviewedAt ? 1 : -1))[0];
    if (!latest)
      return [
        fail(
          `no access review is recorded in the evidence ledger (required every ${days} days)`,
          evidence.store,
        ),
      ];
    const age = Math.floor((now.getTime() - Date.parse(latest.reviewedAt)) / DAY);
    const details = {
      reviewedAt: latest.reviewedAt,
      signedOffBy: latest.signedOffBy,
      systems: latest.systems,
      identitiesReviewed: latest.identitiesReviewed,
      accessRemoved: latest.accessRemoved,
      ledgerIndex: latest.ref.index,
    };
    const what = `access review of ${latest.systems.join(', ')} signed off by ${latest.signedOffBy} on ${latest.reviewedAt.slice(0, 10)}`;
    if (age <= days) return [pass(`${what} (${age} days ago)`, latest.reportSha256, { details })];
    return [
      fail(`${what} is ${age} days old: a review is due every ${days} days`, latest.reportSha256, {
        details,
      }),
    ];
  },
});
