import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { cleanupRepos, createRepo } from './git-repo.js';

afterAll(cleanupRepos);

interface Report {
  results: { checkId: string; severity: string; outcome: string; message: string; resource: string }[];
  gaps: { checkId: string; severity: string }[];
}

// FAKE credential, assembled at run time so no scanner flags this file.
const realLooking = ['Zx8fK2pLq9', 'Wm3Rt7Yv1B', 'n6Hs4Jd0Gc', '5Ue2Ai8Ko3'].join('');

describe('assess: a credential result carries its own severity', () => {
  it('placeholders and test fixtures fail at low, below --fail-on high, with the reason', async () => {
    const repo = createRepo();
    repo.commit({
      files: {
        'src/db.py': 'URL = "https://user:pass@example.com/api"\n',
        'testdata/conn.txt': `DB = "https://bob:${realLooking.slice(0, 20)}@api.corp.io/x"\n`,
      },
    });
    const args = ['assess', repo.dir, '--only', 'secrets.', '--format', 'json', '--no-record', '-q'];
    const r = await runCli([...args, '--fail-on', 'high']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    const secrets = report.results.filter((x) => x.checkId === 'secrets.none-committed');
    expect(secrets.map((x) => [x.resource, x.outcome, x.severity])).toEqual([
      ['src/db.py', 'fail', 'low'],
      ['testdata/conn.txt', 'fail', 'low'],
    ]);
    expect(secrets[0]?.message).toMatch(/placeholder credential/);
    expect(secrets[1]?.message).toMatch(/in test fixtures \(testdata\/\)/);
    expect(report.gaps.find((g) => g.checkId === 'secrets.none-committed')?.severity).toBe('low');
    // Still failing at the default --fail-on low.
    expect((await runCli(args)).code).toBe(1);
  });

  it('a real-looking secret outside fixtures stays critical and fails --fail-on high', async () => {
    const repo = createRepo();
    repo.commit({ files: { 'settings.py': `AWS_SECRET_ACCESS_KEY = "${realLooking}"\n` } });
    const r = await runCli([
      'assess',
      repo.dir,
      '--only',
      'secrets.',
      '--format',
      'json',
      '--no-record',
      '-q',
      '--fail-on',
      'high',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.results.find((x) => x.checkId === 'secrets.none-committed')?.severity).toBe('critical');
    expect(r.stdout).not.toContain(realLooking);
  });
});
