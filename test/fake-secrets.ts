/**
 * Realistic FAKE credentials of every kind greenlight redacts, built at test time from parts so
 * that no secret scanner (or push protection) sees a credential in the repository. Each has the
 * raw value that must never be stored or printed, and a line of text carrying it as it would
 * appear in a commit message, a file or a report.
 */

/** Deterministic pseudo-random characters (the same on every run). */
function chars(seed: number, n: number, alphabet: string): string {
  let x = seed * 2654435761;
  let out = '';
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += alphabet[x % alphabet.length];
  }
  return out;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = ALNUM + '+/';
const URLSAFE = ALNUM + '-_';
const j = (...parts: string[]): string => parts.join('');
const b64url = (s: string): string => Buffer.from(s).toString('base64url');

export interface FakeSecret {
  kind: string;
  /** The characters that must never appear. */
  value: string;
  /** A line carrying it. */
  line: string;
}

export function fakeSecrets(): FakeSecret[] {
  const ghp = j('gh', 'p_', chars(1, 36, ALNUM));
  const gho = j('gh', 'o_', chars(2, 36, ALNUM));
  const ghu = j('gh', 'u_', chars(3, 36, ALNUM));
  const ghs = j('gh', 's_', chars(4, 36, ALNUM));
  const ghr = j('gh', 'r_', chars(5, 36, ALNUM));
  const pat = j('github', '_pat_', chars(6, 22, ALNUM), '_', chars(7, 59, ALNUM));
  const glpat = j('gl', 'pat-', chars(8, 20, URLSAFE.replace('-', '')));
  const gldt = j('gl', 'dt-', chars(9, 20, ALNUM));
  const glrt = j('gl', 'rt-', chars(10, 20, ALNUM));
  const glcbt = j('gl', 'cbt-', '64_', chars(11, 20, ALNUM));
  const akid = j('AK', 'IA', chars(12, 16, UPPER));
  const awsSecret = chars(13, 40, B64);
  const slack = j(
    'xo',
    'xb-',
    chars(14, 12, '0123456789'),
    '-',
    chars(15, 13, '0123456789'),
    '-',
    chars(16, 24, ALNUM),
  );
  const hookPath = j('T', chars(17, 10, UPPER), '/B', chars(18, 10, UPPER), '/', chars(19, 24, ALNUM));
  const stripe = j('sk', '_live_', chars(20, 24, ALNUM));
  const google = j('AI', 'za', chars(21, 35, URLSAFE));
  const jwt = [
    b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })),
    b64url(JSON.stringify({ sub: chars(22, 12, ALNUM), iat: 1_700_000_000 })),
    chars(23, 43, URLSAFE),
  ].join('.');
  const npm = j('np', 'm_', chars(24, 36, ALNUM));
  const pemBody = chars(25, 64, B64);
  const pem = [
    j('-----BEGIN ', 'RSA PRIVATE', ' KEY-----'),
    pemBody,
    chars(26, 64, B64),
    j('-----END ', 'RSA PRIVATE', ' KEY-----'),
  ].join('\n');
  const sshBody = chars(27, 70, B64);
  const ssh = [
    j('-----BEGIN ', 'OPENSSH PRIVATE', ' KEY-----'),
    sshBody,
    j('-----END ', 'OPENSSH PRIVATE', ' KEY-----'),
  ].join('\n');
  const urlPass = j('pw', chars(28, 14, ALNUM));
  const bearer = chars(29, 32, ALNUM);
  const basic = Buffer.from(j('deploy:', chars(30, 16, ALNUM))).toString('base64');
  const generic = j('Pw', chars(31, 14, ALNUM), '!x');
  return [
    { kind: 'github ghp', value: ghp, line: `token ${ghp}` },
    { kind: 'github gho', value: gho, line: `oauth ${gho}` },
    { kind: 'github ghu', value: ghu, line: `user-to-server ${ghu}` },
    { kind: 'github ghs', value: ghs, line: `installation ${ghs}` },
    { kind: 'github ghr', value: ghr, line: `refresh ${ghr}` },
    { kind: 'github fine-grained', value: pat, line: `pat ${pat}` },
    { kind: 'gitlab glpat', value: glpat, line: `GITLAB ${glpat}` },
    { kind: 'gitlab gldt', value: gldt, line: `deploy ${gldt}` },
    { kind: 'gitlab runner', value: glrt, line: `runner ${glrt}` },
    { kind: 'gitlab job token', value: glcbt, line: `job ${glcbt}` },
    { kind: 'aws key id', value: akid, line: `aws_access_key_id = ${akid}` },
    { kind: 'aws secret key', value: awsSecret, line: `AWS_SECRET_ACCESS_KEY=${awsSecret}` },
    { kind: 'slack token', value: slack, line: `slack ${slack}` },
    { kind: 'slack webhook', value: hookPath, line: `https://hooks.slack.com/services/${hookPath}` },
    { kind: 'stripe', value: stripe, line: `stripe ${stripe}` },
    { kind: 'google api key', value: google, line: `maps ${google}` },
    { kind: 'jwt', value: jwt, line: `id ${jwt}` },
    { kind: 'npm', value: npm, line: `//registry.npmjs.org/:_authToken=${npm}` },
    { kind: 'pem private key', value: pemBody, line: pem },
    { kind: 'openssh private key', value: sshBody, line: ssh },
    { kind: 'url userinfo', value: urlPass, line: `https://deploy:${urlPass}@git.example.com/acme/app.git` },
    { kind: 'bearer', value: bearer, line: `Authorization: Bearer ${bearer}` },
    { kind: 'basic', value: basic, line: `Authorization: Basic ${basic}` },
    { kind: 'generic password', value: generic, line: `db_password = "${generic}"` },
  ];
}

/** Every raw value of `secrets` found in `text` (with the kind), for assertions. */
export function leaks(text: string, secrets: FakeSecret[] = fakeSecrets()): string[] {
  return secrets.filter((s) => text.includes(s.value)).map((s) => s.kind);
}
