import { afterAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { cleanupRepos, cloneRepo, createRepo, readHistory } from '../../../test/git-repo.js';
import { configSchema } from '../../config/index.js';
import check from './index.js';

afterAll(cleanupRepos);

const now = new Date('2026-03-01T00:00:00Z');

describe('change.emergency-reviewed', () => {
  it('passes an emergency change reviewed in time, by SHA or by ticket', async () => {
    const repo = createRepo();
    repo.commit({ subject: 'Normal change', date: '2026-02-01T10:00:00Z' });
    const bySha = repo.commit({
      subject: 'Hotfix payments',
      trailers: { 'Emergency-Change': 'yes' },
      date: '2026-02-02T10:00:00Z',
    });
    const byTicket = repo.commit({
      subject: 'Hotfix login',
      trailers: { 'Emergency-Change': 'INC-42' },
      date: '2026-02-03T10:00:00Z',
    });
    repo.commit({
      subject: 'Record post-incident reviews',
      trailers: [
        ['Emergency-Reviewed', bySha.slice(0, 10)],
        ['Post-Incident-Review', 'INC-42 https://wiki.example.com/pir/42'],
      ],
      date: '2026-02-06T10:00:00Z',
    });
    const findings = runCheck(check, { git: await readHistory(repo) }, { now });
    expect(outcomes(findings)).toEqual(['pass', 'pass']);
    expect(findings.map((f) => f.resource)).toEqual([byTicket, bySha]);
    expect(findings[1]?.message).toMatch(/was reviewed on 2026-02-06 in [0-9a-f]{7}/);
  });

  it('fails an overdue review and a late one, and passes one still within its period', async () => {
    const repo = createRepo();
    const overdue = repo.commit({
      subject: 'Hotfix A',
      trailers: { 'Emergency-Change': 'INC-1' },
      date: '2026-02-01T10:00:00Z',
    });
    const late = repo.commit({
      subject: 'Hotfix B',
      trailers: { 'Emergency-Change': 'INC-2' },
      date: '2026-02-02T10:00:00Z',
    });
    repo.commit({
      subject: 'Review B',
      trailers: { 'Emergency-Reviewed': 'INC-2' },
      date: '2026-02-12T10:00:00Z',
    });
    const open = repo.commit({
      subject: 'Hotfix C',
      trailers: { 'Emergency-Change': 'INC-3' },
      date: '2026-02-27T10:00:00Z',
    });
    const findings = runCheck(check, { git: await readHistory(repo) }, { now });
    const byResource = Object.fromEntries(findings.map((f) => [f.resource, f]));
    expect(byResource[overdue]).toMatchObject({ outcome: 'fail' });
    expect(byResource[overdue]?.message).toMatch(/has no post-incident review: overdue by 21 days/);
    expect(byResource[late]).toMatchObject({ outcome: 'fail' });
    expect(byResource[late]?.message).toMatch(/was reviewed 3 days late, on 2026-02-12/);
    expect(byResource[open]).toMatchObject({ outcome: 'pass' });
    expect(byResource[open]?.message).toMatch(/review due by 2026-03-06/);
  });

  it('uses the configured number of days', async () => {
    const repo = createRepo();
    repo.commit({
      subject: 'Hotfix',
      trailers: { 'Emergency-Change': 'INC-5' },
      date: '2026-02-01T10:00:00Z',
    });
    repo.commit({
      subject: 'Review',
      trailers: { 'Emergency-Reviewed': 'INC-5' },
      date: '2026-02-10T10:00:00Z',
    });
    const git = await readHistory(repo);
    expect(outcomes(runCheck(check, { git }, { now }))).toEqual(['fail']);
    const config = configSchema.parse({ thresholds: { emergencyReviewDays: 14 } });
    expect(outcomes(runCheck(check, { git }, { now, config }))).toEqual(['pass']);
  });

  it('is not applicable without emergency changes, and not available on a shallow clone', async () => {
    const repo = createRepo();
    repo.commit();
    expect(outcomes(runCheck(check, { git: await readHistory(repo) }, { now }))).toEqual(['not_applicable']);
    repo.commit({ subject: 'Hotfix', trailers: { 'Emergency-Change': 'yes' } });
    const shallow = runCheck(check, { git: await readHistory(cloneRepo(repo, { depth: 1 })) }, { now });
    expect(outcomes(shallow)).toEqual(['not_available']);
  });
});
