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
}
