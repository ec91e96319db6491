import type { Job, Location, Permissions, Step, Workflow } from '../../facts/index.js';
import { expandedSteps, findExpressions, parseUses, secretRefs } from '../../facts/workflows/index.js';
import { defineCheck, fail, notApplicable, pass, type Finding } from '../define-check.js';

/** Environment variables that carry a long-lived cloud credential. */
const CREDENTIAL_VARS = new Set([
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'GOOGLE_CREDENTIALS',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'GCP_SA_KEY',
  'GCLOUD_SERVICE_KEY',
  'AZURE_CLIENT_SECRET',
  'AZURE_CREDENTIALS',
  'ARM_CLIENT_SECRET',
]);

/** CLI logins that take a long-lived secret on the command line. */
const CLI_KEY_LOGINS: { cloud: string; pattern: RegExp }[] = [
  { cloud: 'AWS', pattern: /\baws\s+configure\s+set\s+(?:\S+\.)?aws_(?:access_key_id|secret_access_key)\b/ },
  {
    cloud: 'Azure',
    pattern:
      /\baz\s+login\b(?=[^\n]*--service-principal)(?![^\n]*--federated-token)[^\n]*(?:\s-p\s|--password|--secret)/,
  },
  { cloud: 'Google Cloud', pattern: /\bgcloud\s+auth\s+activate-service-account\b[^\n]*--key-file/ },
];

