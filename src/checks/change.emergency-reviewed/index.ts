import type { Commit, GitHistory } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass, type Finding } from '../define-check.js';

const DAY = 86_400_000;
const short = (sha: string): string => sha.slice(0, 7);
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Trailers that record the post-incident review of an emergency change (see docs/change-trailers.md). */
const REVIEW_KEYS = new Set(['emergency-reviewed', 'post-incident-review']);
/** `Emergency-Change:` values that flag a change without naming it. */
const FLAG_VALUES = new Set(['', 'yes', 'true', 'y', '1']);

interface Review {
  commit: Commit;
  at: number;
  /** Lower-cased trailer values. */
  refs: string[];
}

function reviewsOf(commits: readonly Commit[]): Review[] {
  const reviews: Review[] = [];
  for (const c of commits) {
    const refs = c.trailers
      .filter((t) => REVIEW_KEYS.has(t.key.toLowerCase()))
      .map((t) => t.value.toLowerCase());
    if (refs.length > 0) reviews.push({ commit: c, at: Date.parse(c.committedAt), refs });
  }
  return reviews;
}

/** A review names the emergency change by (abbreviated, ≥ 7 hex digits) SHA or by its `Emergency-Change:` value. */
function names(review: Review, change: Commit): boolean {
  const id = (change.emergency ?? '').trim().toLowerCase();
  return review.refs.some(
    (ref) =>
      (!FLAG_VALUES.has(id) && ref.includes(id)) ||
      ref
        .split(/[\s,;]+/)
        .some((tok) => tok.length >= 7 && /^[0-9a-f]+$/.test(tok) && change.sha.startsWith(tok)),
  );
}

function assess(change: Commit, reviews: Review[], days: number, asOf: number): Finding {
  const at = Date.parse(change.committedAt);
  const due = at + days * DAY;
  const review = reviews
    .filter((r) => r.commit.sha !== change.sha && r.at >= at && names(r, change))
    .sort((a, b) => a.at - b.at)[0];
  const details: Record<string, unknown> = {
    sha: change.sha,
    emergency: change.emergency,
    committedAt: change.committedAt,
    dueBy: new Date(due).toISOString(),
  };
  const what = `emergency change ${short(change.sha)} "${change.subject}" (${day(at)})`;
  if (review) {
    details.reviewSha = review.commit.sha;
    details.reviewedAt = review.commit.committedAt;
    if (review.at <= due)
      return pass(`${what} was reviewed on ${day(review.at)} in ${short(review.commit.sha)}`, change.sha, {
        details,
      });
    const late = Math.ceil((review.at - due) / DAY);
    return fail(
      `${what} was reviewed ${late} day${late === 1 ? '' : 's'} late, on ${day(review.at)}`,
      change.sha,
      {
        details,
      },
    );
  }
  if (asOf <= due)
    return pass(`${what} is not reviewed yet: review due by ${day(due)}`, change.sha, { details });
  const overdue = Math.ceil((asOf - due) / DAY);
  return fail(
    `${what} has no post-incident review: overdue by ${overdue} day${overdue === 1 ? '' : 's'}`,
    change.sha,
    {
      details,
    },
  );
}

function emergencies(git: GitHistory): Commit[] {
  return git.commits.filter((c) => c.emergency !== undefined);
}

export default defineCheck({
  id: 'change.emergency-reviewed',
  title: 'Emergency changes get a post-incident review in time',
  severity: 'high',
  controls: ['CM-5'],
  needs: ['git'],
  remediation:
    'Hold the post-incident review, then land a commit whose message ends with the trailer ' +
    '`Emergency-Reviewed: <sha or ticket of the emergency change>` (or `Post-Incident-Review:`) within ' +
    '`thresholds.emergencyReviewDays` days; see docs/change-trailers.md.',
  evaluate({ git }, _options, { config, now }) {
    if (git.shallow)
      return [
        notAvailable(
          `the clone of ${git.branch} is shallow, so its history is incomplete: run \`git fetch --unshallow\``,
          git.branch,
        ),
      ];
    const changes = emergencies(git);
    if (changes.length === 0)
      return [
        notApplicable(
          `no commit on ${git.branch} in the window carries an Emergency-Change trailer`,
          git.branch,
        ),
      ];
    const reviews = reviewsOf(git.commits);
    // A review after the end of the history read cannot be seen: judge lateness as of that end.
    const asOf = Math.min(now.getTime(), Date.parse(git.until));
    return changes.map((c) => assess(c, reviews, config.thresholds.emergencyReviewDays, asOf));
  },
});
