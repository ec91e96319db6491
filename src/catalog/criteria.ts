/** SOC 2 Trust Services Criteria in scope (2017 TSC, points of focus revised 2022). Summaries are ours. */
export interface Criterion {
  id: string;
  title: string;
}

export const CRITERIA: readonly Criterion[] = [
  { id: 'CC4.1', title: 'Evaluate controls continually, and know they are present and working' },
  { id: 'CC4.2', title: 'Report control deficiencies promptly to whoever must fix them' },
  { id: 'CC6.1', title: 'Logical access security over protected assets (authentication, MFA, secrets)' },
  {
    id: 'CC6.2',
    title: 'Register and authorize users before access; remove access when no longer authorized',
  },
  { id: 'CC6.3', title: 'Grant and change access by role: least privilege, segregation of duties' },
  { id: 'CC6.6', title: 'Protect against threats from outside the system boundary' },
  { id: 'CC6.7', title: 'Restrict and protect movement of information (transmission, webhooks, secrets)' },
  { id: 'CC6.8', title: 'Prevent or detect unauthorized or malicious software' },
  {
    id: 'CC7.1',
    title: 'Detect configuration changes that add vulnerabilities, and newly found vulnerabilities',
  },
  { id: 'CC7.2', title: 'Monitor components for anomalies that indicate attacks or errors' },
  { id: 'CC7.3', title: 'Evaluate security events to decide whether they are incidents' },
  { id: 'CC7.4', title: 'Respond to incidents under a defined program' },
  {
    id: 'CC8.1',
    title: 'Authorize, design, develop, configure, document, test, approve and implement changes',
  },
];
