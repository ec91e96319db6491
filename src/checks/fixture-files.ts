import type { WorkflowSet } from '../facts/index.js';
import type { Finding } from './define-check.js';

/** Folders whose files are samples or someone else's code, not what this repository ships. */
const FIXTURE_DIRS: [RegExp, string][] = [
  [/(?:^|\/)(?:testdata|test-data|fixtures|__fixtures__)\//, 'test fixtures'],
  [/(?:^|\/)(?:test|tests|__tests__|spec)\//, 'tests'],
  [/(?:^|\/)(?:examples?|samples?)\//, 'examples'],
  [/(?:^|\/)(?:vendor|third_party|node_modules)\//, 'vendored code'],
];

export interface SetAside {
  path: string;
  /** e.g. `in test fixtures (testdata/), built by no workflow`. */
  reason: string;
}

/**
 * Splits repository files (Dockerfiles, IaC) into those the checks hold the repository to and
 * those set aside: files under test fixtures, tests, examples or vendored code that no workflow
 * names (in a `run:` script or a step input such as `file:`/`context:`). A fixture a workflow
 * builds or applies stays in scope.
 */
export function setAsideFixtures<T extends { path: string }>(
  files: T[],
  workflows: WorkflowSet,
): { kept: T[]; setAside: SetAside[] } {
  const texts = workflowTexts(workflows);
  const kept: T[] = [];
  const setAside: SetAside[] = [];
  for (const f of files) {
    const hit = FIXTURE_DIRS.map(([re, what]) => ({ m: re.exec(f.path), what })).find((x) => x.m);
    if (!hit?.m || namedByWorkflow(f.path, texts)) {
      kept.push(f);
      continue;
    }
    const dir = hit.m[0].replace(/^\//, '');
    setAside.push({ path: f.path, reason: `in ${hit.what} (${dir}), used by no workflow` });
  }
  return { kept, setAside };
}

/** `a/b (in test fixtures (testdata/), used by no workflow); …` for a result message. */
export function describeSetAside(setAside: SetAside[], max = 5): string {
  const shown = setAside.slice(0, max).map((s) => `${s.path} (${s.reason})`);
  const more = setAside.length > max ? `; and ${setAside.length - max} more` : '';
  return `${shown.join('; ')}${more}`;
}

interface WorkflowTexts {
  scripts: string[];
  /** Step inputs and job images, compared whole (`context: testdata/app`). */
  values: Set<string>;
}

/** Names the files set aside in every result's message and details. */
export function withSetAside(findings: Finding[], setAside: SetAside[]): Finding[] {
  if (!setAside.length) return findings;
  return findings.map((f) => ({
    ...f,
    message: `${f.message}. Set aside: ${describeSetAside(setAside)}`,
    details: { ...f.details, setAside },
  }));
}

function workflowTexts(workflows: WorkflowSet): WorkflowTexts {
  const scripts: string[] = [];
  const values = new Set<string>();
  for (const job of workflows.files.flatMap((wf) => wf.jobs)) {
    if (job.image) values.add(job.image);
    for (const s of job.steps) {
      if (s.run) scripts.push(s.run);
      for (const v of Object.values(s.with)) {
        values.add(v.trim().replace(/^\.\//, '').replace(/\/$/, ''));
        scripts.push(v);
      }
    }
  }
  return { scripts, values };
}

/**
 * A workflow names the file (`-f testdata/app/Dockerfile`) or its folder (`docker build
 * ./testdata/app`, `context: testdata/app`). A one-word folder counts only as `./dir` or `dir/`,
 * so `npm test` does not name `test/`.
 */
function namedByWorkflow(path: string, texts: WorkflowTexts): boolean {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  if (texts.values.has(path) || (dir && texts.values.has(dir))) return true;
  const before = `(?:^|[\\s"'=:,])(?:\\./)?`;
  const after = `(?=$|[\\s"';,)])`;
  const res = [new RegExp(`${before}${escape(path)}${after}`)];
  if (dir)
    res.push(
      dir.includes('/')
        ? new RegExp(`${before}${escape(dir)}/?${after}`)
        : new RegExp(`(?:^|[\\s"'=:,])(?:\\./${escape(dir)}/?${after}|${escape(dir)}/${after})`),
    );
  return texts.scripts.some((t) => res.some((re) => re.test(t)));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
