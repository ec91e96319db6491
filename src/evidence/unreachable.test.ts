import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError, LedgerIntegrityError, SourceError, UsageError } from '../errors.js';
import { isStoreUnreachable } from './unreachable.js';

/** An error shaped as Node, pg or better-sqlite3 raise it. */
const coded = (message: string, props: Record<string, unknown>): Error =>
  Object.assign(new Error(message), props);

/** A real file-system error: mkdir through a file. */
function mkdirThroughAFile(): unknown {
  const dir = path.join(tmpdir(), `gl-unreachable-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'file'), '');
  try {
    mkdirSync(path.join(dir, 'file', 'ledger'), { recursive: true });
  } catch (err) {
    return err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error('mkdir through a file succeeded');
}

describe('isStoreUnreachable', () => {
  it.each([
    [
      'a refused connection',
      coded('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED', syscall: 'connect' }),
    ],
    [
      'an unknown host',
      coded('getaddrinfo ENOTFOUND db.internal', { code: 'ENOTFOUND', syscall: 'getaddrinfo' }),
    ],
    ['a timeout', coded('connect ETIMEDOUT 10.0.0.1:5432', { code: 'ETIMEDOUT' })],
    ["pg's pool timeout", new Error('timeout exceeded when trying to connect')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    [
      'the server shutting down (57P01)',
      coded('terminating connection due to administrator command', { code: '57P01' }),
    ],
    ['a connection failure SQLSTATE (08006)', coded('connection failure', { code: '08006' })],
    ['too many connections (53300)', coded('sorry, too many clients already', { code: '53300' })],
    [
      'a SQLite file that cannot be opened',
      coded('unable to open database file', { code: 'SQLITE_CANTOPEN' }),
    ],
    ['a locked SQLite file', coded('database is locked', { code: 'SQLITE_BUSY' })],
    ['a folder that cannot be created', mkdirThroughAFile()],
    ['a SourceError without a cause', new SourceError('cannot reach the ledger')],
    [
      'a SourceError caused by a refused connection',
      Object.assign(new SourceError('cannot reach PostgreSQL'), {
        cause: coded('x', { code: 'ECONNREFUSED' }),
      }),
    ],
    [
      'every address of a host refusing',
      new AggregateError([coded('a', { code: 'ECONNREFUSED' }), coded('b', { code: 'ENETUNREACH' })]),
    ],
  ])('is true for %s', (_, err) => {
    expect(isStoreUnreachable(err)).toBe(true);
  });

  it.each([
    ['a tampered ledger', new LedgerIntegrityError('entry 3: the envelope does not match its leaf hash')],
    ['bad usage', new UsageError('GREENLIGHT_DATABASE_URL must be postgres://…')],
    ['a bad config', new ConfigError('greenlight.yml:3: unknown key')],
    ['a bad input file', new InputError('report.sarif: not JSON')],
    [
      'refused credentials behind a SourceError',
      Object.assign(new SourceError('cannot reach PostgreSQL'), {
        cause: coded('password authentication failed for user "app"', { code: '28P01' }),
      }),
    ],
    ['a missing database (3D000)', coded('database "x" does not exist', { code: '3D000' })],
    ['a corrupt SQLite file', coded('database disk image is malformed', { code: 'SQLITE_CORRUPT' })],
    [
      'a file-system error outside opening the store',
      coded('ENOENT: no such file', { code: 'ENOENT', syscall: 'unlink' }),
    ],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'seq')")],
    [
      'an address list with one answer that is not a network error',
      new AggregateError([coded('a', { code: 'ECONNREFUSED' }), new TypeError('x')]),
    ],
    ['not an error', 'ECONNREFUSED'],
  ])('is false for %s', (_, err) => {
    expect(isStoreUnreachable(err)).toBe(false);
  });
});
