/**
 * A copy of a report safe to keep as evidence: the raw bytes with every secret-bearing value
 * replaced by "[REDACTED]", everything else byte for byte as the tool wrote it.
 *
 * Redacted wherever they appear: each format's `secretFields` (formats/*.ts), e.g. SARIF `snippet`
 * (region and context region excerpts), Gitleaks `Secret`, `Match` and `Line`, Trivy `Code` and
 * `Match`, Checkov `code_block`, ZAP `evidence`. In SARIF runs from a secret scanner (secretlint, Gitleaks, TruffleHog…, or a run whose tool is
 * not known yet), result messages are masked too: such tools may quote the secret in them.
 *
 * Streams: the input is read in chunks and the output produced in chunks, whatever its size.
 *
 * This is the structural pre-pass for reports; `greenlight record` then gives the result the
 * value redaction every blob gets (`src/redact/`), which finds secrets in any other field.
 */
import { InputError } from '../../errors.js';
import { formatModule, type ReportFormat } from './formats/index.js';
import { newDigest, readChunks, inputName, type ReportInput } from './input.js';
import { redactText } from '../../redact/index.js';
import { maskSecrets } from './normalize.js';
import { scanTypeForTool } from '../../facts/scans.js';

export const REDACTED = '[REDACTED]';
const REDACTED_JSON = Buffer.from(JSON.stringify(REDACTED));

interface Frame {
  isArray: boolean;
  key: string;
  index: number;
  expectKey: boolean;
}

const enum Skip {
  None,
  String,
  Container,
  Primitive,
}

/** Streams the redacted report. Formats without secret fields (JUnit XML, SBOMs…) come back unchanged. */
export async function* redactReportChunks(input: ReportInput, format: ReportFormat): AsyncGenerator<Buffer> {
  const fields = formatModule(format)?.secretFields;
  const chunks = readChunks(input, newDigest());
  if (!fields) {
    yield* chunks;
    return;
  }
  const redactor = new JsonRedactor(new Set(fields.keys), fields.secretScannerMessages === true);
  for await (const chunk of chunks) {
    const out = redactor.write(chunk);
    if (out.length) yield out;
  }
  if (!redactor.done())
    throw new InputError(`${inputName(input)}: the report is truncated; nothing redacted`);
}

/** The whole redacted report in memory (a report is at most tens of megabytes). */
export async function redactReport(input: ReportInput, format: ReportFormat): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of redactReportChunks(input, format)) parts.push(chunk);
  return Buffer.concat(parts);
}

class JsonRedactor {
  private readonly stack: Frame[] = [];
  private out: Buffer[] = [];
  private copyFrom = 0;
  // String being read.
  private inString = false;
  private escaped = false;
  /** Captured bytes of the current string (keys, values to inspect), or null when only copied. */
  private captured: Buffer[] | null = null;
  private captureFrom = 0;
  private stringRole: 'key' | 'mask' | 'tool' | 'plain' = 'plain';
  // Value being dropped.
  private skip = Skip.None;
  private skipDepth = 0;
  private redactNext = false;
  /** Per SARIF run: does its tool scan for secrets (undefined: not known yet). */
  private readonly secretRuns = new Map<number, boolean>();
  private sawValue = false;

  constructor(
    private readonly keys: ReadonlySet<string>,
    /** SARIF: mask result messages of secret scanners' runs. */
    private readonly sarif: boolean,
  ) {}

  done(): boolean {
    return (
      this.sawValue &&
      this.stack.length === 0 &&
      !this.inString &&
      this.skip !== Skip.String &&
      this.skip !== Skip.Container
    );
  }

  write(buf: Buffer): Buffer {
    this.copyFrom = 0;
    const n = buf.length;
    for (let i = 0; i < n; i++) {
      const c = buf[i]!;
      if (this.skip !== Skip.None) {
        if (this.skipByte(c)) {
          this.copyFrom = this.skip === Skip.Primitive ? i : i + 1;
          if (this.skip === Skip.Primitive) {
            this.skip = Skip.None;
            i--; // the delimiter is structure: read it again
            continue;
          }
          this.skip = Skip.None;
        }
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.endString(buf, i);
        else i = this.nextSpecial(buf, i + 1) - 1; // jump to the next quote or backslash
        continue;
      }
      switch (c) {
        case 0x22:
          this.startString(buf, i);
          break;
        case 0x7b:
        case 0x5b:
          if (this.redactNext) this.startSkip(buf, i, Skip.Container);
          else {
            this.sawValue = true;
            this.stack.push({ isArray: c === 0x5b, key: '', index: 0, expectKey: c === 0x7b });
          }
          break;
        case 0x7d:
        case 0x5d:
          this.stack.pop();
          break;
        case 0x2c: {
          const top = this.stack[this.stack.length - 1];
          if (top?.isArray) top.index++;
          else if (top) top.expectKey = true;
          break;
        }
        case 0x3a:
        case 0x20:
        case 0x0a:
        case 0x0d:
        case 0x09:
          break;
        default:
          this.sawValue = true;
          if (this.redactNext) this.startSkip(buf, i, Skip.Primitive);
      }
    }
    if (this.skip === Skip.None) {
      if (this.captured) this.captured.push(buf.subarray(this.captureFrom));
      // A string being masked is held back; everything else is copied.
      if (!(this.captured && this.stringRole === 'mask')) this.out.push(buf.subarray(this.copyFrom));
    }
    this.captureFrom = 0;
    const result = Buffer.concat(this.out);
    this.out = [];
    return result;
  }

