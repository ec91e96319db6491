import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeSecrets, leaks } from '../../test/fake-secrets.js';
import { compileLinear } from '../linear-regex.js';
import {
  installOutputRedaction,
  redactBlob,
  redactJson,
  redactText,
  redactTextDetailed,
  registerSecret,
  resetKnownSecrets,
  secretsOfEnv,
} from './index.js';

afterEach(() => resetKnownSecrets());

describe('redactText', () => {
  it('masks every kind of secret, and only its characters', () => {
    for (const s of fakeSecrets()) {
      const out = redactText(s.line);
      expect(out, s.kind).not.toContain(s.value);
      expect(out, s.kind).toMatch(/\[REDACTED:[a-z-]+\]/);
    }
    expect(redactText(`x AWS_SECRET_ACCESS_KEY=${fakeSecrets()[11]!.value} y`)).toBe(
      'x AWS_SECRET_ACCESS_KEY=[REDACTED:aws-secret-access-key] y',
    );
    expect(redactText('see https://alice:pw@example.com/x and http://u:p@h')).toBe(
      'see https://[REDACTED:url-credentials]@example.com/x and http://[REDACTED:url-credentials]@h',
    );
    expect(redactText('password: "hunter22" ok')).toBe('password: "[REDACTED:generic-secret]" ok');
    expect(redactText('curl -H "Authorization: token abc123def456ghi789jkl0"')).toBe(
      'curl -H "Authorization: token [REDACTED:authorization-header]"',
    );
  });

  it('finds secrets in JSON-escaped text (a report, a statement)', () => {
    for (const s of fakeSecrets()) {
      const out = redactText(JSON.stringify({ message: `found: ${s.line}` }));
      expect(leaks(out), s.kind).toEqual([]);
    }
  });

  it('leaves placeholders, variables and masked text alone', () => {
    for (const text of [
      'GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}',
      'password=$DB_PASSWORD',
      'token: ***',
      'password: ""',
      'secret: [REDACTED:github-token]',
      'api_key = process.env.API_KEY',
      'the token is required',
      'git clone ssh://git@github.com/acme/app',
      'https://github.com/acme/app/pull/12',
    ])
      expect(redactText(text), text).toBe(text);
  });

  it('counts what it masked, by rule', () => {
    const [ghp, , , , , , glpat] = fakeSecrets();
    const r = redactTextDetailed(`${ghp!.line} and ${glpat!.line} and ${ghp!.line}`);
    expect(r.count).toBe(3);
    expect(r.rules).toEqual([
      { id: 'github-token', count: 2 },
      { id: 'gitlab-token', count: 1 },
    ]);
  });

  it('masks the credential values of the environment verbatim, wherever they appear', () => {
    const known = secretsOfEnv({
      GITHUB_TOKEN: 'opaque-Token-1234',
      GREENLIGHT_DATABASE_URL: 'postgres://app:S3cret-pw@db:5432/x',
      MY_API_KEY: 'abcDEF123456',
      SHORT_TOKEN: 'short',
      PATH: '/usr/bin',
    });
    expect(known).toEqual(expect.arrayContaining(['opaque-Token-1234', 'S3cret-pw', 'abcDEF123456']));
    expect(known).not.toContain('/usr/bin');
    for (const v of known) registerSecret(v);
    expect(redactText('Bad credentials for opaque-Token-1234 (abcDEF123456)')).toBe(
      'Bad credentials for [REDACTED:known-secret] ([REDACTED:known-secret])',
    );
  });
});

