/**
 * The scanner room: a catalog of security scanners (as data) and the recognition of the scans
 * that run in CI workflows, with their triggers and whether they can fail the pipeline.
 */
export {
  SCANNERS,
  SCAN_TYPES,
  SCAN_TYPE_LABEL,
  type ScanType,
  type ScannerEntry,
  type StepCondition,
} from './catalog.js';
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
