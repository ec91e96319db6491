// The fixture of bench/gate.mjs and bench/changes.mjs: a repository of N pull-request changes
// (git fast-import) and a signed ledger of about 10·N entries recorded through the real code
// (dist/), cached in bench/.work/issue5-<N>/. Import it; it builds on first use.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const NOW = new Date('2026-11-01T00:00:00Z');
const MIN = 60_000;
const DEVS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];

const git = (dir, args, input) =>
  execFileSync('git', args, {
    cwd: dir,
    input,
    maxBuffer: 1 << 30,
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });

/** Change i (1-based) merges at NOW − (N − i + 1)·spacing; its head commit 30 minutes earlier. */
export function timeline(n) {
  const spacing = Math.floor((365 * 24 * 60 * MIN) / n);
  return (i) => NOW.getTime() - (n - i + 1) * spacing;
}

function buildRepo(dir, n) {
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['remote', 'add', 'origin', 'https://github.com/acme/shop.git']);
  const at = timeline(n);
  const sec = (t) => Math.floor(t / 1000);
  const parts = [];
  const blob = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const dev = (i) => DEVS[i % DEVS.length];
  parts.push(
    `commit refs/heads/main\nmark :1\nauthor Alice <alice@acme.test> ${sec(at(1) - 60 * MIN)} +0000\n` +
      `committer Alice <alice@acme.test> ${sec(at(1) - 60 * MIN)} +0000\n${blob('Initial import')}` +
      `M 644 inline greenlight.yml\n${blob('scans:\n  required: [sast, secrets]\n')}` +
      `M 644 inline .gitignore\n${blob('.greenlight/\n')}\n`,
  );
  let prev = 1;
  for (let i = 1; i <= n; i++) {
    const head = 2 * i;
    const merge = 2 * i + 1;
    const who = dev(i);
    const t = at(i);
    parts.push(
      `commit refs/heads/feature\nmark :${head}\nauthor ${who} <${who}@acme.test> ${sec(t - 30 * MIN)} +0000\n` +
        `committer ${who} <${who}@acme.test> ${sec(t - 30 * MIN)} +0000\n${blob(`ENG-${i} change ${i}`)}` +
        `from :${prev}\nM 644 inline changes/${i % 500}.txt\n${blob(String(i))}\n`,
    );
    parts.push(
      `commit refs/heads/main\nmark :${merge}\nauthor ${who} <${who}@acme.test> ${sec(t)} +0000\n` +
        `committer GitHub <noreply@github.com> ${sec(t)} +0000\n` +
        `${blob(`Merge pull request #${i} from acme/feature-${i}\n\nENG-${i} change ${i}`)}` +
        `from :${prev}\nmerge :${head}\n\n`,
    );
    prev = merge;
  }
  const marks = path.join(dir, '..', 'marks');
  git(dir, ['fast-import', '--quiet', `--export-marks=${marks}`], parts.join(''));
  git(dir, ['branch', '-D', 'feature']);
  git(dir, ['checkout', '-q', 'main']);
  const sha = new Map(
    readFileSync(marks, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .map(([m, s]) => [Number(m.slice(1)), s]),
  );
  return { head: (i) => sha.get(2 * i), merge: (i) => sha.get(2 * i + 1), base: sha.get(1) };
}

const prCi = (i, shas, event = 'pull_request', extra = {}) => ({
  system: 'github-actions',
  event,
  eventName: event,
  repository: 'acme/shop',
  runUrl: `https://github.com/acme/shop/actions/runs/${1000 + i}${event === 'pull_request' ? '' : '9'}`,
  commit: shas.head(i),
  actor: DEVS[i % DEVS.length],
  pullRequest: {
    number: i,
    headSha: shas.head(i),
    baseSha: i > 1 ? shas.merge(i - 1) : shas.base,
    author: DEVS[i % DEVS.length],
  },
  ...extra,
});

