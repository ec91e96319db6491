// Benchmark of the git source and the four git-based change checks over a large history.
//
//   npm run build && node bench/history.mjs [--commits 200000] [--rounds 3]
//
// Generates (once, cached under bench/.work/) a repository of N commits with `git fast-import`:
// GitHub pull-request merges with their branch commits, squash merges, bot commits, direct pushes
// and commits with trailers. Then, in the same run, it times
//   floor: the bare `git log` the source runs (same arguments), its output read and discarded;
//   greenlight: collectGit + change.no-direct-push, change.ticket-linked,
//               change.emergency-reviewed, change.signed-commits, imported from dist/;
// and prints the ratio (target ≤ 1.5×) and the memory used.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '..', 'dist');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const COMMITS = arg('commits', 200_000);
const ROUNDS = arg('rounds', 3);
const repoDir = path.join(here, '.work', `history-${COMMITS}`);

// Both sides run git with the same, isolated config.
process.env.GIT_CONFIG_GLOBAL = '/dev/null';
process.env.GIT_CONFIG_NOSYSTEM = '1';

if (!existsSync(path.join(dist, 'sources', 'git', 'index.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(2);
}
const load = (p) => import(pathToFileURL(path.join(dist, p)).href);
const { collectGit, logArgs } = await load('sources/git/index.js');
const { defaultConfig } = await load('config/index.js');
const checks = await Promise.all(
  ['change.no-direct-push', 'change.ticket-linked', 'change.emergency-reviewed', 'change.signed-commits'].map(
    async (id) => (await load(`checks/${id}/index.js`)).default,
  ),
);

// ------------------------------------------------------------------ generation

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PEOPLE = [
  ['Alice Doe', 'alice@example.com'],
  ['Bob Roe', 'bob@example.com'],
  ['Carol Poe', 'carol@example.com'],
  ['Dan Moe', 'dan@example.com'],
];
const WEB_FLOW = ['GitHub', 'noreply@github.com'];
const DEPENDABOT = ['dependabot[bot]', '49699333+dependabot[bot]@users.noreply.github.com'];

async function generate(dir, total) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  const child = spawn('git', ['fast-import', '--quiet', '--done'], {
    cwd: dir,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const done = new Promise((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exited ${code}`)))),
  );
  const rand = rng(42);
  let time = Date.UTC(2020, 0, 1) / 1000;
  let mark = 0;
  let mainTip = 0;
  let pr = 0;
  let made = 0;
  let buf = [];
  const flush = async () => {
    if (!child.stdin.write(buf.join(''))) await new Promise((r) => child.stdin.once('drain', r));
    buf = [];
  };
  const commit = (ref, author, committer, message, from, merge) => {
    mark += 1;
    made += 1;
    time += 600;
    const when = `${time} +0000`;
    const content = `${made}\n`;
    buf.push(
      `commit ${ref}\nmark :${mark}\n`,
      `author ${author[0]} <${author[1]}> ${when}\ncommitter ${committer[0]} <${committer[1]}> ${when}\n`,
      `data ${Buffer.byteLength(message)}\n${message}\n`,
      from ? `from :${from}\n` : '',
      merge ? `merge :${merge}\n` : '',
      // Only every 100th commit changes a file: `git log --format` never reads trees, and fewer
      // objects keep fast-import quick.
      made % 100 === 1 ? `M 100644 inline CHANGES\ndata ${content.length}\n${content}\n` : '',
    );
    return mark;
  };
  const person = () => PEOPLE[Math.floor(rand() * PEOPLE.length)];
  while (made < total) {
    const r = rand();
    pr += 1;
    const ticket = rand() < 0.8 ? `ENG-${pr} ` : '';
    if (r < 0.4 && total - made >= 3) {
      // A pull request with one or two commits, merged by GitHub with a merge commit.
      let tip = mainTip;
      const n = 1 + Math.floor(rand() * 2);
      for (let i = 0; i < n && made < total - 1; i += 1)
        tip = commit(
          'refs/heads/topic',
          person(),
          person(),
          `${ticket}Work on feature ${pr} part ${i}\n`,
          tip,
          0,
        );
      mainTip = commit(
        'refs/heads/main',
        person(),
        WEB_FLOW,
        `Merge pull request #${pr} from acme/${ticket ? `ENG-${pr}-` : ''}feature-${pr}\n\nFeature ${pr}\n`,
        mainTip,
        tip,
      );
    } else if (r < 0.75) {
      const trailers =
        rand() < 0.1
          ? `\n\nReviewed-by: Bob Roe <bob@example.com>\nCo-authored-by: Dan Moe <dan@example.com>\n`
          : '\n';
      mainTip = commit(
        'refs/heads/main',
        person(),
        WEB_FLOW,
        `${ticket}Squashed change ${pr} (#${pr})\n${trailers}`,
        mainTip,
        0,
      );
    } else if (r < 0.85) {
      mainTip = commit('refs/heads/main', DEPENDABOT, WEB_FLOW, `Bump dependency ${pr}\n`, mainTip, 0);
    } else if (r < 0.98) {
      mainTip = commit('refs/heads/main', person(), person(), `${ticket}Direct change ${pr}\n`, mainTip, 0);
    } else {
      const p = person();
      mainTip = commit(
        'refs/heads/main',
        p,
        p,
        `Hotfix ${pr}\n\nRestores service.\n\nEmergency-Change: INC-${pr}\n`,
        mainTip,
        0,
      );
    }
    if (buf.length > 5000) await flush();
  }
  buf.push('done\n');
  await flush();
  child.stdin.end();
  await done;
  execFileSync('git', ['update-ref', '-d', 'refs/heads/topic'], { cwd: dir });
  execFileSync('git', ['reset', '-q', '--hard'], { cwd: dir });
  writeFileSync(path.join(dir, '.git', 'greenlight-bench'), `${total}\n`);
}

// ------------------------------------------------------------------ measurement

// Every git process of both sides runs through a tiny wrapper that appends the CPU time it used
// (sh `times`: children's user and system seconds) to a file, so CPU can be compared too: wall
// time on a shared machine says as much about the neighbours as about the code.
const binDir = path.join(here, '.work', 'bin');
const timesFile = path.join(here, '.work', 'git-times.txt');
const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
mkdirSync(binDir, { recursive: true });
writeFileSync(
  path.join(binDir, 'git'),
  `#!/bin/sh\n"${realGit}" "$@"\ncode=$?\ntimes >> "${timesFile}"\nexit $code\n`,
  { mode: 0o755 },
);
process.env.PATH = `${binDir}${path.delimiter}${process.env.PATH}`;

/** CPU seconds of the git processes that ended since the last call. */
function gitCpu() {
  if (!existsSync(timesFile)) return 0;
  const lines = readFileSync(timesFile, 'utf8').trim().split('\n');
  writeFileSync(timesFile, '');
  const secs = (t) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
  };
  let total = 0;
  // `times` prints the shell's own times, then its children's: the second line of each pair is git.
  for (let i = 1; i < lines.length; i += 2) for (const t of lines[i].trim().split(/\s+/)) total += secs(t);
  return total * 1000;
}

/** The same git log the source runs, its output read and thrown away. */
function bareLog(dir, tip) {
  return new Promise((resolve, reject) => {
    const child = spawn('git', logArgs(tip, null), { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
    let bytes = 0;
    child.stdout.on('data', (chunk) => (bytes += chunk.length));
    child.on('error', reject);
    child.on('close', () => resolve(bytes));
  });
}

let liveHeap = 0;
async function greenlight(dir, config, now) {
  const facts = await collectGit({ root: dir, since: null, until: now, config, progress: () => {} });
  if (facts.unavailable) throw new Error(facts.reason);
  const results = {};
  for (const check of checks) {
    const options = check.options ? check.options.parse({}) : {};
    const findings = check.evaluate({ git: facts }, options, { config, now });
    results[check.id] = findings.length;
  }
  if (globalThis.gc) globalThis.gc();
  liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
  return { commits: facts.commits.length, results };
}

/** Wall and CPU (this process + the git processes it ran) of one call. */
async function measure(fn) {
  gitCpu();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const value = await fn();
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 + gitCpu(), value };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const min = (xs) => Math.min(...xs);
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const ms = (x) => `${x.toFixed(0)} ms`.padStart(9);

const marker = path.join(repoDir, '.git', 'greenlight-bench');
if (!existsSync(marker) || readFileSync(marker, 'utf8').trim() !== String(COMMITS)) {
  const start = performance.now();
  await generate(repoDir, COMMITS);
  const secs = ((performance.now() - start) / 1000).toFixed(1);
  console.log(`generated ${COMMITS} commits with git fast-import in ${secs} s → ${repoDir}`);
} else console.log(`reusing ${repoDir}`);

const tip = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoDir, encoding: 'utf8' }).trim();
const config = defaultConfig();
const now = new Date();
const floor = [];
const ours = [];
let bytes = 0;
let summary;
const rssBefore = process.memoryUsage().rss;
for (let i = 0; i < ROUNDS; i += 1) {
  const f = await measure(() => bareLog(repoDir, tip));
  floor.push(f);
  bytes = f.value;
  const g = await measure(() => greenlight(repoDir, config, now));
  ours.push(g);
  summary = g.value;
}
const maxRss = process.resourceUsage().maxRSS * 1024;
const col = (runs, key, agg) => agg(runs.map((r) => r[key]));
const ratio = (key, agg) => (col(ours, key, agg) / col(floor, key, agg)).toFixed(2);
const loadAvg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(
  `${summary.commits} commits, ${mb(bytes)} of git log output, ${ROUNDS} rounds, load average ${loadAvg}`,
);
console.log(`                                 wall min  wall median   CPU median (git + node)`);
console.log(
  `git log (floor)                ${ms(col(floor, 'wall', min))}    ${ms(col(floor, 'wall', median))}    ${ms(col(floor, 'cpu', median))}`,
);
console.log(
  `collectGit + 4 change checks   ${ms(col(ours, 'wall', min))}    ${ms(col(ours, 'wall', median))}    ${ms(col(ours, 'cpu', median))}`,
);
console.log(
  `ratio (target ≤ 1.5×)            ${ratio('wall', min)}×        ${ratio('wall', median)}×          ${ratio('cpu', median)}×`,
);
console.log(
  `memory: peak RSS ${mb(maxRss)} (at start ${mb(rssBefore)}); heap ${globalThis.gc ? 'live' : 'used (with garbage; run with --expose-gc for live)'} after a run ${mb(liveHeap)}`,
);
console.log(`findings per check: ${JSON.stringify(summary.results)}`);
console.log(
  `rounds, wall ms: floor ${floor.map((r) => r.wall.toFixed(0)).join(' ')}; greenlight ${ours.map((r) => r.wall.toFixed(0)).join(' ')}`,
);
