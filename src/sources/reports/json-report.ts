import type { z } from 'zod';
import type { ScanReport } from '../../facts/scans.js';
import { newDigest, readChunks, type Digest, type ReportInput } from './input.js';
import { JsonSplitter, JsonStreamError, pointerOf, type PathSegment, type Pattern } from './json-stream.js';

/** A problem in a report, located by JSON pointer (and byte offset) or XML line. */
export class ReportProblem extends Error {
  constructor(
    message: string,
    readonly pointer: string | null,
    readonly offset?: number,
    readonly line?: number,
    /** Path of the offending value inside the value that starts at `offset` (or the document). */
    readonly within?: readonly PathSegment[],
  ) {
    super(message);
  }
}

export interface JsonItem {
  path: readonly PathSegment[];
  value: unknown;
  /** Byte offset where the item starts. */
  offset: number;
}

/** What a report reader returns before the common statistics are added. */
export type ReportBody = Omit<ScanReport, 'stats'>;

/** A JSON report format: which arrays to stream, what to do with each item and with the rest. */
export interface JsonFormatReader {
  patterns: readonly Pattern[];
  /** Called for each streamed item, with the document skeleton read so far. */
  item(item: JsonItem, doc: unknown): void;
  /** Called with the whole skeleton (streamed arrays left empty). */
  finish(doc: unknown): ReportBody;
}

export async function readJsonReport(
  input: ReportInput,
  digest: Digest,
  reader: JsonFormatReader,
): Promise<ReportBody> {
  const splitter = new JsonSplitter(reader.patterns, (path, value, offset) =>
    reader.item({ path, value, offset }, splitter.document),
  );
  for await (const chunk of readChunks(input, digest)) splitter.write(chunk);
  return reader.finish(splitter.end());
}

/**
 * Validates external data with zod; on failure, throws a ReportProblem naming the JSON pointer of
 * the first offending value (`/runs/0/results/17/level`).
 */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  at: readonly PathSegment[] = [],
  offset?: number,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const within = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
  const path = [...at, ...within];
  throw new ReportProblem(
    issue.message,
    pointerOf(path),
    offset,
    undefined,
    offset === undefined ? path : within,
  );
}

/** The items of one pattern, kept (validated) until the whole document has been read. */
export class Deferred<T> {
  readonly items: { path: readonly PathSegment[]; value: T }[] = [];
  push(path: readonly PathSegment[], value: T): void {
    this.items.push({ path, value });
  }
}

/**
 * Byte offset of the value at `path` (relative to the value starting at byte `start`), found by
 * reading again from `start`; undefined when the value is not there (a missing property) or the
 * text is not valid JSON before it. Only used to point an error at its line.
 */
export async function locateValue(
  input: ReportInput,
  start: number,
  path: readonly PathSegment[],
): Promise<number | undefined> {
  if (path.length === 0) return start;
  let found: number | undefined;
  const stop = new Error('found');
  const splitter = new JsonSplitter([path.map(String)], (_path, _value, offset) => {
    found = offset;
    throw stop;
  });
  try {
    for await (const chunk of readChunks(input, newDigest(), start)) splitter.write(chunk);
  } catch (err) {
    if (err !== stop && !(err instanceof JsonStreamError)) throw err;
  }
  return found === undefined ? undefined : start + found;
}
