import type { ScanType } from '../../../facts/scans.js';

export interface ReaderOptions {
  /** Overrides the scan type derived from the tool or the report. */
  scanType?: ScanType;
  /** Repository root: absolute paths under it are made relative. */
  root?: string;
}
