import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import type { WorkflowSet } from '../../facts/index.js';
import { makeJob, makeWorkflow } from '../../scanners/index.js';
import check from './index.js';

const set = (...files: ReturnType<typeof makeWorkflow>[]): WorkflowSet => ({ files, errors: [] });

const deployByEnvironment = makeJob('deploy', [{ run: './scripts/deploy.sh' }], { environment: 'staging' });

describe('scan.dast', () => {
  it('passes when ZAP runs beside a staging deploy', () => {
    const wf = makeWorkflow(
      '.github/workflows/deploy.yml',
      ['push'],
      [
        deployByEnvironment,
        makeJob(
          'zap',
          [
            {
              uses: 'zaproxy/action-baseline@v0.14.0',
              with: { target: 'https://staging.acme.test', fail_action: 'true' },
            },
          ],
          {
            needs: ['deploy'],
          },
        ),
      ],
    );
    const findings = runCheck(check, { workflows: set(wf) });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.message).toBe(
      'DAST runs: OWASP ZAP (.github/workflows/deploy.yml, job zap); staging is deployed by .github/workflows/deploy.yml (job deploy: environment staging)',
    );
  });

  it('passes with an advisory DAST and says so', () => {
    const wf = makeWorkflow(
      '.gitlab-ci.yml',
      ['push'],
      [
        makeJob('deploy-stage', [{ run: 'helm upgrade --install web ./chart -n stage' }]),
        makeJob('nuclei', [{ run: 'nuclei -u https://stage.acme.test' }], { continueOnError: true }),
      ],
    );
    const [f] = runCheck(check, { workflows: set(wf) });
    expect(f?.outcome).toBe('pass');
    expect(f?.message).toMatch(/\(advisory only: `allow_failure: true` on the job\)/);
  });

  it('fails when staging is deployed by a step and nothing scans it', () => {
    const wf = makeWorkflow(
      '.github/workflows/cd.yml',
      ['push'],
      [makeJob('ship', [{ run: 'kubectl apply -f k8s/ --namespace preprod' }])],
    );
    const findings = runCheck(check, { workflows: set(wf) });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]).toMatchObject({
      message:
        'Staging is deployed by .github/workflows/cd.yml (job ship: `kubectl apply -f k8s/ --namespace preprod`), but no DAST tool runs (ZAP, Nuclei and StackHawk are recognised)',
      location: { path: '.github/workflows/cd.yml', line: 10 },
    });
  });

  it('is not applicable without a staging deploy', () => {
    const wf = makeWorkflow(
      '.github/workflows/ci.yml',
      ['pull_request'],
      [
        makeJob('qa-lint', [{ run: 'npm run lint' }]),
        makeJob('prod', [{ run: 'deploy --env production' }], { environment: 'production' }),
      ],
    );
    expect(outcomes(runCheck(check, { workflows: set(wf) }))).toEqual(['not_applicable']);
  });
});
