import type { Commit, GitHistory, OverrideRecord, RecordedEvidence } from '../../facts/index.js';
import { defineCheck, fail, notApplicable, notAvailable, pass, type Finding } from '../define-check.js';

const DAY = 86_400_000;
const short = (sha: string): string => sha.slice(0, 7);
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Trailers that record the post-incident review of an emergency change (see docs/change-trailers.md). */
const REVIEW_KEYS = new Set(['emergency-reviewed', 'post-incident-review']);
/** `Emergency-Change:` values that flag a change without naming it. */
const FLAG_VALUES = new Set(['', 'yes', 'true', 'y', '1']);

/** A post-incident review: a commit with a review trailer, or one recorded with `greenlight record review`. */
interface Review {
  at: number;
  /** Lower-cased trailer values, or the recorded review's ticket. */
  refs: string[];
  commit?: Commit;
  recorded?: { seq: number; reviewer?: string };
}

/** An emergency change: an `Emergency-Change:` commit, a recorded override, or both for one change. */
interface Emergency {
  resource: string;
  openedAt: number;
  due: number;
  commit?: Commit;
  /** Lower-cased ticket naming the emergency, when it has one. */
  ticket?: string;
  override?: OverrideRecord;
}

function trailerReviews(commits: readonly Commit[]): Review[] {
  const reviews: Review[] = [];
  for (const c of commits) {
    const refs = c.trailers
      .filter((t) => REVIEW_KEYS.has(t.key.toLowerCase()))
      .map((t) => t.value.toLowerCase());
    if (refs.length > 0) reviews.push({ commit: c, at: Date.parse(c.committedAt), refs });
  }
  return reviews;
}

function recordedReviews(evidence: RecordedEvidence | undefined): Review[] {
  return (evidence?.reviews ?? []).map((r) => ({
    at: Date.parse(r.reviewedAt),
    refs: [r.ticket.toLowerCase()],
    recorded: { seq: r.ref.index, ...(r.reviewer ? { reviewer: r.reviewer } : {}) },
  }));
}

/** A review names the emergency by its ticket, or (trailers only) by an abbreviated (≥ 7 hex digits) SHA. */
function names(review: Review, e: Emergency): boolean {
  return review.refs.some(
    (ref) =>
      (e.ticket !== undefined && (review.recorded ? ref === e.ticket : ref.includes(e.ticket))) ||
      (!review.recorded &&
        e.commit !== undefined &&
        ref
          .split(/[\s,;]+/)
          .some((tok) => tok.length >= 7 && /^[0-9a-f]+$/.test(tok) && e.commit!.sha.startsWith(tok))),
  );
}

function describe(e: Emergency): string {
  if (e.commit) return `emergency change ${short(e.commit.sha)} "${e.commit.subject}" (${day(e.openedAt)})`;
  const o = e.override!;
  return `emergency override ${o.ticket} (${day(e.openedAt)}, approved by ${o.approver})`;
}

function reviewedBy(r: Review): string {
  if (r.commit) return `in ${short(r.commit.sha)}`;
  const by = r.recorded?.reviewer ? ` by ${r.recorded.reviewer}` : '';
  return `(review recorded${by}, ledger entry ${r.recorded?.seq})`;
}

function assess(e: Emergency, reviews: Review[], asOf: number): Finding {
  const review = reviews
    .filter((r) => !(r.commit && r.commit.sha === e.commit?.sha) && r.at >= e.openedAt && names(r, e))
    .sort((a, b) => a.at - b.at)[0];
  const details: Record<string, unknown> = {
    ...(e.commit
      ? { sha: e.commit.sha, emergency: e.commit.emergency, committedAt: e.commit.committedAt }
      : {}),
    ...(e.override
      ? {
          override: {
            ticket: e.override.ticket,
            reason: e.override.reason,
            approver: e.override.approver,
            openedAt: e.override.openedAt,
            ledgerEntry: e.override.ref.index,
          },
        }
      : {}),
    dueBy: new Date(e.due).toISOString(),
  };
  const what = describe(e);
  if (review) {
    if (review.commit) {
      details.reviewSha = review.commit.sha;
      details.reviewedAt = review.commit.committedAt;
    } else {
      details.reviewedAt = new Date(review.at).toISOString();
      details.reviewEntry = review.recorded?.seq;
    }
    if (review.at <= e.due)
      return pass(`${what} was reviewed on ${day(review.at)} ${reviewedBy(review)}`, e.resource, { details });
    const late = Math.ceil((review.at - e.due) / DAY);
    return fail(
      `${what} was reviewed ${late} day${late === 1 ? '' : 's'} late, on ${day(review.at)} ${reviewedBy(review)}`,
      e.resource,
      { details },
    );
  }
  if (asOf <= e.due)
    return pass(`${what} is not reviewed yet: review due by ${day(e.due)}`, e.resource, { details });
  const overdue = Math.ceil((asOf - e.due) / DAY);
  return fail(
    `${what} has no post-incident review: overdue by ${overdue} day${overdue === 1 ? '' : 's'}`,
    e.resource,
    { details },
  );
}

