// Cost of the workflows source (read + parse + model, GitHub and GitLab) as a ratio to a floor
// measured in the same run: reading the same files and parsing them with `yaml`'s parseDocument
// and a LineCounter (the parse the source cannot avoid), so the ratio is the cost of the model.
// Usage: npm run build && node bench/workflows.mjs [workflows] [runs]
//        (GREENLIGHT_DIST=/path/to/build to use another build output)
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';

const count = Number(process.argv[2] ?? 200);
const runs = Number(process.argv[3] ?? 7);
const dist = path.resolve(process.env.GREENLIGHT_DIST ?? 'dist');
const { collectWorkflows } = await import(pathToFileURL(path.join(dist, 'sources/workflows/index.js')).href);
const { defaultConfig } = await import(pathToFileURL(path.join(dist, 'config/index.js')).href);

const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';
function githubWorkflow(i) {
  const jobs = Array.from({ length: 8 }, (_, j) => {
    const steps = [
      `      - uses: actions/checkout@${SHA}`,
      `      - uses: ./.github/actions/setup`,
      ...Array.from(
        { length: 6 },
        (_, k) =>
          `      - name: step ${k}\n        run: |\n          echo "\${{ github.sha }}"\n          npm run task-${k}\n        env:\n          TOKEN: \${{ secrets.TOKEN_${k} }}`,
      ),
    ].join('\n');
    return `  job-${j}:\n    runs-on: ubuntu-latest\n    if: github.event_name != 'schedule'\n    permissions:\n      contents: read\n    steps:\n${steps}`;
  });
  return `name: wf ${i}\non:\n  pull_request:\n    branches: [main]\n  push:\n    branches: [main]\n  schedule:\n    - cron: '0 3 * * *'\npermissions: {}\njobs:\n${jobs.join('\n')}\n`;
}
function gitlabJob(i) {
  return `job-${i}:\n  extends: .base\n  stage: test\n  script:\n    - npm test -- --shard=${i}\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n`;
}

const root = mkdtempSync(path.join(tmpdir(), 'gl-bench-workflows-'));
mkdirSync(path.join(root, '.github/workflows'), { recursive: true });
mkdirSync(path.join(root, '.github/actions/setup'), { recursive: true });
mkdirSync(path.join(root, 'ci'), { recursive: true });
for (let i = 0; i < count; i++)
  writeFileSync(path.join(root, `.github/workflows/wf-${i}.yml`), githubWorkflow(i));
writeFileSync(
  path.join(root, '.github/actions/setup/action.yml'),
  `runs:\n  using: composite\n  steps:\n    - uses: actions/setup-node@${SHA}\n    - run: npm ci\n      shell: bash\n`,
);
writeFileSync(path.join(root, 'ci/base.yml'), '.base:\n  image: node:20\n  before_script: [npm ci]\n');
writeFileSync(
  path.join(root, '.gitlab-ci.yml'),
  `include: [{ local: ci/base.yml }]\nstages: [build, test]\n${Array.from({ length: count }, (_, i) => gitlabJob(i)).join('')}`,
);

function median(fn) {
  const times = [];
  return (async () => {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await fn();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  })();
}

const files = [
  ...readdirSync(path.join(root, '.github/workflows')).map((n) => path.join(root, '.github/workflows', n)),
  path.join(root, '.github/actions/setup/action.yml'),
  path.join(root, 'ci/base.yml'),
  path.join(root, '.gitlab-ci.yml'),
];
const ctx = { root, since: null, until: new Date(), config: defaultConfig(), progress: () => {} };
let result;
const floorRun = async () => {
  for (const f of files) parseDocument(readFileSync(f, 'utf8'), { lineCounter: new LineCounter() });
};
const sourceRun = async () => {
  result = await collectWorkflows(ctx);
};
// Warm both up first so neither pays for the JIT of the shared yaml parser.
await floorRun();
await sourceRun();
const floor = await median(floorRun);
const source = await median(sourceRun);
const jobs = result.files.reduce((n, f) => n + f.jobs.length, 0);
const fmt = (ms) => `${ms.toFixed(1)} ms`;
console.log(
  `files: ${files.length}, workflows: ${result.files.length}, jobs: ${jobs}, errors: ${result.errors.length}`,
);
console.log(`read + parseDocument (floor) ${fmt(floor)}`);
console.log(`collectWorkflows             ${fmt(source)}  ${(source / floor).toFixed(2)}x`);
