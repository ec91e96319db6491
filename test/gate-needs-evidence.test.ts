/**
 * The gate never passes without evidence: a gate that does not know its commit is a usage error
 * (exit 2) naming what to pass; `--commit HEAD`, a branch or a short SHA are resolved to the full
 * SHA the evidence is keyed by; a pull request is gated by its base branch's policy, not by the
 * greenlight.yml it brings; and `--fail-open` never turns an integrity failure, bad input or
 * refused credentials into a pass. Real git repositories, the real CLI, SQLite and PostgreSQL.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { NO_CI, newLedgerKey } from './fail-open-helpers.js';
import {
  BOB,
  cleanupRepos,
  cloneRepo,
  createRepo,
  isolateGitConfig,
  tempDir,
  type TestRepo,
} from './git-repo.js';
import { eslintSarif, nodeJunit, secretlintSarif } from './scanner-output.js';
import { openRaw } from './ledger/raw-db.js';
import { testDialects } from './ledger/dialects.js';

isolateGitConfig();
afterAll(cleanupRepos);

const NOW = '2026-01-06T12:00:00Z';
const POLICY = 'scans:\n  required: [sast, secrets]\n';

let work: string;
const reports: Record<string, string> = {};
beforeAll(() => {
  work = tempDir('greenlight-gate-evidence-');
  reports.secrets = secretlintSarif(work, false);
  reports.sast = eslintSarif(work, false);
  reports.junit = nodeJunit(work, false);
}, 120_000);

/** A GitHub Actions `pull_request` run whose event payload names head and base. */
function githubPr(head: string, base: string, extra: Record<string, string> = {}): Record<string, string> {
  const file = path.join(work, `event-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      action: 'synchronize',
      number: 7,
      pull_request: {
        number: 7,
        title: 'ENG-7 change',
        user: { login: 'bob' },
        head: { ref: 'feature/ENG-7', sha: head },
        base: { ref: 'main', sha: base },
      },
    }),
  );
  return {
    ...NO_CI,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: String(Math.floor(Math.random() * 1e9)),
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: file,
    GITHUB_SHA: 'f'.repeat(40), // the synthetic merge commit
    ...extra,
  };
}

describe('a gate that does not know its commit', () => {
  let repo: TestRepo;
  const gate = (args: string[], env: Record<string, string>) =>
    runCli(['gate', ...args, '--repo', repo.dir], {
      env: { GREENLIGHT_NOW: NOW, GREENLIGHT_DATABASE_URL: `sqlite:${work}/no-commit.db`, ...NO_CI, ...env },
    });

  beforeAll(() => {
    repo = createRepo();
    repo.commit({ subject: 'Initial', files: { 'greenlight.yml': POLICY } });
  });

  it('exits 2 naming --commit for a pull request gate asked for outside CI', async () => {
    const r = await gate(['--context', 'pull_request'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a pull request gate needs the head commit: pass --commit SHA');
    expect(r.stdout).not.toContain('nothing to gate');
  });

  it('exits 2 naming --commit for a deploy gate without one', async () => {
    const r = await gate(['--context', 'deploy', '--env', 'production'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a deploy gate needs the commit being deployed: pass --commit SHA');
  });

  it('exits 2 naming --env for a deploy gate without an environment', async () => {
    const r = await gate(['--context', 'deploy', '--commit', repo.head()], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --env NAME');
  });

  it('exits 2 in GitHub Actions when GITHUB_SHA is not set', async () => {
    const r = await gate([], { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'push' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no commit to gate: GITHUB_SHA is not set in this github-actions run');
  });

  it('exits 2 on a GitHub pull request whose event payload is missing (GITHUB_SHA is the merge commit)', async () => {
    const r = await gate([], {
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_SHA: repo.head(),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the event payload GITHUB_EVENT_PATH is missing');
    expect(r.stderr).toContain('pass --commit SHA');
  });

  it('exits 2 in a GitLab deploy job to a protected environment without CI_COMMIT_SHA', async () => {
    const r = await gate([], {
      GITLAB_CI: 'true',
      CI_PIPELINE_SOURCE: 'push',
      CI_ENVIRONMENT_NAME: 'production',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(CI_COMMIT_SHA is not set)');
  });

  it('still exits 0 outside CI when no context is asked for, saying there is nothing to gate', async () => {
    const r = await gate([], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing to gate: outside CI');
  });
});

const dialects = await testDialects('gate-evidence');
afterAll(async () => {
  for (const d of dialects) await d.cleanup();
});

for (const dialect of dialects)
  describe.skipIf(!dialect.available)(`on ${dialect.name}`, () => {
    let repo: TestRepo;
    let url: string;
    const sha: Record<string, string> = {};
    // One signing key for every repository and clone of this block (as a CI secret would be).
    const key = newLedgerKey();
    const cli = (args: string[], env: Record<string, string> = {}, dir = repo.dir) =>
      runCli([...args, '--repo', dir], {
        env: {
          GREENLIGHT_NOW: NOW,
          ...NO_CI,
          GREENLIGHT_LEDGER_KEY: key,
          GREENLIGHT_DATABASE_URL: url,
          ...env,
        },
      });
    const recordEvidence = async (commit: string, env: Record<string, string> = {}) => {
      expect(
        (await cli(['record', 'scan', reports.secrets!, reports.sast!, '--commit', commit], env)).code,
      ).toBe(0);
      expect((await cli(['record', 'tests', reports.junit!, '--commit', commit], env)).code).toBe(0);
    };

    beforeAll(async () => {
      repo = createRepo();
      url = dialect.fresh(repo.dir);
      sha.c0 = repo.commit({
        subject: 'Initial',
        files: { 'greenlight.yml': POLICY, '.gitignore': '.greenlight/\n' },
        date: '2026-01-05T09:00:00Z',
      });
      repo.branch('feature/ENG-7');
      sha.h = repo.commit({ subject: 'ENG-7 work', author: BOB, date: '2026-01-05T10:00:00Z' });
      await recordEvidence(sha.h);
    }, 120_000);

    describe('--commit as a ref or a short SHA', () => {
      it.each([
        ['HEAD', 'HEAD'],
        ['a branch name', 'feature/ENG-7'],
        ['a short SHA', 'short'],
      ])('resolves %s to the full SHA the evidence is recorded under', async (_, given) => {
        repo.checkout('feature/ENG-7');
        const commit = given === 'short' ? sha.h!.slice(0, 10) : given;
        const r = await cli(['gate', '--context', 'pull_request', '--commit', commit]);
        expect(r.stdout).toContain(`Pull request at ${sha.h!.slice(0, 7)} passed`);
        expect(r.stdout).toContain('required scans recorded: sast, secrets');
        expect(r.code).toBe(0);
      });

      it('exits 2 for a ref that does not resolve', async () => {
        const r = await cli(['gate', '--context', 'pull_request', '--commit', 'no-such-branch']);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('cannot resolve commit "no-such-branch"');
      });
    });

    describe("a pull request's policy comes from its base", () => {
      it("gates a head that empties scans.required by the base's policy, and says the head changed it", async () => {
        repo.checkout('main');
        repo.branch('feature/ENG-8');
        sha.weak = repo.commit({
          subject: 'ENG-8 relax the gate',
          author: BOB,
          files: { 'greenlight.yml': 'scans:\n  required: []\n' },
          date: '2026-01-05T11:00:00Z',
        });
        // Only tests are recorded: the head's own policy would need no scan.
        expect((await cli(['record', 'tests', reports.junit!, '--commit', sha.weak])).code).toBe(0);
        const r = await cli(['gate'], githubPr(sha.weak, sha.c0!));
        expect(r.stdout).toContain('required scans not recorded for');
        expect(r.stdout).toContain(
          `this pull request changes the gate's policy (scans.required); the base branch's applies: greenlight.yml at the base ${sha.c0!.slice(0, 7)}`,
        );
        expect(r.code).toBe(1);
      });

      it('names where the policy came from when the head leaves it alone', async () => {
        repo.checkout('feature/ENG-7');
        const r = await cli(['gate'], githubPr(sha.h!, sha.c0!));
        expect(r.code).toBe(0);
        expect(r.stdout).toContain(`policy: greenlight.yml at the base ${sha.c0!.slice(0, 7)}`);
      });

      it("applies the defaults, not the head's config, when the base has none", async () => {
        const bare = createRepo();
        const base = bare.commit({ subject: 'Initial', date: '2026-01-05T09:00:00Z' });
        bare.branch('feature/ENG-9');
        const head = bare.commit({
          subject: 'ENG-9 add a lax config',
          files: { 'greenlight.yml': 'scans:\n  required: [secrets]\n' },
          date: '2026-01-05T10:00:00Z',
        });
        const bareUrl = dialect.fresh(bare.dir);
        const env = { GREENLIGHT_DATABASE_URL: bareUrl };
        expect((await cli(['record', 'scan', reports.secrets!, '--commit', head], env, bare.dir)).code).toBe(
          0,
        );
        expect((await cli(['record', 'tests', reports.junit!, '--commit', head], env, bare.dir)).code).toBe(
          0,
        );
        const r = await cli(['gate'], { ...githubPr(head, base), ...env }, bare.dir);
        expect(r.stdout).toContain('required scans not recorded for');
        expect(r.stdout).toContain('sast, sca');
        expect(r.stdout).toContain(`the defaults: the base ${base.slice(0, 7)} has no greenlight.yml`);
        expect(r.code).toBe(1);
      });

      it('exits 2 saying to fetch the base when it is not in the checkout, unless --config names a policy outside it', async () => {
        const shallow = cloneRepo(repo, { depth: 1, branch: 'feature/ENG-8' });
        const r = await cli(['gate'], githubPr(sha.weak!, sha.c0!), shallow.dir);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(
          `the base commit ${sha.c0!.slice(0, 7)} of this pull request is not in this checkout`,
        );
        expect(r.stderr).toContain("'fetch-depth: 0'");

        const ownerPolicy = path.join(tempDir('greenlight-policy-'), 'policy.yml');
        writeFileSync(ownerPolicy, 'scans:\n  required: [sast]\n');
        const pinned = await runCli(['gate', '--repo', shallow.dir, '--config', ownerPolicy], {
          env: {
            GREENLIGHT_NOW: NOW,
            ...githubPr(sha.weak!, sha.c0!),
            GREENLIGHT_LEDGER_KEY: key,
            GREENLIGHT_DATABASE_URL: url,
          },
        });
        expect(pinned.stdout).toContain(`policy from ${ownerPolicy} (--config, outside the checkout)`);
        expect(pinned.stdout).toContain('required scan not recorded for');
        expect(pinned.stdout).toContain(': sast (');
        expect(pinned.code).toBe(1);
      });

      it('reads a --config file inside the checkout at the base too', async () => {
        repo.checkout('main');
        repo.branch('feature/ENG-10');
        mkdirSync(path.join(repo.dir, 'ci'), { recursive: true });
        const head = repo.commit({
          subject: 'ENG-10 relax ci/gate.yml',
          files: { 'ci/gate.yml': 'scans:\n  required: []\n' },
          date: '2026-01-05T12:00:00Z',
        });
        expect((await cli(['record', 'tests', reports.junit!, '--commit', head])).code).toBe(0);
        const r = await cli(
          ['gate', '--config', path.join(repo.dir, 'ci/gate.yml')],
          githubPr(head, sha.c0!),
        );
        expect(r.stdout).toContain(`the defaults: the base ${sha.c0!.slice(0, 7)} has no ci/gate.yml`);
        expect(r.code).toBe(1);
        repo.checkout('main');
      });
    });

    describe('--fail-open keeps every exit code but an unreachable store', () => {
      it('exits 3 on a tampered ledger instead of passing', async () => {
        const other = createRepo();
        const head = other.commit({ subject: 'x', files: { 'greenlight.yml': POLICY } });
        const otherUrl = dialect.fresh(other.dir);
        const env = { GREENLIGHT_DATABASE_URL: otherUrl };
        expect((await cli(['record', 'scan', reports.secrets!, '--commit', head], env, other.dir)).code).toBe(
          0,
        );
        const raw = await openRaw(otherUrl);
        try {
          await raw.dropTriggers();
          const [row] = await raw.all<{ seq: number; envelope: Buffer }>(
            'SELECT seq, envelope FROM ledger_payloads ORDER BY seq DESC LIMIT 1',
          );
          // One byte more after the signed envelope: its leaf hash no longer matches.
          const forged = Buffer.concat([Buffer.from(row!.envelope), Buffer.from(' ')]);
          await raw.run('UPDATE ledger_payloads SET envelope = ? WHERE seq = ?', [forged, row!.seq]);
        } finally {
          await raw.close();
        }
        const r = await cli(
          ['gate', '--context', 'pull_request', '--commit', head, '--fail-open'],
          env,
          other.dir,
        );
        expect(r.code).toBe(3);
        expect(r.stderr).toContain('the envelope does not match its leaf hash (altered)');
        expect(r.stdout).not.toContain('fail-open');
      });

      it('exits 3 for gate and record when the ledger belongs to another origin', async () => {
        const other = createRepo();
        const head = other.commit({ subject: 'x' });
        const otherUrl = dialect.fresh(other.dir);
        const env = { GREENLIGHT_DATABASE_URL: otherUrl };
        expect((await cli(['record', 'tests', reports.junit!, '--commit', head], env, other.dir)).code).toBe(
          0,
        );
        const cfg = path.join(tempDir('greenlight-origin-'), 'greenlight.yml');
        writeFileSync(cfg, 'ledger:\n  origin: example.com/somebody-else\n');
        for (const args of [
          ['gate', '--context', 'deploy', '--env', 'production', '--commit', head, '--fail-open'],
          ['record', 'tests', reports.junit!, '--commit', head, '--fail-open'],
        ]) {
          const r = await cli([...args, '--config', cfg], env, other.dir);
          expect(r.code).toBe(3);
          expect(r.stderr).toContain("but this ledger's origin is");
          expect(r.stdout).not.toMatch(/fail-open|spooled/);
        }
      });

      if (dialect.name === 'sqlite')
        it('exits 3 on a corrupt SQLite ledger file', async () => {
          const dir = tempDir('greenlight-corrupt-');
          const file = path.join(dir, 'greenlight.db');
          writeFileSync(file, Buffer.alloc(4096, 7));
          const env = { GREENLIGHT_DATABASE_URL: `sqlite:${file}` };
          const r = await cli(
            ['gate', '--context', 'deploy', '--env', 'production', '--commit', sha.c0!, '--fail-open'],
            env,
          );
          expect(r.code).toBe(3);
          expect(r.stderr).toContain('is not a SQLite database');
          const rec = await cli(
            ['record', 'deployment', '--env', 'production', '--commit', sha.c0!, '--fail-open'],
            env,
          );
          expect(rec.code).toBe(3);
        });

      if (dialect.name === 'postgres')
        it('exits 4 when PostgreSQL refuses the credentials: reachable, so no pass and no spool', async () => {
          const u = new URL(url);
          u.password = 'not-the-password';
          const env = { GREENLIGHT_DATABASE_URL: u.toString(), XDG_CACHE_HOME: tempDir('greenlight-cache-') };
          const r = await cli(
            ['gate', '--context', 'deploy', '--env', 'production', '--commit', sha.c0!, '--fail-open'],
            env,
          );
          expect(r.code).toBe(4);
          expect(r.stderr).toContain('password authentication failed');
          expect(r.stderr).not.toContain('not-the-password');
          expect(r.stdout).not.toContain('fail-open');
          const rec = await cli(['record', 'tests', reports.junit!, '--commit', sha.c0!, '--fail-open'], env);
          expect(rec.code).toBe(4);
          expect(rec.stdout).not.toContain('spooled');
        });
    });
  });

describe('--fail-open with bad input', () => {
  it('exits 2 for a malformed database URL, for gate and record alike', async () => {
    const repo = createRepo();
    const head = repo.commit({ subject: 'x' });
    const env = { ...NO_CI, GREENLIGHT_NOW: NOW, GREENLIGHT_DATABASE_URL: 'postgres://u:pw@[::1/ledger' };
    for (const args of [
      ['gate', '--context', 'deploy', '--env', 'production', '--commit', head, '--fail-open'],
      ['record', 'deployment', '--env', 'production', '--commit', head, '--fail-open'],
    ]) {
      const r = await runCli([...args, '--repo', repo.dir], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('GREENLIGHT_DATABASE_URL');
      expect(r.stdout).not.toMatch(/fail-open|spooled/);
    }
  });
});
