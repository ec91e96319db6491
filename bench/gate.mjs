// `greenlight gate` on a repository of 10,000 changes with a ledger of ~100,000 entries: median
// wall time as a ratio to `node -e 0` measured in the same run (target ≤ 4×, never above 300 ms).
// Usage: npm run build && node bench/gate.mjs [--changes 10000] [--runs 15]
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fixture, median, NOW } from './issue5-fixture.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const n = arg('changes', 10_000);
const runs = arg('runs', 15);
const dist = path.resolve('dist');
const bin = path.resolve(process.env.GL_BIN ?? 'bin/greenlight.cjs');

const fx = await fixture(n, dist);
const event = path.join(fx.repo, '..', 'pr-event.json');
writeFileSync(
  event,
  JSON.stringify({
    action: 'synchronize',
    number: n,
    pull_request: {
      number: n,
      title: `ENG-${n} change ${n}`,
      user: { login: fx.author },
      head: { ref: `feature-${n}`, sha: fx.lastHead },
      base: { ref: 'main', sha: fx.lastBase },
    },
  }),
);
const base = { ...process.env, GREENLIGHT_NOW: NOW.toISOString(), GREENLIGHT_DATABASE_URL: '' };
delete base.GITHUB_STEP_SUMMARY;
const pr = {
  ...base,
  GITHUB_ACTIONS: 'true',
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_EVENT_PATH: event,
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_RUN_ID: '1',
  GITHUB_SHA: fx.lastHead,
};
const expect = (re) => (r) => {
  if (!re.test(r.stdout)) throw new Error(`unexpected gate output:\n${r.stdout}${r.stderr}`);
};

const floor = median('node', ['-e', '0'], runs);
const prGate = median('node', [bin, 'gate', '--repo', fx.repo], runs, {
  env: pr,
  check: expect(/Pull request #\d+ at \w+ passed/),
});
const deployGate = median(
  'node',
  [bin, 'gate', '--repo', fx.repo, '--context', 'deploy', '--env', 'production', '--commit', fx.lastMerge],
  runs,
  { env: base, check: expect(/10 changes shipped to production by \w+; 10 traceable/) },
);
const version = median('node', [bin, '--version'], runs);
const floor2 = median('node', ['-e', '0'], runs);

const fmt = (x) => `${x.median.toFixed(0).padStart(5)} ms (min ${x.min.toFixed(0)})`;
const f = Math.min(floor.median, floor2.median);
console.log(`repository: ${n} changes; ledger: ${fx.entries} entries (SQLite); ${runs} runs each`);
console.log(`node -e 0 (floor)            ${fmt(floor)} / ${fmt(floor2)}`);
console.log(`greenlight --version         ${fmt(version)}  ${(version.median / f).toFixed(2)}x`);
console.log(`greenlight gate (PR)         ${fmt(prGate)}  ${(prGate.median / f).toFixed(2)}x`);
console.log(`greenlight gate (deploy)     ${fmt(deployGate)}  ${(deployGate.median / f).toFixed(2)}x`);
