/**
 * The workflows source: CI configuration read from the working tree (GitHub Actions and GitLab CI)
 * as `WorkflowSet` facts. The pure helpers the checks share live in src/facts/workflows/ and are
 * re-exported here for the source's own readers.
 */
export { collectWorkflows } from './collect.js';
export { MAX_FILE_BYTES } from './files.js';
export {
  findExpressions,
  secretRefs,
  eventsAllowedBy,
  type ExpressionSpan,
  PULL_REQUEST_EVENTS,
  FULL_SHA,
  effectiveEvents,
  runsOnPullRequests,
  expandedSteps,
  scriptLocation,
  parseUses,
  type ActionRef,
  TEST_COMMANDS,
  TEST_ACTIONS,
  findTestCommand,
  stepRunsTests,
  type TestCommand,
  type TestAction,
  type TestMatch,
} from '../../facts/workflows/index.js';
