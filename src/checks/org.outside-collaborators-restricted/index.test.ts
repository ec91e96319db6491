import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN, repository } from '../../../test/github-facts.js';
import check from './index.js';

describe('org.outside-collaborators-restricted', () => {
  it('passes when outside collaborators only read', () => {
    const github = githubFacts({
      outsideCollaborators: [
        { login: 'vic', repositories: [{ repository: 'acme/api', permission: 'read' }] },
      ],
    });
    expect(outcomes(runCheck(check, { github }))).toEqual(['pass']);
  });
  it('fails per repository where one can write', () => {
    const github = githubFacts({
      outsideCollaborators: [
        {
          login: 'vic',
          repositories: [
            { repository: 'acme/api', permission: 'write' },
            { repository: 'acme/web', permission: 'admin' },
          ],
        },
      ],
    });
    const f = runCheck(check, { github });
    expect(outcomes(f)).toEqual(['fail', 'fail']);
    expect(f[1]!.resource).toBe('acme/web:vic');
  });
  it('is not_available when outside collaborators or repository collaborators are hidden', () => {
    expect(outcomes(runCheck(check, { github: githubFacts({ outsideCollaborators: NOT_SEEN }) }))).toEqual([
      'not_available',
    ]);
    const github = githubFacts({
      outsideCollaborators: [{ login: 'vic', repositories: [] }],
      repositories: [repository({ collaborators: NOT_SEEN })],
    });
    expect(outcomes(runCheck(check, { github }))).toEqual(['not_available', 'pass']);
  });
});
