/**
 * The five maturity levels of the source article, as data. A level is reached when every
 * requirement of it and of every level below is met. A requirement is met when each of its
 * checks passes (or is excepted or not applicable); a check that could not be evaluated
 * (`not_available`) does not meet it, so missing data never raises the level.
 */
export interface MaturityRequirement {
  id: string;
  description: string;
  /** Checks that must all pass. */
  checks?: string[];
  /** Control families (or single controls) whose every check must pass. */
  controls?: string[];
  /** A signal the engine computes from facts or history, such as `pipelines-exist`. */
  signal?: 'pipelines-exist' | 'failing-checks-falling';
}

export interface MaturityLevel {
  level: 1 | 2 | 3 | 4 | 5;
  name: string;
  requirements: MaturityRequirement[];
}

export const MATURITY: readonly MaturityLevel[] = [
  { level: 1, name: 'Ad-hoc', requirements: [] },
  {
    level: 2,
    name: 'Defined',
    requirements: [
      {
        id: 'ci-pipelines',
        description: 'CI pipelines exist for the repositories in scope',
        signal: 'pipelines-exist',
      },
    ],
  },
  {
    level: 3,
    name: 'Automated',
    requirements: [
      { id: 'sast', description: 'SAST runs in CI', checks: ['scan.sast'] },
      { id: 'sca', description: 'SCA runs in CI', checks: ['scan.sca'] },
      { id: 'secret-detection', description: 'Secret detection runs in CI', checks: ['scan.secrets'] },
      {
        id: 'prs-required',
        description: 'Pull requests and approvals are required',
        checks: ['branch.pr-required', 'branch.approvals-required'],
      },
      { id: 'mfa', description: 'MFA is enforced', checks: ['org.mfa-required'] },
      { id: 'audit-events', description: 'Audit events are collected', checks: ['audit-log.streaming'] },
    ],
  },
  {
    level: 4,
    name: 'Continuous',
    requirements: [
      {
        id: 'cm-vm',
        description: 'All change-management and vulnerability-management controls pass',
        controls: ['CM', 'VM'],
      },
      {
        id: 'evidence',
        description: 'Evidence is collected continuously, immutable, retained and complete',
        controls: ['EV-1', 'EV-2', 'EV-3'],
      },
    ],
  },
  {
    level: 5,
    name: 'Predictive',
    requirements: [
      { id: 'anomaly-detection', description: 'Anomaly detection is on', checks: ['anomaly.detection'] },
      {
        id: 'automated-remediation',
        description: 'Automated remediation is on (dependency update bots)',
        checks: ['scan.dependency-updates'],
      },
      {
        id: 'trend',
        description: 'The failing-check count fell over the last four weeks',
        signal: 'failing-checks-falling',
      },
    ],
  },
];
