// Startup cost of the CLI as a ratio to a bare `node -e 0`, measured in the same run.
// Usage: npm run build && node bench/startup.mjs [runs]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const runs = Number(process.argv[2] ?? 15);
const bin = path.resolve('bin/greenlight.cjs');

function median(cmd, args, opts = {}) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: 'ignore', ...opts });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

// A small repository: a few commits and one workflow.
const repo = mkdtempSync(path.join(tmpdir(), 'gl-bench-startup-'));
const git = (...a) =>
  execFileSync('git', a, { cwd: repo, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' } });
git('init', '-q', '-b', 'main');
mkdirSync(path.join(repo, '.github/workflows'), { recursive: true });
writeFileSync(
  path.join(repo, '.github/workflows/ci.yml'),
  'on: [pull_request]\npermissions: { contents: read }\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n',
);
for (let i = 0; i < 5; i++) {
  writeFileSync(path.join(repo, `f${i}.txt`), String(i));
  git('add', '.');
  git('-c', 'user.name=a', '-c', 'user.email=a@example.com', 'commit', '-qm', `ENG-${i} change ${i}`);
}

const floor = median('node', ['-e', '0']);
const version = median('node', [bin, '--version']);
const assess = median('node', [bin, 'assess', repo, '--no-record', '-q', '--format', 'json']);
const fmt = (ms) => `${ms.toFixed(1)} ms`;
console.log(`node -e 0                 ${fmt(floor)}  (floor)`);
console.log(`greenlight --version      ${fmt(version)}  ${(version / floor).toFixed(2)}x  (target <= 3x)`);
console.log(`greenlight assess (small) ${fmt(assess)}  ${(assess / floor).toFixed(2)}x`);
