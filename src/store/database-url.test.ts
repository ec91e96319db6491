import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { parseDatabaseUrl, redactUrl } from './db.js';

const ROOT = '/work/repo';
const PASSWORD = 'Sup3r$ecret/pw';

function usageError(url: string): string {
  try {
    parseDatabaseUrl(url, ROOT);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`expected a UsageError for ${url}`);
}

describe('GREENLIGHT_DATABASE_URL', () => {
  it('opens PostgreSQL, a sqlite: file, or the default file', () => {
    expect(parseDatabaseUrl(undefined, ROOT)).toEqual({
      dialect: 'sqlite',
      file: path.join(ROOT, '.greenlight', 'greenlight.db'),
      name: null,
    });
    expect(parseDatabaseUrl('sqlite:ledger/evidence.db', ROOT)).toMatchObject({
      dialect: 'sqlite',
      file: path.join(ROOT, 'ledger', 'evidence.db'),
    });
    const pg = parseDatabaseUrl(
      'postgres://gl:pw@db.internal:5433/ledger?schema=team_a&sslmode=require',
      ROOT,
    );
    expect(pg).toMatchObject({ dialect: 'postgres', schema: 'team_a' });
    if (pg.dialect !== 'postgres') throw new Error('postgres expected');
    expect(pg.url.port).toBe('5433');
    expect(pg.url.searchParams.get('schema')).toBeNull();
    expect(pg.url.searchParams.get('sslmode')).toBe('require');
    // A Unix socket instead of a host.
    expect(parseDatabaseUrl('postgresql:///ledger?host=/var/run/postgresql', ROOT)).toMatchObject({
      dialect: 'postgres',
    });
  });

  it('refuses malformed URLs naming the variable, never showing the password', () => {
    const cases: [string, RegExp][] = [
      [`postgres://gl:${encodeURIComponent(PASSWORD)}@db:port/ledger`, /does not parse/],
      [`postgres://u:${encodeURIComponent(PASSWORD)}@:99999/db`, /does not parse/],
      [`postgres://u:${encodeURIComponent(PASSWORD)}@db:70000/db`, /does not parse/],
      [`postgres://u:${encodeURIComponent(PASSWORD)}@db:0/db`, /port 0/],
      ['postgres://', /no host/],
      [`postgres://u:${encodeURIComponent(PASSWORD)}%zz@db/ledger`, /password has a malformed %-escape/],
      [`postgres://u:${PASSWORD}@db:5432/x`, /does not parse/],
      [
        `foo://u:${PASSWORD}@x`,
        /must be postgres:\/\/USER:PASSWORD@HOST:PORT\/DATABASE or sqlite:PATH \(got a foo: URL/,
      ],
      [`random text ${PASSWORD}`, /got something that is not a URL; not shown/],
      [
        'postgres://db/x?schema=Robert;DROP',
        /schema "Robert;DROP" in GREENLIGHT_DATABASE_URL must be a lower-case SQL identifier/,
      ],
    ];
    for (const [url, why] of cases) {
      const message = usageError(url);
      expect(message, url).toMatch(/GREENLIGHT_DATABASE_URL/);
      expect(message, url).toMatch(why);
      expect(message, url).not.toContain('Sup3r');
    }
  });

  it('hides the whole password, even one holding "@" or "/"', () => {
    expect(redactUrl('postgres://gl:pw@db:5432/x')).toBe('postgres://gl:***@db:5432/x');
    expect(redactUrl('postgres://gl:p@ss/w@rd@db:5432/x')).toBe('postgres://gl:***@db:5432/x');
    expect(redactUrl('postgres://db:5432/x')).toBe('postgres://db:5432/x');
    expect(redactUrl('sqlite:.greenlight/greenlight.db')).toBe('sqlite:.greenlight/greenlight.db');
  });
});
