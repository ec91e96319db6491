// `greenlight changes` over 10,000 changes (a year of history, with the ~100,000-entry ledger of
// bench/gate.mjs): median wall time (target < 2 s), and as a ratio to the bare `git log` that the
// git source runs over the same window, measured in the same run.
// Usage: npm run build && node bench/changes.mjs [--changes 10000] [--runs 5]
import path from 'node:path';
import { fixture, median, NOW } from './issue5-fixture.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const n = arg('changes', 10_000);
const runs = arg('runs', 5);
const bin = path.resolve('bin/greenlight.cjs');
const fx = await fixture(n, path.resolve('dist'));
const env = {
  ...process.env,
  GREENLIGHT_NOW: NOW.toISOString(),
  GREENLIGHT_DATABASE_URL: '',
  GITHUB_TOKEN: '',
  GH_TOKEN: '',
};
const since = new Date(NOW.getTime() - 366 * 86_400_000).toISOString();

const rowsOf = { n: 0 };
const run = (args, extraEnv = {}) =>
  median('node', [bin, 'changes', '--repo', fx.repo, ...args], runs, {
    env: { ...env, ...extraEnv },
    check: (r) => {
      if (args.includes('json')) rowsOf.n = JSON.parse(r.stdout).rows.length;
    },
  });
const noLedger = { GREENLIGHT_DATABASE_URL: `sqlite:${path.join(fx.repo, '..', 'no-ledger.db')}` };
const year = run(['--since', since, '--format', 'json']);
const yearRows = rowsOf.n;
const yearGit = run(['--since', since, '--format', 'json'], noLedger);
const quarter = run(['--since', '90d', '--format', 'json']);
const quarterRows = rowsOf.n;
const gitLog = median(
  'git',
  [
    '-C',
    fx.repo,
    'log',
    '-z',
    '--format=%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%B',
    `--since=${since}`,
    'main',
  ],
  runs,
);
const floor = median('node', ['-e', '0'], runs);

const fmt = (x) => `${x.median.toFixed(0).padStart(5)} ms (min ${x.min.toFixed(0).padStart(5)})`;
console.log(`repository: ${n} changes; ledger: ${fx.entries} entries; ${runs} runs each`);
console.log(`node -e 0                                   ${fmt(floor)}`);
console.log(`git log of the year (floor)                 ${fmt(gitLog)}`);
console.log(
  `changes, a year (${yearRows} rows), git only      ${fmt(yearGit)}  ${(yearGit.median / gitLog.median).toFixed(1)}x git log`,
);
console.log(`changes, a year (${yearRows} rows), with ledger   ${fmt(year)}  (target < 2000 ms)`);
console.log(`changes, 90 days (${quarterRows} rows), with ledger ${fmt(quarter)}`);
