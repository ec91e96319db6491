import { unavailable, type GithubFacts, type Unavailable } from '../../facts/index.js';
import type { SourceContext } from '../context.js';

export async function collectGithub(_ctx: SourceContext): Promise<GithubFacts | Unavailable> {
  return unavailable('the GitHub source is being built');
}
