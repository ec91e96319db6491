import { lstat, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  isUnavailable,
  type IacKind,
  type RepoFiles,
  type SecretFinding,
  type Unavailable,
} from '../../facts/index.js';
import type { SourceContext } from '../context.js';
import { kindsByContent, kindsByName, securityPolicyRank, type FileKinds } from './classify.js';
import { CODEOWNERS_LOCATIONS, parseCodeowners, type Flavour } from './codeowners.js';
import {
  DEPENDABOT_FILES,
  parseDependabot,
  parseRenovate,
  RENOVATE_FILES,
  renovateInPackageJson,
  type DependencyUpdate,
  type ParseError,
} from './dependency-updates.js';
import { listFiles, repositoryName } from './list.js';
import { loadSecretScanner, type ScanText } from './secrets.js';
export { placeholderReason } from './secrets.js';

export { parseCodeowners, CODEOWNERS_LOCATIONS } from './codeowners.js';

/** Files larger than this are not read (counted as `too-large`). */
export const MAX_FILE_BYTES = 1024 * 1024;
/** A NUL byte in this many first bytes marks a file as binary. */
const SNIFF_BYTES = 8 * 1024;
const CONCURRENCY = 8;
const PROGRESS_EVERY = 500;

/**
 * Reads the working tree once: CODEOWNERS, Dependabot/Renovate, SECURITY.md, infrastructure
 * code, policy files, dependency manifests, and a secretlint scan of every text file.
 */
export async function collectRepoFiles(
  ctx: SourceContext,
  opts: { secretlint?: Parameters<typeof loadSecretScanner>[0] } = {},
): Promise<RepoFiles | Unavailable> {
  const root = path.resolve(ctx.root);
  const listing = await listFiles(root);
  const scanner = await loadSecretScanner(opts.secretlint);
  const state = newState();
  const total = listing.files.length;
  ctx.progress(`repo-files: reading ${total} files`);

  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const rel = listing.files[next++] as string;
      await visit(root, rel, state, isUnavailable(scanner) ? null : scanner);
      if (++done % PROGRESS_EVERY === 0) ctx.progress(`repo-files: ${done}/${total} files`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, total) }, worker));
  ctx.progress(`repo-files: ${total}/${total} files, ${state.secrets.length} possible secrets`);

  const listed = new Set(listing.files);
  const facts: RepoFiles = {
    root,
    codeowners: await readCodeowners(root, listed),
    dependencyUpdates: [],
    securityPolicy: state.securityPolicy?.path ?? null,
    iac: sortByPath(state.iac),
    policies: sortByPath(state.policies),
    manifests: sortByPath(state.manifests),
    secrets: isUnavailable(scanner) ? scanner : state.secrets.sort(byPlace),
    filesScanned: state.filesScanned,
    skipped: state.skipped,
    repository: listing.mode === 'git' ? await repositoryName(root) : path.basename(root),
  };
  const { updates, errors } = await readDependencyUpdates(root, listed);
  facts.dependencyUpdates = updates;
  if (errors.length) facts.parseErrors = errors;
  return facts;
}

interface State {
  iac: { kind: IacKind; path: string }[];
  policies: { engine: string; path: string }[];
  manifests: { ecosystem: string; path: string }[];
  secrets: SecretFinding[];
  securityPolicy: { path: string; rank: number } | null;
  filesScanned: number;
  skipped: Record<string, number>;
}

function newState(): State {
  return {
    iac: [],
    policies: [],
    manifests: [],
    secrets: [],
    securityPolicy: null,
    filesScanned: 0,
    skipped: {},
  };
}

function skip(state: State, reason: string): void {
  state.skipped[reason] = (state.skipped[reason] ?? 0) + 1;
}