  private bsBuf: Buffer | null = null;
  private bsFrom = 0;
  private bsAt = -1;

  /** Next backslash at or after `from`, cached per chunk so that the search only ever moves forward. */
  private nextBackslash(buf: Buffer, from: number): number {
    if (this.bsBuf !== buf || from < this.bsFrom || (this.bsAt !== -1 && this.bsAt < from)) {
      this.bsBuf = buf;
      this.bsFrom = from;
      this.bsAt = buf.indexOf(0x5c, from);
    }
    return this.bsAt;
  }

  /** Index of the next quote or backslash at or after `from` (or the end of `buf`). */
  private nextSpecial(buf: Buffer, from: number): number {
    const q = buf.indexOf(0x22, from);
    const b = this.nextBackslash(buf, from);
    const next = q === -1 ? b : b === -1 ? q : Math.min(q, b);
    return next === -1 ? buf.length : next;
  }

  private startString(buf: Buffer, i: number): void {
    const top = this.stack[this.stack.length - 1];
    this.inString = true;
    this.escaped = false;
    if (top && !top.isArray && top.expectKey) this.stringRole = 'key';
    else if (this.redactNext) {
      this.inString = false;
      this.startSkip(buf, i, Skip.String);
      return;
    } else {
      this.sawValue = true;
      this.stringRole = this.sarif ? this.sarifRole() : 'plain';
    }
    if (this.stringRole === 'plain') return;
    // Keys and inspected values are captured; masked values are held back from the output.
    if (this.stringRole === 'mask') {
      this.out.push(buf.subarray(this.copyFrom, i));
      this.copyFrom = i;
    }
    this.captured = [];
    this.captureFrom = i;
  }

  private endString(buf: Buffer, i: number): void {
    this.inString = false;
    if (!this.captured) return;
    let value: string;
    const backslash = this.nextBackslash(buf, this.captureFrom);
    if (this.captured.length === 0 && (backslash === -1 || backslash > i)) {
      // The common case: the whole string in this chunk, no escapes.
      value = buf.toString('utf8', this.captureFrom + 1, i);
    } else {
      this.captured.push(buf.subarray(this.captureFrom, i + 1));
      value = JSON.parse(Buffer.concat(this.captured).toString('utf8')) as string;
    }
    this.captured = null;
    const top = this.stack[this.stack.length - 1]!;
    switch (this.stringRole) {
      case 'key':
        top.key = value;
        top.expectKey = false;
        this.redactNext = this.keys.has(value);
        break;
      case 'tool':
        this.secretRuns.set(this.stack[1]!.index, scanTypeForTool(value) === 'secrets');
        break;
      case 'mask':
        this.out.push(Buffer.from(JSON.stringify(redactText(maskSecrets(value)))));
        this.copyFrom = i + 1;
        break;
    }
  }

  /** In a SARIF document: is this string value a tool name to note, a message to mask, or plain? */
  private sarifRole(): 'mask' | 'tool' | 'plain' {
    const s = this.stack;
    if (s.length < 5 || s[0]!.key !== 'runs') return 'plain';
    const run = s[1]!.index;
    if (s.length === 5 && s[2]!.key === 'tool' && s[3]!.key === 'driver' && s[4]!.key === 'name')
      return 'tool';
    if (s[2]!.key !== 'results' || s[4]!.key !== 'message' || this.secretRuns.get(run) === false)
      return 'plain';
    const field = s[5];
    if (s.length === 6 && (field!.key === 'text' || field!.key === 'markdown')) return 'mask';
    if (s.length === 7 && field!.key === 'arguments') return 'mask';
    return 'plain';
  }

  private startSkip(buf: Buffer, i: number, kind: Skip): void {
    this.redactNext = false;
    this.sawValue = true;
    this.out.push(buf.subarray(this.copyFrom, i), REDACTED_JSON);
    this.skip = kind;
    this.skipDepth = kind === Skip.Container ? 1 : 0;
    this.inString = kind === Skip.String;
    this.escaped = false;
  }

  /** Advances through a dropped value; true on its last byte (or, for a primitive, its delimiter). */
  private skipByte(c: number): boolean {
    if (this.skip === Skip.Primitive) {
      return c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
    }
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (c === 0x5c) this.escaped = true;
      else if (c === 0x22) {
        this.inString = false;
        return this.skip === Skip.String;
      }
      return false;
    }
    if (c === 0x22) this.inString = true;
    else if (c === 0x7b || c === 0x5b) this.skipDepth++;
    else if (c === 0x7d || c === 0x5d) return --this.skipDepth === 0;
    return false;
  }
}
