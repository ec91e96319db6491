import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

export const STARTER_CONFIG = `# greenlight configuration. Every key is optional; the values shown are the defaults.
# Editor completion: point your YAML plugin at schema/greenlight.schema.json.

scope:
  branches: []            # branches to assess; empty = the default branch
  releaseBranches: []     # globs of release branches that must be protected too, e.g. ["release/*"]

window:
  since: 90d              # history window for change checks: 90d, 12w, or a date

thresholds:
  approvals: 1            # approvals required on protected branches
  orgAdmins: 3            # most organisation owners allowed
  repoAdmins: 3           # most direct repository admins allowed
  secretMaxAgeDays: 365   # CI secrets older than this must be rotated
  staleMemberDays: 180    # members inactive longer than this are flagged
  accessReviewDays: 90    # an access review must be recorded this often
  emergencyReviewDays: 7  # days after an emergency change to record its review
  signedCommitsFloor: 0.9 # share of commits that must carry a valid signature
  sla:                    # days to fix a vulnerability, by severity
    critical: 7
    high: 30
    medium: 90
    low: 180

tickets:
  # Jira/Linear/YouTrack keys (ENG-123), issue references with or without a closing keyword
  # (Fixes #12, #12, owner/repo#12); a change's own pull-request number never counts
  pattern: '\\b[A-Z][A-Z0-9]{1,9}-\\d+\\b|\\b[\\w.-]+/[\\w./-]+#\\d+\\b|\\B#\\d+\\b'
  # links to GitHub/GitLab issues, Jira, Linear, YouTrack, Azure Boards and Shortcut
  urlPattern: 'https?://[^\\s)]*/(?:browse|issues?|work_items|_workitems/edit|story|tickets?)/[^\\s)]+'

scans:
  required: [sast, sca, secrets]   # scan types every repository runs on pull requests
  classes: []                      # e.g. [{ name: services, repositories: ["svc-*"], required: [sast, sca, secrets, container] }]

severity: {}     # override a check's severity, e.g. { change.signed-commits: medium }
disabled: []     # check ids not to run

# Anomaly detection (MO-2): \`greenlight anomalies --notify\`, run on a schedule, evaluates the rules
# over the change population and recorded evidence, alerts, and records each run in the ledger.
anomalies:
  enabled: false          # true to evaluate rules and send alerts
  rules: [direct-push, force-push, override-spike, deploy-failed-gate, off-hours-merge, failing-checks-spike]
  alerts: {}              # at least one of: webhook, slack (a URL, or $ENV_VAR holding it), command
#   webhook: $ANOMALY_WEBHOOK_URL      # POSTed the anomalies as JSON
#   slack: $SLACK_WEBHOOK_URL          # a summary to a Slack incoming webhook
#   command: ./notify-oncall.sh        # the JSON on stdin
  overrides: { max: 2, days: 7 }        # more gate overrides than max within days is an anomaly
  workingHours: { timezone: UTC, days: [mon, tue, wed, thu, fri], start: "08:00", end: "20:00" }
  failingChecks: { increase: 5 }        # failing results up by this much since the last assessment

# Documented exceptions: a failing result they cover is reported as "excepted" until it expires.
exceptions: []
#  - check: pipeline.actions-pinned
#    resource: .github/workflows/legacy.yml
#    reason: vendor action without releases; reviewed monthly
#    approvedBy: security@example.com
#    expires: 2027-03-31
`;

/** Lines of a .gitignore that already keep `.greenlight/` out of git. */
const IGNORES_STATE = new Set([
  '.greenlight',
  '.greenlight/',
  '/.greenlight',
  '/.greenlight/',
  '.greenlight/**',
  '/.greenlight/**',
]);

/**
 * Adds `.greenlight/` (the ledger database, keys, caches) to the repository's .gitignore: creates
 * the file if missing, keeps every other line, adds nothing when a line already ignores it.
 * Returns whether the file changed.
 */
export function ignoreStateDir(root: string): boolean {
  const file = path.join(root, '.gitignore');
  if (!existsSync(file)) {
    writeFileSync(file, '# greenlight: evidence database, keys and caches\n.greenlight/\n');
    return true;
  }
  const text = readFileSync(file, 'utf8');
  const lines = text.split(/\r?\n/);
  if (lines.some((l) => IGNORES_STATE.has(l.trim()))) return false;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  appendFileSync(file, `${text === '' || text.endsWith('\n') ? '' : eol}.greenlight/${eol}`);
  return true;
}

export async function run(target: string, flags: { force?: boolean }): Promise<number> {
  const file = path.join(path.resolve(target), 'greenlight.yml');
  if (existsSync(file) && !flags.force) {
    process.stderr.write(`greenlight: ${file} exists; keeping it (use --force to overwrite)\n`);
  } else {
    if (!existsSync(path.dirname(file))) throw new UsageError(`${target}: no such folder`);
    writeFileSync(file, STARTER_CONFIG);
    process.stdout.write(`wrote ${file}\n`);
  }
  if (ignoreStateDir(path.dirname(file)))
    process.stdout.write(`added .greenlight/ to ${path.join(path.dirname(file), '.gitignore')}\n`);
  const ledger = await (await import('../ledger/index.js')).initLedger(path.resolve(target));
  process.stdout.write(
    `evidence ledger ${ledger.origin} at ${ledger.location}; signing key ${ledger.keyId}` +
      `${ledger.keyCreated ? ` (new, public key ${ledger.publicKeyFile})` : ''}\n`,
  );
  return 0;
}
