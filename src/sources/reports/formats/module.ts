import type { ScanType } from '../../../facts/scans.js';
import type { Digest, ReportInput } from '../input.js';
import { readJsonReport, type JsonFormatReader, type ReportBody } from '../json-report.js';
import type { ReaderOptions } from './options.js';

/**
 * How `detectFormat` recognises a format from the first bytes of a report. Every module's content
 * tests are tried first, in registry order; the file name is looked at only when no content test
 * matched.
 */
export interface Detection {
  /** XML documents: root element names (namespace prefix dropped). */
  xmlRoots?: readonly string[];
  /** JSON objects: the top-level keys, with their values when those are primitives. */
  object?: (keys: ReadonlyMap<string, unknown>) => boolean;
  /** JSON arrays: the keys of the first element. */
  arrayElement?: (keys: ReadonlySet<string>) => boolean;
  /** Ties the content cannot break, by lower-cased file name. */
  byName?: {
    /** A JSON object no format recognised. */
    object?: (name: string) => boolean;
    /** An empty JSON array. */
    emptyArray?: (name: string) => boolean;
  };
}

/** Which values the structural redaction (`redact.ts`) replaces in a stored copy of the report. */
export interface SecretFields {
  /** Object keys whose values are replaced wherever they appear. */
  keys: readonly string[];
  /**
   * SARIF: result messages of runs whose tool is a secret scanner (or not known yet) are masked
   * too, since such tools may quote the secret in them.
   */
  secretScannerMessages?: true;
}

/** One scanner report format: everything the rest of `sources/reports` needs to know about it. */
export interface ReportFormatModule<Id extends string = string> {
  id: Id;
  /** Name in messages: `invalid ${label} report`. */
  label: string;
  /** Media type of the stored copy of the report. */
  mediaType: string;
  detect: Detection;
  /** Absent: the report is stored byte for byte (value redaction still applies). */
  secretFields?: SecretFields;
  /**
   * The scan types the format's reports can hold, the first being the default (the reader may
   * decide from the content, e.g. Trivy image vs filesystem).
   */
  scanTypes: readonly [ScanType, ...ScanType[]];
  read(input: ReportInput, digest: Digest, options: ReaderOptions): Promise<ReportBody>;
}

export function defineFormat<const Id extends string>(
  module: ReportFormatModule<Id>,
): ReportFormatModule<Id> {
  return module;
}

/** `read` for a JSON format streamed by `readJsonReport`. */
export function jsonReader(reader: (options: ReaderOptions) => JsonFormatReader): ReportFormatModule['read'] {
  return (input, digest, options) => readJsonReport(input, digest, reader(options));
}
