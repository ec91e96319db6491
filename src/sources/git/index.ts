import { unavailable, type GitHistory, type Unavailable } from '../../facts/index.js';
import type { SourceContext } from '../context.js';

// Placeholder until the git source lands: says so instead of pretending.
export async function collectGit(_ctx: SourceContext): Promise<GitHistory | Unavailable> {
  return unavailable('the git source is not built yet');
}
