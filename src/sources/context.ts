import type { Config } from '../config/index.js';

/** What every source is given. Sources do I/O; they know nothing about SOC 2. */
export interface SourceContext {
  /** Absolute path of the repository working tree. */
  root: string;
  /** Window start, or null for the whole history (`--all`). */
  since: Date | null;
  until: Date;
  /** Branch to read history from; default: the repository's default branch. */
  branch?: string;
  config: Config;
  /** Progress reporting for long work (a no-op when quiet). */
  progress: (message: string) => void;
  /**
   * Called by the git source once `git log` runs. A caller about to do long synchronous work
   * (reading the ledger) waits for it, or the git processes before the log would wait for that work.
   */
  historyStarted?: () => void;
  /** GitHub connection (`--github`, `--github-url`, `--concurrency`); absent: the checkout's GitHub remote. */
  github?: {
    /** `org` or `org/repo`. */
    target?: string;
    /** Enterprise Server URL as given on the command line. */
    url?: string;
    /** REST API base, when known exactly (the simulator). */
    apiUrl?: string;
    token?: string;
    concurrency?: number;
    /** ETag cache file; default `.greenlight/github-cache.json` in the checkout; null: none. */
    cacheFile?: string | null;
    retryBaseMs?: number;
  };
}
