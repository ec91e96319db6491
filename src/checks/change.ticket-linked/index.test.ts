import { afterAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import {
  cleanupRepos,
  cloneRepo,
  createRepo,
  DEPENDABOT,
  readHistory,
  WEB_FLOW,
} from '../../../test/git-repo.js';
import { configSchema } from '../../config/index.js';
import check from './index.js';

afterAll(cleanupRepos);

describe('change.ticket-linked', () => {
  it('passes when each change links a ticket in its title, body, branch, commits or a tracker URL', async () => {
    const repo = createRepo();
    repo.squash(1, { subject: 'ENG-1 Initial import' });
    repo.squash(2, { subject: 'Fix login', body: 'Fixes https://acme.atlassian.net/browse/OPS-9' });
    repo.branch('feature/PAY-12-refunds');
    repo.commit({ subject: 'Refunds' });
    repo.checkout('main');
    repo.prMerge('feature/PAY-12-refunds', 3);
    repo.branch('cleanup');
    repo.commit({ subject: 'Tidy up', body: 'Part of SEC-77' });
    repo.checkout('main');
    repo.prMerge('cleanup', 4);
    repo.commit({ subject: 'Bump lodash', author: DEPENDABOT, committer: WEB_FLOW });
    repo.squash(5, { subject: 'Bump react', author: DEPENDABOT });
    const findings = runCheck(check, { git: await readHistory(repo) });
    expect(outcomes(findings)).toEqual(['pass']);
    expect(findings[0]?.message).toBe('all 4 changes on main link a ticket');
  });

  it('fails per unlinked change, and does not take the PR number for a ticket', async () => {
    const repo = createRepo();
    repo.squash(1, { subject: 'ENG-1 Initial import' });
    const squash = repo.squash(12, { subject: 'Fix flaky test' });
    const direct = repo.commit({ subject: 'Update README' });
    const findings = runCheck(check, { git: await readHistory(repo) });
    expect(outcomes(findings)).toEqual(['fail', 'fail']);
    expect(findings.map((f) => f.resource)).toEqual([direct, squash]);
    expect(findings[1]?.message).toBe(
      `${squash.slice(0, 7)} "Fix flaky test (#12)" (PR #12) links no ticket in its title, description, branch or commits`,
    );
  });

  it('uses the configured pattern, still ignoring the PR number, and asks for tickets from bots when told', async () => {
    const repo = createRepo();
    repo.squash(7, { subject: 'Fix crash', body: 'Closes #41' });
    repo.squash(8, { subject: 'Bump react', author: DEPENDABOT });
    const config = configSchema.parse({ tickets: { pattern: '#\\d+' } });
    const git = await readHistory(repo);
    expect(outcomes(runCheck(check, { git }, { config }))).toEqual(['pass']);
    const strict = runCheck(check, { git }, { config, options: { exemptBots: false } });
    expect(outcomes(strict)).toEqual(['fail']);
    expect(strict[0]?.message).toMatch(/Bump react/);
  });

  it('reports an invalid pattern as an error naming the setting', async () => {
    const repo = createRepo();
    repo.commit();
    const config = configSchema.parse({ tickets: { pattern: '([A-Z' } });
    const findings = runCheck(check, { git: await readHistory(repo) }, { config });
    expect(outcomes(findings)).toEqual(['error']);
    expect(findings[0]?.message).toMatch(/tickets\.pattern is not a valid regular expression/);
  });

  it('is not applicable without changes, and not available on a shallow clone', async () => {
    expect(outcomes(runCheck(check, { git: await readHistory(createRepo()) }))).toEqual(['not_applicable']);
    const src = createRepo();
    src.commit({ subject: 'ENG-1 a' });
    src.commit({ subject: 'ENG-2 b' });
    const shallow = runCheck(check, { git: await readHistory(cloneRepo(src, { depth: 1 })) });
    expect(outcomes(shallow)).toEqual(['not_available']);
    expect(shallow[0]?.message).toMatch(/git fetch --unshallow/);
  });
});
