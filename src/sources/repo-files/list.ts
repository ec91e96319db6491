import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Directories a plain walk never enters: dependencies, VCS data and tool caches. */
const SKIP_DIRS = new Set(['node_modules', '.git', 'vendor', '.terraform', '.greenlight']);

export interface Listing {
  /** Paths relative to the root, forward slashes, sorted, without duplicates. */
  files: string[];
  mode: 'git' | 'walk';
}

/**
 * Lists the working tree once: through git when the root is in a repository (so `.gitignore` is
 * respected, tracked and untracked files alike), else by a walk that never follows symlinks.
 */
export async function listFiles(root: string): Promise<Listing> {
  const viaGit = await gitListing(root);
  if (viaGit) return { files: viaGit, mode: 'git' };
  const files: string[] = [];
  await walk(root, '', files);
  return { files: [...new Set(files)].sort(), mode: 'walk' };
}

async function gitListing(root: string): Promise<string[] | null> {
  try {
    const { stdout } = await run('git', ['-C', root, 'ls-files', '-co', '--exclude-standard', '-z'], {
      maxBuffer: 1024 * 1024 * 1024,
      encoding: 'buffer',
    });
    const names = stdout.toString('utf8').split('\0').filter(Boolean);
    return [...new Set(names)].sort();
  } catch {
    return null;
  }
}

async function walk(root: string, rel: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(path.join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    // Symlinks are listed (and later skipped as such) but never descended into: no loops, no escapes.
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) await walk(root, child, out);
    } else {
      out.push(child);
    }
  }
}

/** `owner/repo` from the origin remote (or the first remote), else the folder name. */
export async function repositoryName(root: string): Promise<string> {
  const fallback = path.basename(path.resolve(root));
  try {
    const { stdout } = await run('git', ['-C', root, 'remote'], { encoding: 'utf8' });
    const remotes = stdout.split('\n').filter(Boolean);
    const name = remotes.includes('origin') ? 'origin' : remotes[0];
    if (!name) return fallback;
    const { stdout: url } = await run('git', ['-C', root, 'remote', 'get-url', name], { encoding: 'utf8' });
    const m = /[:/]([^/:]+\/[^/]+?)(?:\.git)?\/?$/.exec(url.trim());
    return m?.[1] ?? fallback;
  } catch {
    return fallback;
  }
}
