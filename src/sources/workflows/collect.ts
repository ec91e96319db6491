import { promises as fs } from 'node:fs';
import {
  unavailable,
  type Unavailable,
  type Workflow,
  type WorkflowError,
  type WorkflowSet,
} from '../../facts/index.js';
import type { SourceContext } from '../context.js';
import { RepoReader } from './files.js';
import { parseGithubWorkflow, type GithubContext } from './github.js';
import { parseGitlabCi } from './gitlab.js';

const GITHUB_DIR = '.github/workflows';
const GITLAB_FILE = '.gitlab-ci.yml';

/**
 * Reads every CI workflow of the repository: GitHub Actions workflows (with the local composite
 * actions they use) and the GitLab CI configuration (with its local includes). A file that does
 * not parse is reported in `errors` and left out; the others are still read. Never throws on bad
 * input.
 */
export async function collectWorkflows(ctx: SourceContext): Promise<WorkflowSet | Unavailable> {
  const ok = await fs.stat(ctx.root).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!ok) return unavailable(`the repository folder ${ctx.root} cannot be read`);
  const reader = new RepoReader(ctx.root);
  const errors: WorkflowError[] = [];
  const files: Workflow[] = [];

  const gh: GithubContext = { reader, errors, actions: new Map() };
  for (const file of await githubWorkflowFiles(reader, errors)) {
    const read = await reader.read(file);
    if (!read.ok) {
      errors.push({ path: file, message: read.message });
      continue;
    }
    const wf = await parseGithubWorkflow(file, read.text, gh);
    if (wf) files.push(wf);
  }

  const gitlab = await reader.read(GITLAB_FILE);
  if (gitlab.ok) {
    const wf = await parseGitlabCi(GITLAB_FILE, gitlab.text, reader, errors);
    if (wf) files.push(wf);
  } else if (!gitlab.missing) errors.push({ path: GITLAB_FILE, message: gitlab.message });

  ctx.progress(`workflows: ${files.length} read, ${errors.length} problem(s)`);
  return { files, errors };
}

async function githubWorkflowFiles(reader: RepoReader, errors: WorkflowError[]): Promise<string[]> {
  const dir = await reader.resolve(GITHUB_DIR);
  if (!dir.ok) {
    if (!dir.missing) errors.push({ path: GITHUB_DIR, message: dir.message });
    return [];
  }
  // GitHub reads only the files directly in .github/workflows.
  const names = await reader.list(GITHUB_DIR);
  return names
    .filter((n) => /\.ya?ml$/i.test(n))
    .sort()
    .map((n) => `${GITHUB_DIR}/${n}`);
}