describe('redactJson', () => {
  it('masks every string, keys included, and never touches digests or numbers', () => {
    const [ghp] = fakeSecrets();
    const url = `https://u:${'p'.repeat(3)}w0rd@example.com`;
    const value = {
      subject: [{ name: `ticket:${ghp!.value}`, digest: { sha256: 'a'.repeat(64) } }],
      predicate: {
        nested: [{ message: ghp!.line }, 7, true, null],
        [url]: 'key that is a URL',
        password: 'correct-horse-battery',
        token: '${{ secrets.T }}',
      },
    };
    const out = redactJson(value);
    const text = JSON.stringify(out);
    expect(text).not.toContain(ghp!.value);
    expect(text).not.toContain('pw0rd');
    expect(text).not.toContain('correct-horse-battery');
    expect(out.subject[0]!.digest.sha256).toBe('a'.repeat(64));
    expect(out.predicate.token).toBe('${{ secrets.T }}');
    expect(out.predicate.nested.slice(1)).toEqual([7, true, null]);
  });

  it('returns the value itself when it holds no secret', () => {
    const value = { a: 'https://in-toto.io/Statement/v1', b: ['plain', 1], key: 'f'.repeat(64) };
    expect(redactJson(value)).toBe(value);
  });
});

describe('redactBlob', () => {
  it('masks all 40 characters of an AWS secret key that secretlint also reports from the key name', async () => {
    const secret = fakeSecrets().find((s) => s.kind === 'aws secret key')!;
    const yaml = `env:\n  AWS_ACCESS_KEY_ID: ${fakeSecrets()[10]!.value}\n  AWS_SECRET_ACCESS_KEY: ${secret.value}\n`;
    const { bytes, redaction } = await redactBlob(Buffer.from(yaml), 'ci.yml');
    const out = bytes.toString();
    expect(out).toContain('AWS_SECRET_ACCESS_KEY: [REDACTED:');
    for (let i = 0; i + 8 <= 40; i++) expect(out).not.toContain(secret.value.slice(i, i + 8));
    expect(redaction.scanned).toBe(true);
    expect(redaction.count).toBe(2);
  });

  it('applies config patterns and leaves binary content alone', async () => {
    const text = Buffer.from('ticket INTERNAL-4242 and host db.corp.internal');
    const { bytes, redaction } = await redactBlob(text, 'x.txt', [compileLinear('[a-z]+\\.corp\\.internal')]);
    expect(bytes.toString()).toBe('ticket INTERNAL-4242 and host [REDACTED:config:ledger.redact[0]]');
    expect(redaction.rules).toEqual([{ id: 'config:ledger.redact[0]', count: 1 }]);
    const binary = Buffer.from([0, 1, 2, ...Buffer.from(fakeSecrets()[0]!.value)]);
    const b = await redactBlob(binary, 'x.bin');
    expect(b.bytes).toBe(binary);
    expect(b.redaction.scanned).toBe(false);
  });
});

describe('output redaction', () => {
  it('masks what is written to a stream, strings and buffers', () => {
    const stream = new PassThrough();
    installOutputRedaction([stream as unknown as NodeJS.WriteStream]);
    installOutputRedaction([stream as unknown as NodeJS.WriteStream]); // once only
    const [ghp] = fakeSecrets();
    stream.write(`error: ${ghp!.line}\n`);
    stream.write(Buffer.from(`again ${ghp!.value}\n`));
    stream.end();
    const out = stream.read().toString();
    expect(out).toBe('error: token [REDACTED:github-token]\nagain [REDACTED:github-token]\n');
  });
});

describe('linear time on adversarial input', () => {
  // Each input is 500 KB built to make a backtracking pattern quadratic or worse. Before, the
  // URL pattern alone took minutes on such input; the test's timeout is the assertion.
  const N = 500_000;
  const fill = (unit: string) => unit.repeat(Math.ceil(N / unit.length)).slice(0, N);
  const inputs = [
    'https://' + fill('a:'),
    fill('http://a:'),
    fill('a'),
    fill('ghp_'),
    'ghp_' + fill('a'),
    fill('eyJ-'),
    fill('eyJa.'),
    fill('token='),
    fill('token: '),
    fill('password"'),
    fill('authorization:'),
    fill('Bearer '),
    fill('aws_secret_access_key='),
    fill('-----BEGIN RSA PRIVATE KEY-----'),
    fill('hooks.slack.com/services/'),
    fill('AKIA'),
    fill('glpat-'),
    fill('x://'),
    fill('://@'),
    'password: "' + fill('a'),
  ];
  it('redacts each 500 KB input promptly', { timeout: 30_000 }, () => {
    for (const input of inputs) expect(typeof redactText(input)).toBe('string');
  });
});
