// Test helpers for the workflows source and the pipeline checks: real files read by the real source.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../../../config/index.js';
import { isUnavailable, type WorkflowSet } from '../../../facts/index.js';
import { collectWorkflows } from '../index.js';

export const FIXTURES = path.dirname(fileURLToPath(import.meta.url));

export async function collect(root: string): Promise<WorkflowSet> {
  const r = await collectWorkflows({ root, since: null, until: new Date(), config: defaultConfig(), progress: () => {} });
  if (isUnavailable(r)) throw new Error(r.reason);
  return r;
}

/** Workflow facts of one fixture repository under __fixtures__/. */
export function fixture(name: string): Promise<WorkflowSet> {
  return collect(path.join(FIXTURES, name));
}

/** A temporary repository holding the given files. */
export function repoWith(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'gl-workflows-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/**
 * 1-based line and column of the `nth` occurrence of `needle` in a file, so tests assert exact
 * locations without counting lines by hand.
 */
export function lineOf(file: string, needle: string, nth = 1): { line: number; column: number } {
  const abs = path.isAbsolute(file) ? file : path.join(FIXTURES, file);
  const lines = readFileSync(abs, 'utf8').split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    let from = 0;
    for (;;) {
      const col = (lines[i] as string).indexOf(needle, from);
      if (col < 0) break;
      if (++seen === nth) return { line: i + 1, column: col + 1 };
      from = col + 1;
    }
  }
  throw new Error(`${needle} not found ${nth} time(s) in ${file}`);
}
