import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN, repository } from '../../../test/github-facts.js';
import check from './index.js';

const admins = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ login: `u${i}`, permission: 'admin' as const, outside: false }));

describe('repo.admin-count', () => {
  it('passes with few direct admins', () => {
    expect(outcomes(runCheck(check, { github: githubFacts() }))).toEqual(['pass']);
  });
  it('fails above the maximum', () => {
    const [f] = runCheck(check, {
      github: githubFacts({ repositories: [repository({ collaborators: admins(5) })] }),
    });
    expect(f).toMatchObject({ outcome: 'fail', resource: 'acme/api', details: { max: 3 } });
  });
  it('is not_available when collaborators are hidden', () => {
    expect(
      outcomes(
        runCheck(check, { github: githubFacts({ repositories: [repository({ collaborators: NOT_SEEN })] }) }),
      ),
    ).toEqual(['not_available']);
  });
});
