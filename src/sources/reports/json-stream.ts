/**
 * An incremental JSON reader that splits big arrays and maps out of a document without parsing it
 * in one go.
 *
 * Values whose path matches one of the `patterns` (e.g. `runs/#/results/#`) are handed to
 * `onItem` one by one, each parsed on its own with `JSON.parse`, and never kept by the reader.
 * Everything else is assembled into a *skeleton* of the document (matched arrays and maps stay
 * empty there), returned by `end()`. Only containers on the way to a pattern are walked token by
 * token; every other value is skipped over by a tight byte scan (strings, escapes and nesting
 * depth) and parsed by `JSON.parse`, which is what makes this fast.
 *
 * Works on bytes: every structural character of JSON is ASCII, and the bytes of multi-byte UTF-8
 * characters are all ≥ 0x80, so a value is only decoded once it is complete.
 */

/** `#` matches any array index, `*` any object key; any other segment matches that key or index. */
export type PatternSegment = string;
export type Pattern = readonly PatternSegment[];
export type PathSegment = string | number;

export class JsonStreamError extends Error {
  constructor(
    message: string,
    /** RFC 6901 pointer of the value being read. */
    readonly pointer: string,
    /** Byte offset of the problem in the input. */
    readonly offset: number,
  ) {
    super(message);
  }
}

export type ItemHandler = (path: readonly PathSegment[], value: unknown, offset: number) => void;

const enum Expect {
  Value,
  ValueOrEnd,
  Key,
  KeyOrEnd,
  Colon,
  CommaOrEnd,
  Done,
}

const enum Region {
  None,
  String,
  Container,
  Primitive,
}

const enum Purpose {
  Key,
  Value,
  Item,
}

