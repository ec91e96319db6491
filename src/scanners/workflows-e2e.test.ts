import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../test/check-tester.js';
import scanSast from '../checks/scan.sast/index.js';
import scanSca from '../checks/scan.sca/index.js';
import scanSecrets from '../checks/scan.secrets/index.js';
import { defaultConfig } from '../config/index.js';
import { isUnavailable, type WorkflowSet } from '../facts/index.js';
import { collectRepoFiles } from '../sources/repo-files/index.js';
import { collectWorkflows } from '../sources/workflows/index.js';
import { eventsOf, scansInWorkflows, scheduleOf } from './index.js';

const SECURITY_YML = `name: security
on:
  pull_request:
  push:
    branches: [main]
  schedule:
    - cron: "17 4 * * *"
jobs:
  codeql:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: github/codeql-action/init@v3
      - uses: github/codeql-action/analyze@v3
  deps:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - name: audit
        run: |
          npm audit --audit-level=high
  leaks:
    if: github.event_name == 'pull_request'
    uses: ./.github/workflows/leaks.yml
`;

const LEAKS_YML = `on: workflow_call
jobs:
  gitleaks:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: gitleaks/gitleaks-action@v2
        continue-on-error: true
`;

const GITLAB_CI = `stages: [test]
semgrep:
  stage: test
  image: semgrep/semgrep
  script:
    - semgrep ci
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
secrets:
  stage: test
  script:
    - gitleaks detect --source .
  allow_failure: true
`;

let root: string;
let workflows: WorkflowSet;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'gl-scan-e2e-'));
  mkdirSync(path.join(root, '.github/workflows'), { recursive: true });
  writeFileSync(path.join(root, '.github/workflows/security.yml'), SECURITY_YML);
  writeFileSync(path.join(root, '.github/workflows/leaks.yml'), LEAKS_YML);
  writeFileSync(path.join(root, '.gitlab-ci.yml'), GITLAB_CI);
  writeFileSync(path.join(root, 'package.json'), '{"name":"app"}\n');
  const ctx = { root, since: null, until: new Date(), config: defaultConfig(), progress: () => {} };
  const wf = await collectWorkflows(ctx);
  if (isUnavailable(wf)) throw new Error(wf.reason);
  expect(wf.errors).toEqual([]);
  workflows = wf;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('scan recognition over workflows parsed by the workflows source', () => {
  it('finds each scan with its real location, triggers and blocking state', () => {
    const uses = scansInWorkflows(workflows).map((u) => ({
      where: `${u.location.path}:${u.location.line}`,
      scanner: u.scanner,
      type: u.type,
      events: eventsOf(u).sort(),
      blocking: u.blocking,
    }));
    expect(uses).toEqual([
      {
        where: '.github/workflows/leaks.yml:7',
        scanner: 'gitleaks',
        type: 'secrets',
        events: ['pull_request'],
        blocking: false,
      },
      {
        where: '.github/workflows/security.yml:14',
        scanner: 'codeql',
        type: 'sast',
        events: ['pull_request', 'push', 'schedule'],
        blocking: true,
      },
      {
        where: '.github/workflows/security.yml:22',
        scanner: 'npm-audit',
        type: 'sca',
        events: ['pull_request', 'push', 'schedule'],
        blocking: true,
      },
      {
        where: '.gitlab-ci.yml:5',
        scanner: 'semgrep',
        type: 'sast',
        events: ['pull_request'],
        blocking: true,
      },
      {
        where: '.gitlab-ci.yml:11',
        scanner: 'gitleaks',
        type: 'secrets',
        events: ['push', 'workflow_dispatch'],
        blocking: false,
      },
    ]);
    const audit = scansInWorkflows(workflows).find((u) => u.scanner === 'npm-audit');
    expect(scheduleOf(audit!)).toBe('daily');
  });

  it('runs the scan checks on them', async () => {
    expect(outcomes(runCheck(scanSast, { workflows }))).toEqual(['pass']);
    const secrets = runCheck(scanSecrets, { workflows });
    expect(outcomes(secrets)).toEqual(['fail', 'fail']);
    expect(secrets[0]?.message).toMatch(
      /leaks\.yml, job gitleaks\) scans for secrets but cannot fail the build: continue-on-error/,
    );
    expect(secrets[1]?.message).toMatch(/cannot fail the build: `allow_failure: true` on the job$/);
    const repoFiles = await collectRepoFiles({
      root,
      since: null,
      until: new Date(),
      config: defaultConfig(),
      progress: () => {},
    });
    if (isUnavailable(repoFiles)) throw new Error(repoFiles.reason);
    expect(outcomes(runCheck(scanSca, { workflows, repoFiles }))).toEqual(['pass']);
  });
});
