/**
 * Scanners in CI: a catalog of security scanners (as data) and the recognition of the scans that
 * run in CI workflows, with their triggers and whether they can fail the pipeline. Scan types and
 * the tool table are the shared model in facts/scans.ts, re-exported here.
 */
export { SCANNERS, type ScannerEntry, type StepCondition } from './catalog.js';
export {
  PIPELINE_SCAN_TYPES,
  SCAN_TYPES,
  SCAN_TYPE_LABEL,
  TOOL_SCAN_TYPES,
  scanTypeForTool,
  type ScanType,
} from '../facts/scans.js';
export {
  scansInWorkflows,
  runsOnPullRequests,
  runsOnPush,
  scheduleOf,
  eventsOf,
  describeUse,
  scriptLines,
  coverageOf,
  ciResource,
  scannerNames,
  type Coverage,
  type ScanUse,
} from './recognize.js';
export { cronFrequency, type CronFrequency } from './cron.js';
export { requiredScanTypes } from './required.js';
export { makeStep, makeJob, makeWorkflow } from './build.js';
