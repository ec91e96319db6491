import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { cleanupRepos, createRepo, tempDir } from './git-repo.js';

afterAll(cleanupRepos);

/** A folder of other people's files that is not a git checkout, as in a shared /tmp. */
function plainFolder(): string {
  const dir = tempDir('gl-no-git-');
  mkdirSync(path.join(dir, 'someone-else', '.github', 'workflows'), { recursive: true });
  writeFileSync(
    path.join(dir, 'someone-else', '.github', 'workflows', 'ci.yml'),
    'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n',
  );
  writeFileSync(path.join(dir, 'someone-else', 'Dockerfile'), 'FROM alpine\n');
  return dir;
}

describe('assess PATH outside a git repository', () => {
  it('exits 2 naming the folder and --no-git, and writes no report', async () => {
    const dir = plainFolder();
    const out = path.join(dir, 'report.json');
    const r = await runCli(['assess', dir, '--format', 'json', '--out', out, '--no-record', '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${dir} is not a git repository`);
    expect(r.stderr).toContain('--no-git');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('assesses the folder when asked explicitly with --no-git', async () => {
    const dir = plainFolder();
    const out = path.join(dir, 'report.json');
    const r = await runCli([
      'assess',
      dir,
      '--no-git',
      '--format',
      'json',
      '--out',
      out,
      '--no-record',
      '-q',
    ]);
    expect([0, 1]).toContain(r.code);
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      results: { checkId: string; outcome: string }[];
    };
    // The files below the folder were read (a Dockerfile); git history was not available.
    expect(report.results.find((x) => x.checkId === 'scan.container')?.outcome).toBe('fail');
    expect(report.results.find((x) => x.checkId === 'change.signed-commits')?.outcome).toBe('not_available');
  });

  it('assesses a git repository, and a folder inside one, without --no-git', async () => {
    const repo = createRepo();
    repo.commit({ files: { 'app/main.go': 'package main\n' } });
    for (const target of [repo.dir, path.join(repo.dir, 'app')]) {
      const r = await runCli([
        'assess',
        target,
        '--format',
        'json',
        '--no-record',
        '-q',
        '--only',
        'change.',
      ]);
      expect([0, 1]).toContain(r.code);
      expect(JSON.parse(r.stdout).results.length).toBeGreaterThan(0);
    }
  });
});
