import { CHECK_REGISTRY } from '../checks/index.js';
import { defaultConfig } from '../config/index.js';
import { evaluateChecks } from '../engine/index.js';
import { UsageError } from '../errors.js';
import { isUnavailable, type GithubFacts, type Maybe } from '../facts/index.js';
import { apiUrlFor, collectGithubFacts, credentialsFromEnv, parseTarget } from '../sources/github/index.js';

export interface DoctorFlags {
  github?: string;
  githubUrl?: string;
  format: 'table' | 'json';
  /** Tests and the demo point it at a simulator. */
  apiUrl?: string;
}

interface Line {
  what: string;
  ok: boolean;
  reason?: string;
}

/**
 * `greenlight doctor --github ORG`: reads what an assessment would read (sampling one repository)
 * and lists what the token can and cannot see, with the permission each gap needs and the checks
 * that will be not_available because of it.
 */
export async function run(flags: DoctorFlags): Promise<number> {
  if (flags.github) parseTarget(flags.github);
  const creds = credentialsFromEnv();
  const apiUrl = flags.apiUrl ?? apiUrlFor(flags.githubUrl);
  if (!creds.token && !creds.app) return withoutCredentials(flags, apiUrl);
  if (!flags.github) throw new UsageError('doctor needs --github ORG or ORG/REPO');
  const now = new Date();
  const facts = await collectGithubFacts({
    target: flags.github,
    apiUrl,
    ...creds,
    since: new Date(now.getTime() - 30 * 86_400_000),
    until: now,
    maxRepositories: 1,
  });
  const lines = inventory(facts);
  const affected = notAvailableChecks(facts, now);
  if (flags.format === 'json') {
    process.stdout.write(
      JSON.stringify(
        {
          apiUrl,
          target: flags.github,
          auth: facts.auth,
          visible: lines,
          missing: lines.filter((l) => !l.ok).map((l) => ({ what: l.what, needs: l.reason })),
          notAvailableChecks: affected,
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    const out: string[] = [
      `GitHub ${apiUrl} · ${flags.github} · ${facts.auth.kind === 'app' ? 'GitHub App installation' : 'token'}${
        facts.auth.scopes ? ` (scopes: ${facts.auth.scopes.join(', ') || 'none'})` : ''
      }`,
      '',
    ];
    for (const l of lines) out.push(`  ${l.ok ? '✓' : '✗'} ${l.what}${l.ok ? '' : `\n      ${l.reason}`}`);
    const seen = lines.filter((l) => l.ok).length;
    out.push('', `${seen} of ${lines.length} visible · ${facts.stats.requests} API requests`);
    if (affected.length) {
      out.push('', 'Checks that will be not_available with this token:');
      for (const a of affected) out.push(`  ${a.check}: ${a.reason}`);
    }
    process.stdout.write(out.join('\n') + '\n');
  }
  return lines.every((l) => l.ok) ? 0 : 1;
}

const NO_CREDENTIALS =
  'no GitHub credentials: set GITHUB_TOKEN (a token with read access: repo and read:org scopes, or a fine-grained token with read permissions), or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY';

/**
 * No token and no App: nothing can be read, so every check that reads GitHub will be
 * not_available. Says so, lists them, and exits 2 (the invocation lacks its credentials).
 */
function withoutCredentials(flags: DoctorFlags, apiUrl: string): number {
  const affected = CHECK_REGISTRY.filter((c) => (c.needs as string[]).includes('github')).map((c) => ({
    check: c.id,
    reason: NO_CREDENTIALS,
  }));
  if (flags.format === 'json') {
    process.stdout.write(
      JSON.stringify(
        {
          apiUrl,
          target: flags.github ?? null,
          auth: null,
          visible: [],
          missing: [{ what: 'GitHub credentials', needs: NO_CREDENTIALS }],
          notAvailableChecks: affected,
        },
        null,
        2,
      ) + '\n',
    );
    process.stderr.write(`greenlight: ${NO_CREDENTIALS}\n`);
  } else {
    const out = [
      `greenlight doctor: ${NO_CREDENTIALS}`,
      '',
      `Checks that will be not_available without credentials (${affected.length}):`,
      ...affected.map((a) => `  ${a.check}`),
    ];
    process.stdout.write(out.join('\n') + '\n');
  }
  return 2;
}

function inventory(f: GithubFacts): Line[] {
  const lines: Line[] = [];
  const add = (what: string, v: Maybe<unknown> | undefined | null) => {
    if (v === undefined || v === null) return;
    lines.push(isUnavailable(v) ? { what, ok: false, reason: v.reason } : { what, ok: true });
  };
  const s = f.settings;
  add('organisation profile', s);
  if (!isUnavailable(s)) {
    add('plan', s.plan);
    add('two-factor requirement', s.twoFactorRequired);
    add('base repository permission', s.defaultRepositoryPermission);
    add('repository creation and deletion settings', s.membersCanDeleteRepositories);
    add('SAML single sign-on', s.samlSso);
  }
  add('members and owners', f.members);
  add('members without 2FA', f.membersWithout2fa);
  add('outside collaborators', f.outsideCollaborators);
  add('Actions policy (allowed actions)', f.actions);
  add('default workflow token permissions', f.workflowPermissions);
  add('organisation Actions secrets (names and dates)', f.secrets);
  add('self-hosted runner groups', f.runnerGroups);
  add('organisation webhooks', f.webhooks);
  add('audit log', f.auditLog.api);
  add('audit-log streams', f.auditLog.streams);
  const r = f.repositories.find((x) => !x.archived);
  if (!r) {
    lines.push({ what: 'repositories', ok: false, reason: 'no repository visible to this token' });
    return lines;
  }
  const at = ` (${r.fullName}, sampled)`;
  for (const b of r.branches) {
    add(`branch protection of ${b.branch}${at}`, b.protection);
    if (!isUnavailable(b.protection))
      for (const g of b.protection.gaps)
        lines.push({ what: `classic protection of ${b.branch}${at}`, ok: false, reason: g.reason });
  }
  add(`collaborators${at}`, r.collaborators);
  add(`workflow token settings${at}`, r.workflowPermissions);
  add(`environments${at}`, r.environments);
  add(`deploy keys${at}`, r.deployKeys);
  add(`Actions secrets${at}`, r.secrets);
  add(`webhooks${at}`, r.webhooks);
  add(`security and analysis settings${at}`, r.securityAndAnalysis);
  add(`code scanning${at}`, r.codeScanning);
  add(`Dependabot alerts${at}`, r.alerts.dependabot);
  add(`code scanning alerts${at}`, r.alerts['code-scanning']);
  add(`secret scanning alerts${at}`, r.alerts['secret-scanning']);
  add(`merged pull requests with reviews and checks${at}`, r.pullRequests);
  add(`deployments${at}`, r.deployments);
  return lines;
}

function notAvailableChecks(facts: GithubFacts, now: Date): { check: string; reason: string }[] {
  const checks = CHECK_REGISTRY.filter((c) => (c.needs as string[]).length === 1 && c.needs[0] === 'github');
  const results = evaluateChecks(checks, { github: facts }, { config: defaultConfig(), now });
  const first = new Map<string, string>();
  for (const r of results)
    if (r.outcome === 'not_available' && !first.has(r.checkId)) first.set(r.checkId, r.message);
  return [...first].map(([check, reason]) => ({ check, reason }));
}
