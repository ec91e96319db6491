/** The CI gate's entry point: detect the context, decide from recorded evidence, explain, record. */
export { runGate, type GateOptions, type GateRun } from './run.js';
export {
  detectContext,
  decideDeploy,
  decidePullRequest,
  type GateContext,
  type GateDecision,
  type PullRequestEvidence,
} from './decide.js';
export { explainText, explainMarkdown } from './explain.js';
