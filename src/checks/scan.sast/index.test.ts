import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { configSchema } from '../../config/index.js';
import type { WorkflowSet } from '../../facts/index.js';
import { makeJob, makeWorkflow } from '../../scanners/index.js';
import check from './index.js';

const set = (...files: ReturnType<typeof makeWorkflow>[]): WorkflowSet => ({ files, errors: [] });

describe('scan.sast', () => {
  it('passes when a SAST tool gates pull requests', () => {
    const wf = makeWorkflow(
      '.github/workflows/codeql.yml',
      ['pull_request', 'push'],
      [makeJob('analyze', [{ uses: 'actions/checkout@v4' }, { uses: 'github/codeql-action/analyze@v3' }])],
    );
    const [f, ...rest] = runCheck(check, { workflows: set(wf) });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      outcome: 'pass',
      resource: '.github/workflows/codeql.yml',
      location: { path: '.github/workflows/codeql.yml', line: 11 },
    });
    expect(f?.message).toContain('CodeQL (.github/workflows/codeql.yml, job analyze)');
  });

  it('fails when the only SAST on pull requests cannot fail the build', () => {
    const wf = makeWorkflow(
      '.github/workflows/ci.yml',
      ['pull_request'],
      [makeJob('semgrep', [{ run: 'semgrep ci', continueOnError: true }])],
    );
    const findings = runCheck(check, { workflows: set(wf) });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toBe(
      'Semgrep (.github/workflows/ci.yml, job semgrep) runs SAST on pull requests but cannot fail the build: continue-on-error: true on the step',
    );
    expect(findings[0]?.location).toEqual({ path: '.github/workflows/ci.yml', line: 10 });
  });

  it('fails when SAST runs only on a schedule', () => {
    const wf = makeWorkflow(
      '.github/workflows/nightly.yml',
      [{ event: 'schedule', cron: '0 2 * * *' }],
      [makeJob('codeql', [{ uses: 'github/codeql-action/analyze@v3' }])],
    );
    const findings = runCheck(check, { workflows: set(wf) });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.message).toMatch(/only on schedule, never on pull requests$/);
  });

  it('fails when no SAST runs, and says code scanning comes from GitHub', () => {
    const wf = makeWorkflow(
      '.github/workflows/ci.yml',
      ['pull_request'],
      [makeJob('test', [{ run: 'npm test' }])],
    );
    const findings = runCheck(check, { workflows: set(wf) });
    expect(outcomes(findings)).toEqual(['fail']);
    expect(findings[0]?.resource).toBe('.github/workflows');
    expect(findings[0]?.message).toMatch(/^No SAST tool runs in CI .*GitHub code scanning/);
  });

  it('is not applicable when config does not require SAST and none runs', () => {
    const config = configSchema.parse({ scans: { required: ['sca', 'secrets'] } });
    const findings = runCheck(check, { workflows: set() }, { config });
    expect(outcomes(findings)).toEqual(['not_applicable']);
    expect(findings[0]?.message).toMatch(/not required by config/);
  });
});
