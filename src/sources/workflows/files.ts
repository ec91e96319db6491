import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Workflow files larger than this are not parsed (a real workflow is a few KiB). */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export type ReadResult = { ok: true; text: string } | { ok: false; missing: boolean; message: string };

/**
 * Reads files under one repository root without ever leaving it: symlinks are followed only when
 * their target stays inside the root, loops and dangling links are reported, big files skipped.
 */
export class RepoReader {
  private realRoot: string | undefined;

  constructor(readonly root: string) {}

  private async rootReal(): Promise<string> {
    this.realRoot ??= await fs.realpath(this.root);
    return this.realRoot;
  }

  /** Resolves a repository-relative path to a real path inside the root, or explains why not. */
  async resolve(
    rel: string,
  ): Promise<{ ok: true; real: string } | { ok: false; missing: boolean; message: string }> {
    const root = await this.rootReal();
    const abs = path.resolve(root, rel);
    if (!inside(root, abs))
      return { ok: false, missing: false, message: 'path points outside the repository' };
    let real: string;
    try {
      real = await fs.realpath(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') return { ok: false, missing: false, message: 'symbolic link loop, skipped' };
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        const link = await fs.lstat(abs).catch(() => undefined);
        if (link?.isSymbolicLink())
          return { ok: false, missing: false, message: 'dangling symbolic link, skipped' };
        return { ok: false, missing: true, message: 'file not found' };
      }
      return { ok: false, missing: false, message: `cannot read: ${code ?? (e as Error).message}` };
    }
    if (!inside(root, real)) {
      return { ok: false, missing: false, message: 'symbolic link points outside the repository, skipped' };
    }
    return { ok: true, real };
  }

  async read(rel: string): Promise<ReadResult> {
    const r = await this.resolve(rel);
    if (!r.ok) return r;
    try {
      const st = await fs.stat(r.real);
      if (!st.isFile()) return { ok: false, missing: false, message: 'not a regular file, skipped' };
      if (st.size > MAX_FILE_BYTES) {
        return {
          ok: false,
          missing: false,
          message: `file is ${st.size} bytes, larger than the ${MAX_FILE_BYTES}-byte limit; not parsed`,
        };
      }
      return { ok: true, text: await fs.readFile(r.real, 'utf8') };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return {
        ok: false,
        missing: code === 'ENOENT',
        message: `cannot read: ${code ?? (e as Error).message}`,
      };
    }
  }

  async exists(rel: string): Promise<boolean> {
    const r = await this.resolve(rel);
    if (!r.ok) return false;
    return fs.stat(r.real).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  /** Names in a repository directory (empty when it does not exist or leaves the root). */
  async list(relDir: string): Promise<string[]> {
    const r = await this.resolve(relDir);
    if (!r.ok) return [];
    return fs.readdir(r.real).catch(() => []);
  }

  /**
   * Every file path under a directory, repository-relative with forward slashes. Symlinked
   * directories are not descended (they could loop); `.git` and `node_modules` are skipped.
   */
  async walk(relDir: string, limit = 20_000): Promise<string[]> {
    const root = await this.rootReal();
    const out: string[] = [];
    const queue = [relDir === '' ? '.' : relDir];
    while (queue.length && out.length < limit) {
      const dir = queue.shift() as string;
      const entries = await fs.readdir(path.join(root, dir), { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const rel = toPosix(path.join(dir, e.name));
        if (e.isDirectory()) {
          if (e.name !== '.git' && e.name !== 'node_modules') queue.push(rel);
        } else if (e.isFile() || e.isSymbolicLink()) out.push(rel);
      }
    }
    return out.sort();
  }
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/').replace(/^\.\//, '');
}
