/**
 * The one way greenlight loads secretlint (the recommended rule preset, configured in code, no
 * .secretlintrc): for the repository's secret scan (`src/sources/repo-files/secrets.ts`) and for
 * redacting blobs before the ledger stores them (`src/redact/`).
 *
 * secretlint 11 profiles every lint whether or not anyone reads the profile, through a
 * PerformanceObserver whose callback is O(n²) in the marks seen so far (secretlint issues #1633
 * and #1653, fixed upstream by making profiling opt-in). greenlight never reads it, so marking is
 * switched off; when the profiler cannot be reached the lint still works, only slower.
 *
 * secretlint is an ES-module-only package, and this module is the only place that import()s it:
 * callers load this module itself with import(), so the bundle keeps it in a chunk of its own,
 * which bin/code-cache.cjs leaves to Node's loader (V8 code cache cannot run import() on Node 20).
 */

export const PRESET_ID = '@secretlint/secretlint-rule-preset-recommend';

export interface Secretlint {
  lint: typeof import('@secretlint/core').lintSource;
  /** The recommended preset's rule creator. */
  preset: unknown;
}

export interface SecretlintModules {
  core: string;
  preset: string;
}

const DEFAULT_MODULES: SecretlintModules = { core: '@secretlint/core', preset: PRESET_ID };

let loaded: Promise<Secretlint> | undefined;

/** Loads secretlint once (other `modules`, for tests, are loaded each time). Rejects when it cannot be loaded. */
export function loadSecretlint(modules: SecretlintModules = DEFAULT_MODULES): Promise<Secretlint> {
  if (modules !== DEFAULT_MODULES) return load(modules);
  loaded ??= load(modules).catch((err: unknown) => {
    loaded = undefined;
    throw err;
  });
  return loaded;
}

async function load(modules: SecretlintModules): Promise<Secretlint> {
  const [core, preset] = await Promise.all([
    import(modules.core) as Promise<typeof import('@secretlint/core')>,
    import(modules.preset) as Promise<typeof import('@secretlint/secretlint-rule-preset-recommend')>,
  ]);
  await quietProfiler();
  return { lint: core.lintSource, preset: preset.creator };
}

async function quietProfiler(): Promise<void> {
  try {
    const mod = (await import('@secretlint/profiler')) as { secretLintProfiler?: { mark?: unknown } };
    if (typeof mod.secretLintProfiler?.mark === 'function') mod.secretLintProfiler.mark = () => {};
  } catch {
    // Not resolvable from here: leave it on.
  }
}
