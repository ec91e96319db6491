/**
 * The workflows source: CI configuration read from the working tree (GitHub Actions and GitLab CI)
 * as `WorkflowSet` facts, plus the pure helpers and data lists the checks share.
 */
export { collectWorkflows } from './collect.js';
export { MAX_FILE_BYTES } from './files.js';
export { findExpressions, secretRefs, eventsAllowedBy, type ExpressionSpan } from './github-expr.js';
export {
  PULL_REQUEST_EVENTS,
  FULL_SHA,
  effectiveEvents,
  runsOnPullRequests,
  expandedSteps,
  scriptLocation,
  parseUses,
  type ActionRef,
} from './model.js';
export {
  TEST_COMMANDS,
  TEST_ACTIONS,
  findTestCommand,
  stepRunsTests,
  type TestCommand,
  type TestAction,
  type TestMatch,
} from './test-commands.js';
