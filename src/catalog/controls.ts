/** Controls a software team runs in its pipeline, with the criteria they satisfy and framework references. */
export type Family = 'CM' | 'AC' | 'CI' | 'VM' | 'MO' | 'EV';

export interface Control {
  id: string;
  family: Family;
  title: string;
  criteria: string[];
  iso27001: string[];
  nist80053: string[];
}

const CM = {
  criteria: ['CC8.1'],
  iso27001: ['A.8.32', 'A.8.25'],
  nist80053: ['CM-3', 'CM-4', 'CM-5', 'SA-10'],
};
const AC = {
  criteria: ['CC6.1', 'CC6.2', 'CC6.3'],
  iso27001: ['A.5.15', 'A.5.16', 'A.5.17', 'A.5.18', 'A.8.5'],
  nist80053: ['AC-2', 'AC-6', 'IA-2'],
};
const CI = {
  criteria: ['CC6.1', 'CC6.6', 'CC6.7', 'CC6.8'],
  iso27001: ['A.8.9', 'A.8.24'],
  nist80053: ['CM-5', 'SA-11'],
};
const VM = { criteria: ['CC7.1', 'CC6.8'], iso27001: ['A.8.8'], nist80053: ['RA-5', 'SI-2'] };
const MO_ISO = ['A.5.28', 'A.8.15', 'A.8.16'];

export const CONTROLS: readonly Control[] = [
  { id: 'CM-1', family: 'CM', title: 'Changes reach protected branches only through pull requests', ...CM },
  { id: 'CM-2', family: 'CM', title: 'Changes are approved by someone other than the author', ...CM },
  { id: 'CM-3', family: 'CM', title: 'Changes are tested before they merge', ...CM },
  { id: 'CM-4', family: 'CM', title: 'Changes are documented', ...CM },
  {
    id: 'CM-5',
    family: 'CM',
    title: 'Emergency changes are documented and reviewed afterwards',
    ...CM,
    criteria: ['CC8.1', 'CC7.4'],
  },
  { id: 'CM-6', family: 'CM', title: 'Production deploys are traceable to approved changes', ...CM },
  { id: 'CM-7', family: 'CM', title: 'History keeps its integrity', ...CM },
  { id: 'AC-1', family: 'AC', title: 'MFA everywhere', ...AC },
  { id: 'AC-2', family: 'AC', title: 'Least privilege', ...AC },
  { id: 'AC-3', family: 'AC', title: 'Access is reviewed', ...AC },
  { id: 'CI-1', family: 'CI', title: 'CI/CD credentials hold least privilege', ...CI },
  { id: 'CI-2', family: 'CI', title: 'The pipeline resists untrusted input', ...CI },
  { id: 'CI-3', family: 'CI', title: 'Infrastructure as code is scanned and governed by policy', ...CI },
  { id: 'VM-1', family: 'VM', title: 'SAST on every PR', ...VM },
  { id: 'VM-2', family: 'VM', title: 'SCA on every PR and daily', ...VM },
  { id: 'VM-3', family: 'VM', title: 'Container scanning on build and daily', ...VM },
  { id: 'VM-4', family: 'VM', title: 'Secret detection on every commit', ...VM },
  { id: 'VM-5', family: 'VM', title: 'DAST against staging', ...VM },
  { id: 'VM-6', family: 'VM', title: 'Scans are gates, not advice', ...VM },
  { id: 'VM-7', family: 'VM', title: 'Vulnerabilities are fixed within SLA', ...VM },
  {
    id: 'MO-1',
    family: 'MO',
    title: 'Pipeline and access events are logged and streamed',
    criteria: ['CC7.2', 'CC7.3'],
    iso27001: MO_ISO,
    nist80053: ['AU-6', 'AU-9', 'SI-4'],
  },
  {
    id: 'MO-2',
    family: 'MO',
    title: 'Anomalies are detected and raised',
    criteria: ['CC7.2', 'CC7.3', 'CC4.2'],
    iso27001: MO_ISO,
    nist80053: ['AU-6', 'SI-4'],
  },
  {
    id: 'EV-1',
    family: 'EV',
    title: 'Evidence is collected continuously',
    criteria: ['CC4.1'],
    iso27001: ['A.8.15'],
    nist80053: ['CA-7', 'AU-6'],
  },
  {
    id: 'EV-2',
    family: 'EV',
    title: 'Evidence is immutable and retained',
    criteria: ['CC4.1'],
    iso27001: ['A.8.15'],
    nist80053: ['AU-9', 'AU-11'],
  },
  {
    id: 'EV-3',
    family: 'EV',
    title: 'The change population is complete',
    criteria: ['CC4.1', 'CC4.2'],
    iso27001: ['A.5.28', 'A.8.15'],
    nist80053: ['CA-7', 'AU-6'],
  },
];
