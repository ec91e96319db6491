import { describe, expect, it } from 'vitest';
import { collect, fixture, lineOf, repoWith } from '../../sources/workflows/__fixtures__/fixtures.js';
import { runCheck } from '../../../test/check-tester.js';
import check from './index.js';

const gh = (perms: string, step: string) =>
  `on: push\n${perms}jobs:\n  deploy:\n    runs-on: x\n    steps:\n${step}`;

describe('pipeline.oidc-federation', () => {
  it('passes an AWS role assumed with id-token: write', async () => {
    const findings = runCheck(check, { workflows: await fixture('github-good') });
    const f = '.github/workflows/deploy.yml';
    expect(findings).toEqual([
      {
        outcome: 'pass',
        message: `${f} job \`deploy\` step 2 (aws-actions/configure-aws-credentials) authenticates to AWS with OIDC federation`,
        resource: f,
        location: { path: f, ...lineOf(`github-good/${f}`, 'uses: aws-actions') },
      },
    ]);
  });

  it('fails long-lived keys from secrets in inputs and in the environment', async () => {
    const findings = runCheck(check, { workflows: await fixture('github-bad') });
    const f = '.github/workflows/deploy.yml';
    const line = (needle: string, nth = 1) => lineOf(`github-bad/${f}`, needle, nth).line;
    expect(findings.map((x) => [x.outcome, x.resource, x.location?.line, x.message])).toEqual([
      [
        'fail',
        f,
        line('uses: aws-actions'),
        `${f} job \`deploy\` step 2 (aws-actions/configure-aws-credentials) authenticates to AWS with a long-lived key (\`aws-access-key-id\` from secrets.AWS_ACCESS_KEY_ID)`,
      ],
      [
        'fail',
        f,
        line('uses: google-github-actions/auth'),
        `${f} job \`gcp\` step 1 (google-github-actions/auth) authenticates to Google Cloud with a long-lived key (\`credentials_json\` from secrets.GCP_SA_KEY)`,
      ],
      [
        'fail',
        f,
        line('env:', 2),
        `${f} job \`cli\` puts long-lived cloud credentials from secrets in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)`,
      ],
    ]);
  });

  it('fails an OIDC setup without id-token: write, and CLI logins with keys', async () => {
    const root = repoWith({
      '.github/workflows/no-token.yml': gh(
        'permissions:\n  contents: read\n',
        '      - uses: azure/login@v2\n        with:\n          client-id: abc\n          tenant-id: t\n          subscription-id: s\n',
      ),
      '.github/workflows/ok.yml': gh(
        'permissions:\n  id-token: write\n',
        '      - uses: google-github-actions/auth@v2\n        with:\n          workload_identity_provider: projects/1/locations/global/workloadIdentityPools/p/providers/gh\n',
      ),
      '.github/workflows/cli.yml': gh(
        '',
        '      - run: |\n          az login --service-principal -u $ID -p ${{ secrets.AZ_SECRET }} --tenant t\n',
      ),
    });
    const findings = runCheck(check, { workflows: await collect(root) });
    expect(findings.map((x) => [x.outcome, x.resource, x.location?.line, x.message])).toEqual([
      [
        'fail',
        '.github/workflows/cli.yml',
        7,
        '.github/workflows/cli.yml job `deploy` step 1 logs in to Azure with a long-lived key on the command line',
      ],
      [
        'fail',
        '.github/workflows/no-token.yml',
        8,
        '.github/workflows/no-token.yml job `deploy` step 1 (azure/login) is set up for OIDC but the job lacks `permissions: id-token: write`, so it cannot get a token',
      ],
      [
        'pass',
        '.github/workflows/ok.yml',
        8,
        '.github/workflows/ok.yml job `deploy` step 1 (google-github-actions/auth) authenticates to Google Cloud with OIDC federation',
      ],
    ]);
  });

  it('passes GitLab jobs with id_tokens and fails cloud jobs without them', async () => {
    const good = runCheck(check, { workflows: await fixture('gitlab') });
    expect(good.map((x) => [x.outcome, x.location?.line, x.message])).toEqual([
      [
        'pass',
        lineOf('gitlab/.gitlab-ci.yml', 'deploy-prod:').line,
        '.gitlab-ci.yml job `deploy-prod` uses OIDC `id_tokens:` (AWS_ID_TOKEN) for its cloud commands',
      ],
    ]);
    const root = repoWith({
      '.gitlab-ci.yml': [
        'keys:',
        '  variables:',
        '    AWS_SECRET_ACCESS_KEY: $PROD_SECRET',
        '  script: aws s3 ls',
        'implicit:',
        '  script:',
        '    - gcloud run deploy web --region europe-west1',
        '',
      ].join('\n'),
    });
    const bad = runCheck(check, { workflows: await collect(root) });
    expect(bad.map((x) => [x.outcome, x.location?.line, x.message])).toEqual([
      [
        'fail',
        2,
        '.gitlab-ci.yml job `keys` authenticates to the cloud with long-lived CI/CD variables (AWS_SECRET_ACCESS_KEY)',
      ],
      [
        'fail',
        7,
        '.gitlab-ci.yml job `implicit` runs cloud commands without `id_tokens:`, so it can only use long-lived credentials',
      ],
    ]);
  });

  it('is not applicable when nothing deploys to a cloud', async () => {
    const findings = runCheck(check, { workflows: await fixture('github-invalid') });
    expect(findings.map((x) => [x.outcome, x.message])).toEqual([
      ['not_applicable', 'no workflow authenticates to a cloud provider (AWS, Google Cloud, Azure)'],
    ]);
  });
});
