import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError } from '../../errors.js';

/** A report to read: a file on disk, or bytes already in memory with the name to report errors under. */
export type ReportInput = { path: string } | { bytes: Uint8Array; name: string };

export const CHUNK_SIZE = 1 << 20;
export const HEAD_SIZE = 64 * 1024;

export function inputName(input: ReportInput): string {
  return 'path' in input ? input.path : input.name;
}

export function inputBaseName(input: ReportInput): string {
  return basename(inputName(input));
}

/** The first bytes of the input, for format detection. */
export async function readHead(input: ReportInput, size = HEAD_SIZE): Promise<Buffer> {
  if (!('path' in input)) return Buffer.from(input.bytes.subarray(0, size));
  const handle = await openInput(input.path);
  try {
    const buf = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buf, 0, size, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function openInput(path: string) {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new InputError(`${path}: not a file`);
    return await open(path, 'r');
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: cannot read the report (${code ?? String(err)})`);
  }
}

/** The input in chunks (from byte `start`), hashing as it goes. */
export async function* readChunks(input: ReportInput, digest: Digest, start = 0): AsyncGenerator<Buffer> {
  if (!('path' in input)) {
    const bytes = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
    for (let at = start; at < bytes.length; at += CHUNK_SIZE) {
      const chunk = bytes.subarray(at, at + CHUNK_SIZE);
      digest.update(chunk);
      yield chunk;
    }
    return;
  }
  await (await openInput(input.path)).close();
  const stream = createReadStream(input.path, { highWaterMark: CHUNK_SIZE, start });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      digest.update(chunk);
      yield chunk;
    }
  } finally {
    stream.destroy();
  }
}

export interface Digest {
  update(chunk: Buffer): void;
  bytes: number;
  hex(): string;
}

export function newDigest(): Digest {
  const hash = createHash('sha256');
  const digest = {
    bytes: 0,
    update(chunk: Buffer) {
      hash.update(chunk);
      digest.bytes += chunk.length;
    },
    hex: () => hash.digest('hex'),
  };
  return digest;
}

/** 1-based line holding the byte at `offset` (computed only when an error is reported). */
export async function lineAt(input: ReportInput, offset: number): Promise<number> {
  let line = 1;
  const count = (buf: Buffer, end: number) => {
    for (let i = buf.indexOf(10, 0); i !== -1 && i < end; i = buf.indexOf(10, i + 1)) line++;
  };
  if (!('path' in input)) {
    count(Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength), offset);
    return line;
  }
  let seen = 0;
  const stream = createReadStream(input.path, { highWaterMark: CHUNK_SIZE, end: Math.max(0, offset - 1) });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    count(chunk, offset - seen);
    seen += chunk.length;
  }
  return line;
}