async function visit(root: string, rel: string, state: State, scan: ScanText | null): Promise<void> {
  const abs = path.join(root, rel);
  let info;
  try {
    info = await lstat(abs);
  } catch {
    return skip(state, 'missing');
  }
  // Symlinks are never followed: no loops, and nothing outside the tree is read.
  if (info.isSymbolicLink()) return skip(state, 'symlink');
  if (info.isDirectory()) return skip(state, 'submodule');
  if (!info.isFile()) return skip(state, 'not-a-file');

  const rank = securityPolicyRank(rel);
  if (rank !== null && (!state.securityPolicy || rank < state.securityPolicy.rank))
    state.securityPolicy = { path: rel, rank };
  record(state, rel, kindsByName(rel));

  if (info.size > MAX_FILE_BYTES) return skip(state, 'too-large');
  let bytes: Buffer;
  try {
    bytes = await readSmall(abs, info.size);
  } catch {
    return skip(state, 'unreadable');
  }
  if (bytes.subarray(0, SNIFF_BYTES).includes(0)) return skip(state, 'binary');
  const text = bytes.toString('utf8');
  state.filesScanned++;
  record(state, rel, kindsByContent(rel, text));
  if (scan) state.secrets.push(...(await scan(rel, text)));
}

async function readSmall(abs: string, size: number): Promise<Buffer> {
  const fh = await open(abs, 'r');
  try {
    const buf = Buffer.alloc(size);
    const { bytesRead } = await fh.read(buf, 0, size, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function record(state: State, rel: string, kinds: FileKinds): void {
  if (kinds.iac) state.iac.push({ kind: kinds.iac, path: rel });
  if (kinds.policy) state.policies.push({ engine: kinds.policy, path: rel });
  if (kinds.manifest) state.manifests.push({ ecosystem: kinds.manifest, path: rel });
}

async function readCodeowners(root: string, listed: Set<string>): Promise<RepoFiles['codeowners']> {
  const found = CODEOWNERS_LOCATIONS.find((p) => listed.has(p));
  if (!found) return null;
  const text = await readConfig(root, found);
  if (text === null) return null;
  // GitLab reads root and docs/ too; its section syntax is valid where GitLab is the forge.
  const gitlab = found.startsWith('.gitlab/') || (listed.has('.gitlab-ci.yml') && !hasGithubDir(listed));
  const flavour: Flavour = gitlab ? 'gitlab' : 'github';
  return parseCodeowners(found, text, flavour);
}

function hasGithubDir(listed: Set<string>): boolean {
  for (const p of listed) if (p.startsWith('.github/')) return true;
  return false;
}

async function readDependencyUpdates(
  root: string,
  listed: Set<string>,
): Promise<{ updates: DependencyUpdate[]; errors: ParseError[] }> {
  const updates: DependencyUpdate[] = [];
  const errors: ParseError[] = [];
  const take = (r: ReturnType<typeof parseDependabot>) =>
    'update' in r ? updates.push(r.update) : errors.push(r.error);
  for (const p of DEPENDABOT_FILES.filter((f) => listed.has(f))) {
    const text = await readConfig(root, p);
    if (text !== null) take(parseDependabot(p, text));
  }
  for (const p of RENOVATE_FILES.filter((f) => listed.has(f))) {
    const text = await readConfig(root, p);
    if (text !== null) take(parseRenovate(p, text));
  }
  if (listed.has('package.json')) {
    const text = await readConfig(root, 'package.json');
    const fromPkg = text === null ? null : renovateInPackageJson(text);
    if (fromPkg) updates.push(fromPkg);
  }
  return { updates, errors };
}

/** A small configuration file, read only when it is a regular file inside the tree. */
async function readConfig(root: string, rel: string): Promise<string | null> {
  try {
    const abs = path.join(root, rel);
    const info = await lstat(abs);
    if (!info.isFile() || info.size > MAX_FILE_BYTES) return null;
    return await readFile(abs, 'utf8');
  } catch {
    return null;
  }
}

function sortByPath<T extends { path: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function byPlace(a: SecretFinding, b: SecretFinding): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return a.line - b.line || (a.column ?? 0) - (b.column ?? 0);
}
