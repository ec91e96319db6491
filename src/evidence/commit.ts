import { execFileSync } from 'node:child_process';
import type { CiContext } from '../ci-context/index.js';
import { UsageError } from '../errors.js';

const FULL_SHA = /^[0-9a-f]{40}$/;

/**
 * The full SHA of the commit evidence is about: `given` (a full or short SHA, a branch, a tag,
 * `HEAD`…), else the CI's commit, else the checkout's HEAD. Evidence is keyed by full SHAs, so a
 * ref or a short SHA must be resolved before recording or gating; one that does not resolve is a
 * usage error (exit 2).
 */
export function resolveCommit(
  root: string,
  given: string | undefined,
  ci: Pick<CiContext, 'commit'>,
): string {
  const ref = given ?? ci.commit ?? 'HEAD';
  if (FULL_SHA.test(ref)) return ref;
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch {
    throw new UsageError(
      `cannot resolve commit "${ref}" in ${root}: pass --commit with a full SHA or a ref of this checkout`,
    );
  }
}
