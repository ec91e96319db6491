import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN, protection, repository, rules, source } from '../../../test/github-facts.js';
import type { ProtectionSource } from '../../facts/index.js';
import check from './index.js';

const facts = (...sources: ProtectionSource[]) =>
  githubFacts({
    repositories: [repository({ branches: [{ branch: 'main', protection: protection(sources) }] })],
  });
const admins = { actorType: 'RepositoryRole', actorId: null, bypassMode: 'always', name: 'admin' };
const breakGlass = { actorType: 'Team', actorId: 3, bypassMode: 'always', name: 'break-glass' };
const classic = (bypass: ProtectionSource['bypass']) =>
  source({ kind: 'classic', name: 'classic branch protection', bypass });

describe('branch.no-bypass', () => {
  it('passes when one enforcing source applies to everyone', () => {
    expect(outcomes(runCheck(check, { github: facts(classic([admins]), source({ bypass: [] })) }))).toEqual([
      'pass',
    ]);
  });
  it('passes when only the configured break-glass team may bypass', () => {
    const f = runCheck(
      check,
      { github: facts(source({ bypass: [breakGlass] })) },
      { options: { breakGlass: ['break-glass'] } },
    );
    expect(outcomes(f)).toEqual(['pass']);
  });
  it('fails when admins can bypass every source, naming who', () => {
    const [f] = runCheck(check, { github: facts(classic([admins]), source({ bypass: [breakGlass] })) });
    expect(f).toMatchObject({ outcome: 'fail' });
    expect(f!.message).toContain('repository admins');
    expect(f!.message).toContain('team break-glass');
  });
  it('is not_available when bypass actors are hidden and no source is known to be tight', () => {
    expect(
      outcomes(runCheck(check, { github: facts(classic([admins]), source({ bypass: NOT_SEEN })) })),
    ).toEqual(['not_available']);
  });
  it('is not_applicable for an unprotected branch', () => {
    expect(outcomes(runCheck(check, { github: facts() }))).toEqual(['not_applicable']);
  });
  it('considers only sources enforcing the pull-request rule when there are some', () => {
    const loose = source({ name: 'pr', bypass: [admins] });
    const tight = source({ name: 'no-force', bypass: [], rules: rules({ pullRequest: false }) });
    expect(outcomes(runCheck(check, { github: facts(loose, tight) }))).toEqual(['fail']);
  });
  it('fails when a weaker source without bypass actors holds the pull-request rule but not the approvals count', () => {
    const strong = classic([admins]);
    strong.rules = rules({ requiredApprovals: 2 });
    const weak = source({ name: 'pr-only', bypass: [], rules: rules({ requiredApprovals: 0 }) });
    const [f] = runCheck(check, { github: facts(strong, weak) });
    expect(f).toMatchObject({ outcome: 'fail' });
    expect(f!.message).toContain('2 required approval(s) (classic branch protection: repository admins)');
    expect(f!.message).not.toContain('pull request (');
  });
  it('fails when a bypass actor can skip a non-pull-request ruleset rule, naming the requirement and ruleset', () => {
    const pr = source({ name: 'pr', bypass: [], rules: rules({ signedCommits: false }) });
    const release = { actorType: 'Team', actorId: 9, bypassMode: 'always', name: 'release' };
    const signing = source({
      name: 'signing',
      rulesetId: 2,
      bypass: [release],
      rules: rules({ pullRequest: false, statusChecks: [], signedCommits: true }),
    });
    const [f] = runCheck(check, { github: facts(pr, signing) });
    expect(f).toMatchObject({ outcome: 'fail' });
    expect(f!.message).toContain('signed commits (ruleset "signing": team release)');
    expect(f!.details).toMatchObject({ bypass: { 'signed commits': { 'ruleset "signing"': ['release'] } } });
  });
  it('passes when the only actor on a non-pull-request ruleset rule is the break-glass team', () => {
    const pr = source({ name: 'pr', bypass: [], rules: rules({ signedCommits: false }) });
    const signing = source({
      name: 'signing',
      rulesetId: 2,
      bypass: [breakGlass],
      rules: rules({ pullRequest: false, statusChecks: [], signedCommits: true }),
    });
    const f = runCheck(check, { github: facts(pr, signing) }, { options: { breakGlass: ['break-glass'] } });
    expect(outcomes(f)).toEqual(['pass']);
  });
  it('does not let classic pull-request allowances skip status checks', () => {
    const allowance = { actorType: 'User', actorId: 5, bypassMode: 'pull_request', name: 'octocat' };
    const c = source({
      kind: 'classic',
      name: 'classic branch protection',
      bypass: [allowance],
      rules: rules({ statusChecks: ['build'] }),
    });
    const pr = source({ name: 'pr', bypass: [], rules: rules({ statusChecks: [] }) });
    expect(outcomes(runCheck(check, { github: facts(c, pr) }))).toEqual(['pass']);
  });
});
