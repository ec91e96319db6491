import { unavailable, type RepoFiles, type Unavailable } from '../../facts/index.js';
import type { SourceContext } from '../context.js';

// Placeholder until the repo-files source lands: says so instead of pretending.
export async function collectRepoFiles(_ctx: SourceContext): Promise<RepoFiles | Unavailable> {
  return unavailable('the repo-files source is not built yet');
}
