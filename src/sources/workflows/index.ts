/**
 * The workflows source: CI configuration read from the working tree (GitHub Actions and GitLab CI)
 * as `WorkflowSet` facts. The pure helpers over them that the checks share are in src/facts/workflows/.
 */
export { collectWorkflows } from './collect.js';
export { MAX_FILE_BYTES } from './files.js';
