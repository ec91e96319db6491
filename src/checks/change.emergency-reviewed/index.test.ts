import { afterAll, describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { cleanupRepos, cloneRepo, createRepo, readHistory } from '../../../test/git-repo.js';
import { cleanupLedgers, evidenceBuilder, LOCAL, noLedgerEvidence } from '../../../test/evidence-builder.js';
import { overrideStatement, reviewStatement, type AppendItem } from '../../evidence/index.js';
import { configSchema, defaultConfig } from '../../config/index.js';
import { evaluateChecks } from '../../engine/index.js';
import { unavailable } from '../../facts/index.js';
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

describe('change.emergency-reviewed with the evidence ledger', () => {
  afterAll(cleanupLedgers);
  const override = (ticket: string, openedAt: string, commit?: string): AppendItem => ({
    statement: overrideStatement({
      ticket,
      reason: 'checkout outage',
      approver: 'carol',
      openedAt,
      reviewDays: 7,
      ...(commit ? { commit } : {}),
      ci: LOCAL,
    }),
  });
  const review = (ticket: string, reviewedAt: string): AppendItem => ({
    statement: reviewStatement({ ticket, reviewedAt, reviewer: 'dana', ci: LOCAL }),
  });

  it('judges recorded overrides by their recorded reviews: in time, late, overdue, not yet due', async () => {
    const repo = createRepo();
    repo.commit({ subject: 'Normal change', date: '2026-02-01T10:00:00Z' });
    const ev = evidenceBuilder();
    await ev.record(override('INC-1', '2026-02-02T10:00:00Z'));
    await ev.record(review('INC-1', '2026-02-05T10:00:00Z'));
    await ev.record(override('INC-2', '2026-02-03T10:00:00Z'));
    await ev.record(review('INC-2', '2026-02-14T10:00:00Z'));
    await ev.record(override('INC-3', '2026-02-04T10:00:00Z'));
    await ev.record(override('INC-4', '2026-02-27T10:00:00Z'));
    const f = runCheck(check, { git: await readHistory(repo), evidence: await ev.read() }, { now });
    const by = Object.fromEntries(f.map((x) => [x.resource, x]));
    expect(by['ticket:INC-1']).toMatchObject({ outcome: 'pass' });
    expect(by['ticket:INC-1']!.message).toMatch(
      /^emergency override INC-1 \(2026-02-02, approved by carol\) was reviewed on 2026-02-05 \(review recorded by dana, ledger entry \d+\)$/,
    );
    expect(by['ticket:INC-2']).toMatchObject({ outcome: 'fail' });
    expect(by['ticket:INC-2']!.message).toContain('was reviewed 4 days late, on 2026-02-14');
    expect(by['ticket:INC-3']).toMatchObject({ outcome: 'fail' });
    expect(by['ticket:INC-3']!.message).toContain('has no post-incident review: overdue by 18 days');
    expect(by['ticket:INC-4']).toMatchObject({ outcome: 'pass' });
    expect(by['ticket:INC-4']!.message).toContain('review due by 2026-03-06');
  });

  it('counts an override of a trailer commit once, and a recorded review closes a trailer emergency', async () => {
    const repo = createRepo();
    const hotfix = repo.commit({
      subject: 'Hotfix payments',
      trailers: { 'Emergency-Change': 'INC-42' },
      date: '2026-02-10T10:00:00Z',
    });
    const flagged = repo.commit({
      subject: 'Hotfix login',
      trailers: { 'Emergency-Change': 'yes' },
      date: '2026-02-11T10:00:00Z',
    });
    const ev = evidenceBuilder();
    // The gate's emergency path recorded an override for the same commit (another ticket name).
    await ev.record(override('INC-42', '2026-02-10T09:50:00Z', hotfix));
    await ev.record(override('INC-43', '2026-02-11T09:50:00Z', flagged));
    await ev.record(review('INC-42', '2026-02-12T10:00:00Z'));
    const f = runCheck(check, { git: await readHistory(repo), evidence: await ev.read() }, { now });
    expect(f).toHaveLength(2);
    const by = Object.fromEntries(f.map((x) => [x.resource, x]));
    expect(by[hotfix]).toMatchObject({ outcome: 'pass' });
    expect(by[hotfix]!.message).toContain(`emergency change ${hotfix.slice(0, 7)} "Hotfix payments"`);
    expect(by[hotfix]!.message).toContain('(review recorded by dana, ledger entry');
    expect(by[hotfix]!.details).toMatchObject({ override: { ticket: 'INC-42', approver: 'carol' } });
    // The override names INC-43, the commit only says "yes": no review names INC-43, and it is overdue.
    expect(by[flagged]).toMatchObject({ outcome: 'fail' });
    expect(by[flagged]!.message).toContain('overdue');
  });

  it('is not applicable when the only override falls outside the window', async () => {
    const repo = createRepo();
    repo.commit({ subject: 'Normal change', date: '2026-02-01T10:00:00Z' });
    const ev = evidenceBuilder();
    await ev.record(override('INC-9', '2025-12-01T10:00:00Z'));
    const git = await readHistory(repo, { since: new Date('2026-01-01T00:00:00Z') });
    const f = runCheck(check, { git, evidence: await ev.read() }, { now });
    expect(outcomes(f)).toEqual(['not_applicable']);
  });

  it('judges the trailers alone when the ledger cannot be read', async () => {
    const repo = createRepo();
    repo.commit({
      subject: 'Hotfix',
      trailers: { 'Emergency-Change': 'INC-6' },
      date: '2026-02-01T10:00:00Z',
    });
    const facts = { git: await readHistory(repo), evidence: unavailable('cannot reach PostgreSQL') };
    const results = evaluateChecks([check], facts, { config: defaultConfig(), now });
    expect(results.map((r) => r.outcome)).toEqual(['fail']);
    expect(results[0]!.message).toContain('overdue by 21 days');
  });

  it('judges the trailers alone when no ledger exists', async () => {
    const repo = createRepo();
    repo.commit({
      subject: 'Hotfix',
      trailers: { 'Emergency-Change': 'INC-5' },
      date: '2026-02-01T10:00:00Z',
    });
    const f = runCheck(check, { git: await readHistory(repo), evidence: await noLedgerEvidence() }, { now });
    expect(outcomes(f)).toEqual(['fail']);
    expect(f[0]!.message).toContain('overdue by 21 days');
  });
});
