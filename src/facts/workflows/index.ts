/**
 * Pure helpers over the workflow facts that the workflows source and the pipeline checks share:
 * the step/trigger model, GitHub expression parsing and the lists of test commands and actions.
 */
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
