import { unavailable, type WorkflowSet, type Unavailable } from '../../facts/index.js';
import type { SourceContext } from '../context.js';

// Placeholder until the workflows source lands: says so instead of pretending.
export async function collectWorkflows(_ctx: SourceContext): Promise<WorkflowSet | Unavailable> {
  return unavailable('the workflows source is not built yet');
}
