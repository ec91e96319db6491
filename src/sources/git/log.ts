import type { Commit, SignatureStatus, Trailer } from '../../facts/index.js';

/**
 * One record per commit (`-z` ends each with NUL), fields separated by 0x1f. The body comes
 * last so that a stray separator inside a message only ever lands in the body. Trailers are
 * parsed by git itself (same rules as `git interpret-trailers`), entries separated by 0x1d and
 * key from value by 0x1c, continuation lines unfolded.
 */
export const LOG_FORMAT = [
  '%H', // 0 sha
  '%P', // 1 parents
  '%an', // 2
  '%ae', // 3
  '%aI', // 4
  '%cn', // 5
  '%ce', // 6
  '%cI', // 7
  '%ct', // 8 committer time, seconds: cheap window arithmetic
  '%G?', // 9
  '%GS', // 10
  '%(trailers:only,unfold,separator=%x1d,key_value_separator=%x1c)', // 11
  '%s', // 12
  '%b', // 13
].join('%x1f');

const FIELDS = 14;

/**
 * Arguments of the one `git log` the source runs. `tip` is a commit SHA (never a name, so a
 * branch called `--output=x` cannot become an option). `--since` stops the walk at the window
 * edge; `until` is applied afterwards so the first-parent line can still be followed from the tip.
 */
export function logArgs(tip: string, since: Date | null, exclude: readonly string[] = []): string[] {
  const args = [
    '-c',
    'log.showSignature=false',
    'log',
    '-z',
    '--no-color',
    '--no-notes',
    `--format=${LOG_FORMAT}`,
  ];
  if (since) args.push(`--since=@${Math.floor(since.getTime() / 1000)}`);
  args.push(tip, ...exclude.map((sha) => `^${sha}`), '--');
  return args;
}

const SIGNATURE: Record<string, SignatureStatus> = {
  G: 'good',
  B: 'bad',
  U: 'unknown-validity',
  X: 'expired',
  Y: 'expired-key',
  R: 'revoked-key',
  E: 'cannot-check',
  N: 'none',
};

/** Shared by every commit without parents or trailers: facts are read-only, and it saves an allocation per commit. */
const NONE: never[] = Object.freeze([]) as never[];

/** State shared by the records of one `git log` run. */
export interface ParseState {
  /** Committer time (seconds) of the record just parsed. */
  time: number;
  /** Names, emails and dates seen so far: each distinct value is kept once, not once per commit. */
  seen: Map<string, string>;
}

const INTERN_LIMIT = 100_000;

export function parseState(): ParseState {
  return { time: 0, seen: new Map() };
}

/**
 * Returns the copy of `s` already kept, so 200,000 commits by 50 people hold 50 name strings:
 * fewer live objects is less work for the garbage collector, which dominates the cost here.
 */
function intern(state: ParseState, s: string): string {
  const kept = state.seen.get(s);
  if (kept !== undefined) return kept;
  if (state.seen.size < INTERN_LIMIT) state.seen.set(s, s);
  return s;
}

/**
 * Parses one record of {@link LOG_FORMAT} into an unclassified commit. Kept free of regular
 * expressions and needless allocations: it runs once per commit.
 */
export function parseRecord(record: string, state: ParseState): Commit | null {
  if (record.length === 0) return null;
  const f = record.split('\x1f');
  if (f.length < FIELDS)
    throw new Error(`unexpected git log record (${f.length} fields): ${record.slice(0, 80)}`);
  const body = f.length === FIELDS ? (f[13] as string) : f.slice(13).join('\x1f');
  const authoredAt = f[4] as string;
  const committedAt = f[7] as string;
  const commit: Commit = {
    sha: f[0] as string,
    parents: f[1] ? f[1].split(' ') : NONE,
    authorName: intern(state, f[2] as string),
    authorEmail: intern(state, f[3] as string),
    authoredAt,
    committerName: intern(state, f[5] as string),
    committerEmail: intern(state, f[6] as string),
    committedAt: committedAt === authoredAt ? authoredAt : committedAt,
    subject: f[12] as string,
    body: body.length > 0 && body.charCodeAt(body.length - 1) === 10 ? body.trimEnd() : body,
    trailers: f[11] ? parseTrailers(f[11]) : NONE,
    firstParent: false,
    kind: 'merged',
    signature: SIGNATURE[f[9] as string] ?? 'cannot-check',
  };
  if (f[10]) commit.signer = intern(state, f[10]);
  state.time = Number(f[8]);
  return commit;
}

function parseTrailers(text: string): Trailer[] {
  const trailers: Trailer[] = [];
  for (const entry of text.split('\x1d')) {
    const sep = entry.indexOf('\x1c');
    if (sep <= 0) continue;
    trailers.push({ key: entry.slice(0, sep).trim(), value: entry.slice(sep + 1).trim() });
  }
  return trailers;
}