async function buildLedger(root, n, shas, dist) {
  const { initLedger, openLedger, PREDICATE_TYPES } = await import(`${dist}/ledger/index.js`);
  const C = await import(`${dist}/evidence/index.js`);
  await initLedger(root);
  let clock = NOW;
  const ledger = await openLedger({ root, now: () => clock, summarizer: C.EVIDENCE_SUMMARIZER });
  const at = timeline(n);
  const events = [];
  const item = (it) => ({
    statement: it.statement,
    blobs: it.blobs?.map((b) => ({ name: b.name, content: b.bytes, mediaType: b.mediaType })),
  });
  const finding = (i) => [
    {
      fingerprint: `fp-${i % 300}`,
      ruleId: 'no-eval',
      severity: 'medium',
      scanType: 'sast',
      location: `src/m${i % 300}.js:3`,
    },
  ];
  for (let i = 1; i <= n; i++) {
    const t = at(i) - 25 * MIN;
    const head = shas.head(i);
    const ci = prCi(i, shas);
    for (const [tool, type, findings] of [
      ['ESLint', 'sast', finding(i)],
      ['secretlint', 'secrets', []],
    ])
      events.push({
        t,
        item: item(
          C.scanStatement({
            commit: head,
            tool,
            format: 'sarif',
            scanTypes: [type],
            scannedAt: new Date(t).toISOString(),
            report: {
              bytes: Buffer.from(
                JSON.stringify({ version: '2.1.0', runs: [{ tool, commit: head, findings }] }),
              ),
              name: `${type}.sarif`,
              mediaType: 'application/sarif+json',
            },
            findings,
            repository: 'acme/shop',
            ci,
          }),
        ),
      });
    events.push({
      t,
      item: item(
        C.testsStatement({
          commit: head,
          format: 'junit',
          total: 120,
          failed: 0,
          errors: 0,
          skipped: 2,
          reports: [{ bytes: Buffer.from(`<testsuites tests="120" commit="${head}"/>`), name: 'junit.xml' }],
          repository: 'acme/shop',
          ci,
        }),
      ),
    });
    events.push({
      t: t + 2 * MIN,
      item: {
        statement: C.gateStatement({
          context: 'pull_request',
          decision: 'pass',
          commit: head,
          prNumber: i,
          reasons: [],
          decidedAt: new Date(t + 2 * MIN).toISOString(),
          repository: 'acme/shop',
          ci,
        }),
      },
    });
    const reviewer = DEVS[(i + 1) % DEVS.length];
    const reviewAt = new Date(t + 10 * MIN).toISOString();
    events.push({
      t: t + 10 * MIN,
      item: {
        statement: C.gateStatement({
          context: 'pull_request',
          decision: 'pass',
          commit: head,
          prNumber: i,
          reasons: [],
          decidedAt: reviewAt,
          repository: 'acme/shop',
          ci: prCi(i, shas, 'pull_request_review', {
            actor: reviewer,
            review: { state: 'approved', reviewer, commitSha: head, submittedAt: reviewAt },
          }),
        }),
      },
    });
    if (i % 10 === 0)
      events.push({
        t: at(i) + 20 * MIN,
        item: {
          statement: C.deploymentStatement({
            environment: 'production',
            commit: shas.merge(i),
            artifacts: [],
            deployedAt: new Date(at(i) + 20 * MIN).toISOString(),
            repository: 'acme/shop',
            ci: {
              system: 'github-actions',
              event: 'push',
              repository: 'acme/shop',
              runUrl: `https://github.com/acme/shop/actions/runs/d${i}`,
            },
          }),
        },
      });
  }
  // A daily scheduled assessment fills the rest: run statement and one statement per result.
  const perDay = Math.max(1, Math.floor((10 * n - events.length) / 365) - 1);
  for (let d = 365; d >= 1; d--) {
    const t = NOW.getTime() - d * 1440 * MIN + 2 * 60 * MIN;
    const generatedAt = new Date(t).toISOString();
    const subject = [{ name: 'acme/shop', digest: { sha256: 'a'.repeat(64) } }];
    events.push({
      t,
      item: {
        statement: {
          _type: 'https://in-toto.io/Statement/v1',
          subject,
          predicateType: PREDICATE_TYPES.assessment,
          predicate: { generatedAt, subject: { name: 'acme/shop' }, results: perDay },
        },
      },
    });
    for (let k = 0; k < perDay; k++)
      events.push({
        t,
        item: {
          statement: {
            _type: 'https://in-toto.io/Statement/v1',
            subject: [{ name: `acme/shop:check-${k}`, digest: { sha256: String(k).padStart(64, '0') } }],
            predicateType: PREDICATE_TYPES.checkResult,
            predicate: {
              checkId: `check-${k}`,
              outcome: k % 7 ? 'pass' : 'fail',
              assessment: { generatedAt },
            },
          },
        },
      });
  }
  events.sort((a, b) => a.t - b.t);
  // Recorded as CI would: each batch within an hour of its events, so recording times are real.
  let done = 0;
  let last = 0;
  for (let i = 0; i < events.length;) {
    let j = i + 1;
    while (j < events.length && j - i < 1000 && events[j].t - events[i].t < 60 * MIN) j++;
    const batch = events.slice(i, j);
    clock = new Date(batch[batch.length - 1].t + MIN);
    await ledger.recordStatements(batch.map((e) => e.item));
    done += batch.length;
    i = j;
    if (done - last >= 5000) {
      last = done;
      process.stderr.write(`  ledger: ${done}/${events.length} entries\r`);
    }
  }
  const size = (await ledger.status()).treeSize;
  await ledger.close();
  process.stderr.write('\n');
  return size;
}

/** Builds (once) and returns the fixture: repository path, SHAs, ledger size. */
export async function fixture(n, dist) {
  const dir = path.resolve(`bench/.work/issue5-${n}`);
  const repo = path.join(dir, 'repo');
  const meta = path.join(dir, 'fixture.json');
  if (existsSync(meta)) return JSON.parse(readFileSync(meta, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  const t0 = Date.now();
  process.stderr.write(`building the fixture: ${n} changes…\n`);
  const shas = buildRepo(repo, n);
  const entries = await buildLedger(repo, n, shas, dist);
  const out = {
    repo,
    n,
    entries,
    lastHead: shas.head(n),
    lastBase: shas.merge(n - 1),
    lastMerge: shas.merge(n),
    author: DEVS[n % DEVS.length],
  };
  writeFileSync(meta, JSON.stringify(out, null, 2));
  process.stderr.write(
    `fixture built in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${entries} ledger entries\n`,
  );
  return out;
}

/** Median wall time of a command over `runs` runs (ms). */
export function median(cmd, args, runs, opts = {}) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0 && r.status !== 1)
      throw new Error(`${[cmd, ...args].join(' ')} exited ${r.status}: ${r.stderr}`);
    if (opts.check) opts.check(r);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}