const CLOUD_CLI = /(?:^|[\s;&|(])(?:aws|gcloud|gsutil|az)\s+[a-z]/m;

function hasIdTokenWrite(p: Permissions | undefined): boolean {
  return p === 'write-all' || (typeof p === 'object' && p['id-token'] === 'write');
}

/** Secrets an input's value is taken from, if any. */
function fromSecrets(value: string | undefined): string[] {
  if (value === undefined) return [];
  return findExpressions(value).flatMap((e) => secretRefs(e.expr));
}

const usesSecret = (value: string | undefined): boolean => fromSecrets(value).length > 0;

interface Ctx {
  wf: Workflow;
  job: Job;
  idToken: boolean;
}

function checkAuthStep(step: Step, path: string, c: Ctx): Finding | undefined {
  if (!step.uses) return undefined;
  const ref = parseUses(step.uses);
  if (ref.kind !== 'remote') return undefined;
  const name = `${ref.owner}/${ref.repo}`.toLowerCase();
  const w = step.with;
  const where = { location: { ...step.location, path } };
  const label = `${c.wf.path} job \`${c.job.id}\` step ${step.index + 1} (${step.uses.split('@')[0]})`;
  const oidc = (what: string): Finding =>
    c.idToken
      ? pass(`${label} authenticates to ${what} with OIDC federation`, c.wf.path, where)
      : fail(
          `${label} is set up for OIDC but the job lacks \`permissions: id-token: write\`, so it cannot get a token`,
          c.wf.path,
          where,
        );
  const longLived = (what: string, input: string): Finding =>
    fail(
      `${label} authenticates to ${what} with a long-lived key (\`${input}\`${fromSecrets(w[input]).length ? ` from secrets.${fromSecrets(w[input]).join(', secrets.')}` : ''})`,
      c.wf.path,
      { ...where, details: { input, secrets: fromSecrets(w[input]) } },
    );

  if (name === 'aws-actions/configure-aws-credentials') {
    if (w['aws-access-key-id'] !== undefined) return longLived('AWS', 'aws-access-key-id');
    if (w['aws-secret-access-key'] !== undefined) return longLived('AWS', 'aws-secret-access-key');
    if (w['role-to-assume'] !== undefined) {
      return w['web-identity-token-file'] !== undefined
        ? pass(`${label} assumes an AWS role with a web identity token`, c.wf.path, where)
        : oidc('AWS');
    }
    return fail(
      `${label} has no \`role-to-assume:\`: AWS credentials come from long-lived keys`,
      c.wf.path,
      where,
    );
  }
  if (name === 'google-github-actions/auth') {
    if (w.credentials_json !== undefined) return longLived('Google Cloud', 'credentials_json');
    if (w.workload_identity_provider !== undefined) return oidc('Google Cloud');
    return fail(`${label} has no \`workload_identity_provider:\``, c.wf.path, where);
  }
  if (name === 'google-github-actions/setup-gcloud' && w.service_account_key !== undefined) {
    return longLived('Google Cloud', 'service_account_key');
  }
  if (name === 'azure/login') {
    if (w.creds !== undefined) return longLived('Azure', 'creds');
    if (w['client-secret'] !== undefined) return longLived('Azure', 'client-secret');
    if ((w['auth-type'] ?? '').toUpperCase() === 'IDENTITY') {
      return pass(`${label} authenticates to Azure with a managed identity`, c.wf.path, where);
    }
    if (w['client-id'] !== undefined) return oidc('Azure');
    return fail(`${label} has neither \`client-id:\` (OIDC) nor a managed identity`, c.wf.path, where);
  }
  if (
    (name === 'azure/webapps-deploy' || name === 'azure/functions-action') &&
    w['publish-profile'] !== undefined
  ) {
    return longLived('Azure', 'publish-profile');
  }
  return undefined;
}

function envFinding(
  env: Record<string, string> | undefined,
  loc: Location | undefined,
  what: string,
  resource: string,
): Finding | undefined {
  if (!env || !loc) return undefined;
  const vars = Object.entries(env)
    .filter(([k, v]) => CREDENTIAL_VARS.has(k.toUpperCase()) && usesSecret(v))
    .map(([k]) => k);
  if (!vars.length) return undefined;
  return fail(
    `${what} puts long-lived cloud credentials from secrets in the environment (${vars.join(', ')})`,
    resource,
    {
      location: loc,
      details: { variables: vars },
    },
  );
}

function githubFindings(wf: Workflow): Finding[] {
  const out: Finding[] = [];
  const wfEnv = envFinding(
    wf.env,
    wf.envLocation ?? { path: wf.path },
    `${wf.path} (workflow \`env:\`)`,
    wf.path,
  );
  if (wfEnv) out.push(wfEnv);
  for (const job of wf.jobs) {
    const c: Ctx = { wf, job, idToken: hasIdTokenWrite(job.permissions ?? wf.permissions) };
    const jobEnv = envFinding(
      job.env,
      job.envLocation ?? job.location,
      `${wf.path} job \`${job.id}\``,
      wf.path,
    );
    if (jobEnv) out.push(jobEnv);
    for (const { step, path } of expandedSteps(wf, job)) {
      const auth = checkAuthStep(step, path, c);
      if (auth) out.push(auth);
      const loc = { ...step.location, path };
      const stepEnv = envFinding(
        step.env,
        loc,
        `${wf.path} job \`${job.id}\` step ${step.index + 1}`,
        wf.path,
      );
      if (stepEnv) out.push(stepEnv);
      const login = step.run && CLI_KEY_LOGINS.find((l) => l.pattern.test(step.run as string));
      if (login) {
        out.push(
          fail(
            `${wf.path} job \`${job.id}\` step ${step.index + 1} logs in to ${login.cloud} with a long-lived key on the command line`,
            wf.path,
            {
              location: step.runLocation ?? loc,
            },
          ),
        );
      }
    }
  }
  return out;
}

function gitlabFindings(wf: Workflow): Finding[] {
  const out: Finding[] = [];
  for (const job of wf.jobs) {
    const script = job.steps.map((s) => s.run ?? '').join('\n');
    const credVars = [
      ...Object.keys(job.env ?? {}).filter((k) => CREDENTIAL_VARS.has(k.toUpperCase())),
      ...job.secrets.filter((s) => CREDENTIAL_VARS.has(s.toUpperCase())),
    ];
    const cloud = CLOUD_CLI.test(script) || credVars.length > 0;
    if (!cloud) continue;
    const label = `${wf.path} job \`${job.id}\``;
    if (credVars.length) {
      out.push(
        fail(
          `${label} authenticates to the cloud with long-lived CI/CD variables (${[...new Set(credVars)].join(', ')})`,
          wf.path,
          {
            location: job.envLocation ?? job.location,
            details: { variables: [...new Set(credVars)] },
          },
        ),
      );
    } else if (job.idTokens?.length) {
      out.push(
        pass(
          `${label} uses OIDC \`id_tokens:\` (${job.idTokens.join(', ')}) for its cloud commands`,
          wf.path,
          { location: job.location },
        ),
      );
    } else {
      out.push(
        fail(
          `${label} runs cloud commands without \`id_tokens:\`, so it can only use long-lived credentials`,
          wf.path,
          {
            location: job.steps[0]?.runLocation ?? job.location,
          },
        ),
      );
    }
  }
  return out;
}

export default defineCheck({
  id: 'pipeline.oidc-federation',
  title: 'Cloud deploys authenticate with OIDC federation, not long-lived keys',
  needs: ['workflows'],
  remediation:
    "Trust the CI identity provider in the cloud account and exchange the job's OIDC token for short-lived " +
    'credentials: GitHub: `permissions: id-token: write` plus `role-to-assume` (AWS), ' +
    '`workload_identity_provider` (Google Cloud) or `client-id`/`tenant-id` without secrets (Azure); GitLab: ' +
    "`id_tokens:` with `aws sts assume-role-with-web-identity` (or the cloud's equivalent). Then delete the stored keys.",
  evaluate({ workflows }) {
    const findings = workflows.files.flatMap((wf) =>
      wf.system === 'gitlab-ci' ? gitlabFindings(wf) : githubFindings(wf),
    );
    return findings.length
      ? findings
      : [notApplicable('no workflow authenticates to a cloud provider (AWS, Google Cloud, Azure)', '.')];
  },
});
