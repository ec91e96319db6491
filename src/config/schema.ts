import { z } from 'zod';
import { PIPELINE_SCAN_TYPES } from '../facts/scans.js';

/**
 * The one source of truth for `greenlight.yml`: the TypeScript types, the validation and the
 * JSON Schema in `schema/greenlight.schema.json` all come from here. Every object is strict so a
 * misspelt key is an error with a did-you-mean, not a silently ignored setting.
 */

const severity = z.enum(['critical', 'high', 'medium', 'low']);
/** The kinds of scan a CI pipeline runs (facts/scans.ts): what `scans.required` may name. */
const scanType = z.enum(PIPELINE_SCAN_TYPES);

const isoDate = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
  .refine((v) => !Number.isNaN(Date.parse(v)), { message: 'expected a date such as 2027-01-31' });

/**
 * Ticket references recognised by default: Jira/Linear/YouTrack keys (`ENG-123`), GitHub/GitLab issue
 * references with or without a closing keyword (`Fixes #12`, `closes: #12`, `#12`), and cross-repository
 * ones (`owner/repo#12`, `group/sub/project#12`). `\\B#` needs a non-word character (or the start)
 * before `#`, so `C#10` is no reference; GitLab's `!12` is a merge request, not a ticket. A change's
 * own pull-request number is removed before matching (see `withoutOwnPullRequest`).
 */
export const DEFAULT_TICKET_PATTERN =
  '\\b[A-Z][A-Z0-9]{1,9}-\\d+\\b|\\b[\\w.-]+/[\\w./-]+#\\d+\\b|\\B#\\d+\\b';
/**
 * Tracker links recognised by default: GitHub/GitLab issues (`/issues/12`, `/-/issues/12`, work items),
 * Jira (`/browse/KEY-1`), Linear and YouTrack (`/issue/KEY-1`), Azure Boards (`/_workitems/edit/12`),
 * Shortcut (`/story/12`) and generic `/ticket(s)/` paths. Pull/merge-request links are not tickets.
 */
export const DEFAULT_TICKET_URL_PATTERN =
  'https?://[^\\s)]*/(?:browse|issues?|work_items|_workitems/edit|story|tickets?)/[^\\s)]+';

export const exceptionSchema = z.strictObject({
  check: z.string().min(1).describe('Check id the exception covers, e.g. pipeline.actions-pinned'),
  resource: z
    .string()
    .default('*')
    .describe('Glob over the result resource (a path, commit, repository…); * covers every resource'),
  reason: z.string().min(1).describe('Why the risk is accepted'),
  approvedBy: z.string().min(1).describe('Who accepted the risk'),
  owner: z.string().optional().describe('Who owns the follow-up'),
  expires: isoDate.describe('Date after which the exception no longer applies (the result becomes a fail)'),
  ticket: z.string().optional(),
});

/** Anomaly rules `greenlight anomalies` evaluates (MO-2), by id. */
export const ANOMALY_RULES = [
  'direct-push',
  'force-push',
  'override-spike',
  'deploy-failed-gate',
  'off-hours-merge',
  'failing-checks-spike',
] as const;

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'expected a time such as 08:00' });
/** An alert destination: an http(s) URL, or `$NAME` / `${NAME}`, an environment variable holding it (keeps secret URLs out of git). */
const destination = z
  .string()
  .refine((v) => /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(v) || /^https?:\/\/[^\s]+$/.test(v), {
    message: 'expected an http(s) URL, or $NAME naming an environment variable that holds it',
  });

const anomaliesSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Evaluate anomaly rules (`greenlight anomalies`) and alert'),
    rules: z
      .array(z.enum(ANOMALY_RULES))
      .default([...ANOMALY_RULES])
      .describe('Anomaly rules to evaluate'),
    alerts: z
      .strictObject({
        webhook: destination.optional().describe('POST the anomalies as JSON to this URL'),
        slack: destination.optional().describe('Slack incoming-webhook URL'),
        command: z
          .string()
          .min(1)
          .optional()
          .describe('Shell command run with the anomalies as JSON on stdin'),
      })
      .default({})
      .describe('Where alerts go (at least one destination)'),
    overrides: z
      .strictObject({
        max: z.number().int().min(0).default(2).describe('Most gate overrides allowed within `days`'),
        days: z.number().int().min(1).default(7),
      })
      .default({ max: 2, days: 7 }),
    workingHours: z
      .strictObject({
        timezone: z
          .string()
          .default('UTC')
          .refine(
            (tz) => {
              try {
                new Intl.DateTimeFormat('en-US', { timeZone: tz });
                return true;
              } catch {
                return false;
              }
            },
            { message: 'expected an IANA time zone such as Europe/Paris' },
          ),
        days: z.array(z.enum(WEEKDAYS)).default(['mon', 'tue', 'wed', 'thu', 'fri']),
        start: clock.default('08:00'),
        end: clock.default('20:00'),
      })
      .default({ timezone: 'UTC', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '20:00' })
      .describe('Changes merged outside these hours are anomalies (off-hours-merge)'),
    failingChecks: z
      .strictObject({
        increase: z
          .number()
          .int()
          .min(1)
          .default(5)
          .describe('More failing results than the previous assessment by at least this many is a spike'),
      })
      .default({ increase: 5 }),
  })
  .default({
    enabled: false,
    rules: [...ANOMALY_RULES],
    alerts: {},
    overrides: { max: 2, days: 7 },
    workingHours: {
      timezone: 'UTC',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: '08:00',
      end: '20:00',
    },
    failingChecks: { increase: 5 },
  })
  .describe('Anomaly detection (MO-2): rules over recorded evidence and the change population, with alerts');

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1).default(1),
    scope: z
      .strictObject({
        branches: z
          .array(z.string())
          .default([])
          .describe('Branches to assess; empty means the default branch'),
        releaseBranches: z
          .array(z.string())
          .default([])
          .describe('Glob patterns of release branches that must be protected too'),
      })
      .default({ branches: [], releaseBranches: [] }),
    window: z
      .strictObject({
        since: z
          .string()
          .default('90d')
          .describe('Start of the history window: a duration (90d, 12w) or a date'),
      })
      .default({ since: '90d' }),
    thresholds: z
      .strictObject({
        approvals: z.number().int().min(1).default(1),
        orgAdmins: z.number().int().min(0).default(3),
        repoAdmins: z.number().int().min(0).default(3),
        secretMaxAgeDays: z.number().int().min(1).default(365),
        staleMemberDays: z.number().int().min(1).default(180),
        accessReviewDays: z.number().int().min(1).default(90),
        emergencyReviewDays: z.number().int().min(0).default(7),
        signedCommitsFloor: z
          .number()
          .min(0)
          .max(1)
          .default(0.9)
          .describe('Share (0..1) of commits in the window that must carry a valid signature'),
        evidenceCompleteness: z.number().min(0).max(1).default(0.99),
        sla: z
          .strictObject({
            critical: z.number().int().min(0).default(7),
            high: z.number().int().min(0).default(30),
            medium: z.number().int().min(0).default(90),
            low: z.number().int().min(0).default(180),
          })
          .default({ critical: 7, high: 30, medium: 90, low: 180 }),
      })
      .default({
        approvals: 1,
        orgAdmins: 3,
        repoAdmins: 3,
        secretMaxAgeDays: 365,
        staleMemberDays: 180,
        accessReviewDays: 90,
        emergencyReviewDays: 7,
        signedCommitsFloor: 0.9,
        evidenceCompleteness: 0.99,
        sla: { critical: 7, high: 30, medium: 90, low: 180 },
      }),
    tickets: z
      .strictObject({
        pattern: z
          .string()
          .default(DEFAULT_TICKET_PATTERN)
          .describe(
            'Regular expression a ticket reference matches (default: Jira/Linear keys such as ENG-123, issue references #12 and owner/repo#12)',
          ),
        urlPattern: z
          .string()
          .default(DEFAULT_TICKET_URL_PATTERN)
          .describe('Regular expression for a link to an issue tracker that also counts as a ticket'),
      })
      .default({
        pattern: DEFAULT_TICKET_PATTERN,
        urlPattern: DEFAULT_TICKET_URL_PATTERN,
      }),
    scans: z
      .strictObject({
        required: z
          .array(scanType)
          .default(['sast', 'sca', 'secrets'])
          .describe('Scan types every repository must run on pull requests'),
        classes: z
          .array(
            z.strictObject({
              name: z.string(),
              repositories: z.array(z.string()).describe('Globs over repository names'),
              required: z.array(scanType),
            }),
          )
          .default([])
          .describe('Repository classes with their own required scan types'),
      })
      .default({ required: ['sast', 'sca', 'secrets'], classes: [] }),
    severity: z.record(z.string(), severity).default({}).describe('Severity overrides by check id'),
    disabled: z.array(z.string()).default([]).describe('Check ids not to run'),
    checks: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .default({})
      .describe('Per-check options by check id'),
    exceptions: z.array(exceptionSchema).default([]),
    anomalies: anomaliesSchema,
    ledger: z
      .strictObject({
        origin: z.string().optional().describe('Checkpoint origin line; default greenlight/<repository>'),
        retentionDays: z
          .record(z.string(), z.number().int().min(1))
          .default({ default: 730 })
          .describe('Retention per evidence type in days; "default" applies to every type not named'),
        auditCycleDays: z.number().int().min(1).default(365),
        redact: z
          .array(z.string())
          .default([])
          .describe(
            'Extra regular expressions removed from evidence blobs before storage (besides the secretlint rules)',
          ),
      })
      .default({ retentionDays: { default: 730 }, auditCycleDays: 365, redact: [] }),
  })
  .describe('greenlight configuration');

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type ExceptionRule = z.output<typeof exceptionSchema>;
export type AnomalySettings = z.output<typeof anomaliesSchema>;
export type AnomalyRuleId = (typeof ANOMALY_RULES)[number];

export function defaultConfig(): Config {
  return configSchema.parse({});
}

export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
}