/**
 * Emergency changes of the window: commits with an `Emergency-Change:` trailer, and overrides
 * recorded in the ledger (`greenlight record override`, `greenlight gate --override`). An override
 * of a trailer commit (same commit, or same ticket) is the same emergency, due at the earlier date.
 */
function emergencies(git: GitHistory, evidence: RecordedEvidence | undefined, days: number): Emergency[] {
  const out: Emergency[] = [];
  for (const c of git.commits) {
    if (c.emergency === undefined) continue;
    const value = c.emergency.trim().toLowerCase();
    const at = Date.parse(c.committedAt);
    out.push({
      resource: c.sha,
      openedAt: at,
      due: at + days * DAY,
      commit: c,
      ...(FLAG_VALUES.has(value) ? {} : { ticket: value }),
    });
  }
  const from = git.since === null ? -Infinity : Date.parse(git.since);
  const to = Date.parse(git.until);
  for (const o of evidence?.overrides ?? []) {
    const at = Date.parse(o.openedAt);
    if (at < from || at > to) continue;
    const ticket = o.ticket.toLowerCase();
    const same = out.find(
      (e) =>
        e.override === undefined &&
        ((o.commit !== undefined &&
          e.commit !== undefined &&
          (e.commit.sha === o.commit || e.commit.parents[1] === o.commit)) ||
          e.ticket === ticket),
    );
    const due = Date.parse(o.reviewDueAt);
    if (same) {
      same.override = o;
      same.ticket ??= ticket;
      same.due = Math.min(same.due, due);
    } else {
      const commit = o.commit ? git.commits.find((c) => c.sha === o.commit) : undefined;
      out.push({
        resource: o.commit ?? `ticket:${o.ticket}`,
        openedAt: at,
        due,
        ticket,
        override: o,
        ...(commit ? { commit } : {}),
      });
    }
  }
  return out;
}

export default defineCheck({
  id: 'change.emergency-reviewed',
  title: 'Emergency changes get a post-incident review in time',
  needs: ['git'],
  // Recorded overrides and reviews when a ledger can be read; the trailers alone otherwise.
  uses: ['evidence'],
  remediation:
    'Hold the post-incident review within `thresholds.emergencyReviewDays` days and record it: ' +
    '`greenlight record review --ticket <ticket>` for an emergency override, or land a commit whose ' +
    'message ends with the trailer `Emergency-Reviewed: <sha or ticket of the emergency change>` ' +
    '(or `Post-Incident-Review:`); see docs/change-trailers.md.',
  evaluate({ git, evidence }, _options, { config, now }) {
    if (git.shallow)
      return [
        notAvailable(
          `the clone of ${git.branch} is shallow, so its history is incomplete: run \`git fetch --unshallow\``,
          git.branch,
        ),
      ];
    const recorded = evidence;
    const changes = emergencies(git, recorded, config.thresholds.emergencyReviewDays);
    if (changes.length === 0)
      return [
        notApplicable(
          `no commit on ${git.branch} in the window carries an Emergency-Change trailer, and no emergency override is recorded in it`,
          git.branch,
        ),
      ];
    const reviews = [...trailerReviews(git.commits), ...recordedReviews(recorded)];
    // A review after the end of the history read cannot be seen: judge lateness as of that end.
    const asOf = Math.min(now.getTime(), Date.parse(git.until));
    return changes.map((c) => assess(c, reviews, asOf));
  },
});