interface Frame {
  container: Record<string, unknown> | unknown[];
  isArray: boolean;
  /** Current key (objects) — the segment of the value being read. */
  key: string;
  /** Current index (arrays). */
  index: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export function pointerOf(path: readonly PathSegment[]): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export class JsonSplitter {
  private readonly frames: Frame[] = [];
  private expect = Expect.Value;
  private root: unknown = undefined;
  private hasRoot = false;
  /** Bytes consumed before the current chunk. */
  private base = 0;
  private started = false;

  // Region being skipped over (a value parsed by JSON.parse once complete).
  private region = Region.None;
  private purpose = Purpose.Value;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private pieces: Buffer[] = [];
  private regionStart = 0;

  constructor(
    private readonly patterns: readonly Pattern[],
    private readonly onItem: ItemHandler,
  ) {}

  /** The skeleton built so far (values on the way to a pattern appear as soon as they are complete). */
  get document(): unknown {
    return this.root;
  }

  write(buf: Buffer): void {
    let i = 0;
    const n = buf.length;
    if (!this.started) {
      this.started = true;
      if (n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3; // UTF-8 BOM
    }
    let regionFrom = this.region === Region.None ? -1 : 0;
    while (i < n) {
      if (this.region !== Region.None) {
        i = this.scanRegion(buf, i, n);
        if ((this.region as Region) !== Region.None) break;
        this.completeRegion(buf, regionFrom, i);
        regionFrom = -1;
        continue;
      }
      const c = buf[i]!;
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
        continue;
      }
      if (this.expect === Expect.ValueOrEnd && c === 0x5d) {
        this.close(true, i);
        i++;
        continue;
      }
      if (this.expect === Expect.KeyOrEnd && c === 0x7d) {
        this.close(false, i);
        i++;
        continue;
      }
      switch (this.expect) {
        case Expect.Value:
        case Expect.ValueOrEnd:
          regionFrom = i;
          i = this.startValue(c, i);
          continue;
        case Expect.Key:
        case Expect.KeyOrEnd:
          if (c !== QUOTE) throw this.error(`expected a property name, found ${show(c)}`, i);
          regionFrom = i;
          this.beginRegion(Region.String, Purpose.Key, i);
          this.inString = true;
          i++;
          continue;
        case Expect.Colon:
          if (c !== 0x3a) throw this.error(`expected ':' after a property name, found ${show(c)}`, i);
          this.expect = Expect.Value;
          i++;
          continue;
        case Expect.CommaOrEnd: {
          const top = this.frames[this.frames.length - 1]!;
          if (c === 0x2c) {
            if (top.isArray) {
              top.index++;
              this.expect = Expect.Value;
            } else this.expect = Expect.Key;
          } else if (c === (top.isArray ? 0x5d : 0x7d)) this.close(top.isArray, i);
          else throw this.error(`expected ',' or '${top.isArray ? ']' : '}'}', found ${show(c)}`, i);
          i++;
          continue;
        }
        case Expect.Done:
          throw this.error(`unexpected ${show(c)} after the end of the document`, i);
      }
    }
    if (this.region !== Region.None && regionFrom !== -1) this.pieces.push(buf.subarray(regionFrom));
    this.base += n;
  }

  /** Finishes the document; returns the skeleton. */
  end(): unknown {
    if (this.region === Region.Primitive && this.frames.length === 0) {
      const empty = Buffer.alloc(0);
      this.region = Region.None;
      this.completeRegion(empty, 0, 0);
    }
    if (!this.hasRoot && this.region === Region.None)
      throw new JsonStreamError('the file is empty', '', this.base);
    if (this.region !== Region.None || this.expect !== Expect.Done) {
      throw this.error('unexpected end of file (the report is truncated)', 0, this.base);
    }
    return this.root;
  }

  private currentPath(): PathSegment[] {
    const path: PathSegment[] = [];
    for (const f of this.frames) path.push(f.isArray ? f.index : f.key);
    return path;
  }

  private error(message: string, i: number, absolute?: number): JsonStreamError {
    return new JsonStreamError(message, pointerOf(this.currentPath()), absolute ?? this.base + i);
  }

  /** How the value at the current path is read: 2 = an item, 1 = walk into it, 0 = parse it whole. */
  private classify(): number {
    const depth = this.frames.length;
    let result = 0;
    for (const p of this.patterns) {
      if (p.length < depth) continue;
      let ok = true;
      for (let d = 0; d < depth; d++) {
        const f = this.frames[d]!;
        const seg = p[d]!;
        if (f.isArray ? seg !== '#' && seg !== String(f.index) : seg !== '*' && seg !== f.key) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      if (p.length === depth) return 2;
      result = 1;
    }
    return result;
  }

  private startValue(c: number, i: number): number {
    const kind = this.classify();
    if (kind === 1 && (c === 0x7b || c === 0x5b)) {
      this.open(c === 0x5b);
      return i + 1;
    }
    const purpose = kind === 2 ? Purpose.Item : Purpose.Value;
    if (c === 0x7b || c === 0x5b) {
      this.beginRegion(Region.Container, purpose, i);
      this.depth = 1;
    } else if (c === QUOTE) {
      this.beginRegion(Region.String, purpose, i);
      this.inString = true;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e) {
      this.beginRegion(Region.Primitive, purpose, i);
    } else {
      throw this.error(`expected a value, found ${show(c)}`, i);
    }
    return i + 1;
  }

  private beginRegion(region: Region, purpose: Purpose, i: number): void {
    this.region = region;
    this.purpose = purpose;
    this.regionStart = this.base + i;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.pieces = [];
  }

  /** Advances through the current region; returns the index after it (or n when it goes on). */
  private scanRegion(buf: Buffer, i: number, n: number): number {
    if (this.region === Region.Primitive) {
      for (; i < n; i++) {
        const c = buf[i]!;
        if (c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
          this.region = Region.None;
          return i;
        }
      }
      return n;
    }
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    const container = this.region === Region.Container;
    for (; i < n; i++) {
      const c = buf[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) {
          inString = false;
          if (!container) {
            this.region = Region.None;
            return i + 1;
          }
        } else {
          // Skip ahead to the next quote or backslash (both searches only ever move forward).
          const q = buf.indexOf(QUOTE, i + 1);
          const b = this.nextBackslash(buf, i + 1);
          const next = q === -1 ? b : b === -1 ? q : Math.min(q, b);
          i = (next === -1 ? n : next) - 1;
        }
      } else if (c === QUOTE) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) {
          this.region = Region.None;
          return i + 1;
        }
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return n;
  }

  private bsBuf: Buffer | null = null;
  private bsFrom = 0;
  private bsAt = -1;

  /** Position of the next backslash at or after `from` in `buf`, cached so a chunk is searched once. */
  private nextBackslash(buf: Buffer, from: number): number {
    if (this.bsBuf !== buf || from < this.bsFrom || (this.bsAt !== -1 && this.bsAt < from)) {
      this.bsBuf = buf;
      this.bsFrom = from;
      this.bsAt = buf.indexOf(BACKSLASH, from);
    }
    return this.bsAt;
  }

  private completeRegion(buf: Buffer, from: number, to: number): void {
    const last = buf.subarray(from, to);
    const bytes = this.pieces.length ? Buffer.concat([...this.pieces, last]) : last;
    this.pieces = [];
    const purpose = this.purpose;
    let value: unknown;
    if (purpose === Purpose.Key && bytes.indexOf(BACKSLASH) === -1) {
      value = bytes.toString('utf8', 1, bytes.length - 1);
    } else {
      try {
        value = JSON.parse(bytes.toString('utf8'));
      } catch (err) {
        throw this.parseError(err, bytes, purpose);
      }
    }
    if (purpose === Purpose.Key) {
      this.frames[this.frames.length - 1]!.key = value as string;
      this.expect = Expect.Colon;
      return;
    }
    if (purpose === Purpose.Item) this.onItem(this.currentPath(), value, this.regionStart);
    else this.assign(value);
    this.expect = this.frames.length ? Expect.CommaOrEnd : Expect.Done;
  }

  private parseError(err: unknown, bytes: Buffer, purpose: Purpose): JsonStreamError {
    const message = err instanceof Error ? err.message : String(err);
    const at = /at position (\d+)/.exec(message);
    // JSON.parse positions count UTF-16 units; good enough to point at the line.
    const within = at ? Number(at[1]) : 0;
    const offset = this.regionStart + Math.min(within, bytes.length);
    const what = purpose === Purpose.Key ? 'invalid property name' : 'invalid JSON';
    const path = this.currentPath();
    return new JsonStreamError(`${what}: ${shorten(message)}`, pointerOf(path), offset);
  }

  private assign(value: unknown): void {
    const top = this.frames[this.frames.length - 1];
    if (!top) {
      this.root = value;
      this.hasRoot = true;
    } else if (top.isArray) (top.container as unknown[]).push(value);
    else (top.container as Record<string, unknown>)[top.key] = value;
  }

  private open(isArray: boolean): void {
    const container = isArray ? [] : {};
    this.assign(container);
    this.frames.push({ container, isArray, key: '', index: 0 });
    this.expect = isArray ? Expect.ValueOrEnd : Expect.KeyOrEnd;
  }

  private close(_isArray: boolean, _i: number): void {
    this.frames.pop();
    this.expect = this.frames.length ? Expect.CommaOrEnd : Expect.Done;
  }
}

function show(c: number): string {
  return c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

function shorten(message: string): string {
  // V8 quotes the whole input in some messages; keep them short (and free of report content).
  // The position is relative to the value; the caller reports the line instead.
  return message
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+(?: \(line \d+ column \d+\))?/, '')
    .slice(0, 200);
}
