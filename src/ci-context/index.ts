/** The CI context's entry point: what pipeline run produced a piece of evidence. */
export { captureCiContext, jsonPointer, type Env } from './capture.js';
export { commandNow } from './clock.js';
export type { CiContext, CiEvent, CiPullRequest, CiReview, CiSystem } from './types.js';
