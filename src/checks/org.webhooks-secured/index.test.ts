import { describe, expect, it } from 'vitest';
import { outcomes, runCheck } from '../../../test/check-tester.js';
import { githubFacts, NOT_SEEN, repository } from '../../../test/github-facts.js';
import type { GithubWebhook } from '../../facts/index.js';
import check from './index.js';

const hook = (over: Partial<GithubWebhook> = {}): GithubWebhook => ({
  id: 1,
  scope: 'organization',
  host: 'siem.example',
  https: true,
  active: true,
  events: ['push'],
  hasSecret: true,
  insecureSsl: false,
  ...over,
});

describe('org.webhooks-secured', () => {
  it('passes for signed, verified https webhooks', () => {
    expect(outcomes(runCheck(check, { github: githubFacts({ webhooks: [hook()] }) }))).toEqual(['pass']);
  });
  it('fails naming each weakness', () => {
    const github = githubFacts({
      repositories: [
        repository({
          webhooks: [hook({ scope: 'repository', hasSecret: false, https: false, insecureSsl: true })],
        }),
      ],
    });
    const [f] = runCheck(check, { github });
    expect(f).toMatchObject({ outcome: 'fail', resource: 'acme/api webhook 1 → siem.example' });
    expect(f!.message).toBe(
      'webhook to siem.example has no secret, posts over plain http, skips TLS certificate verification',
    );
  });
  it('is not_available where hooks cannot be listed', () => {
    const github = githubFacts({ webhooks: NOT_SEEN, repositories: [repository({ webhooks: NOT_SEEN })] });
    expect(outcomes(runCheck(check, { github }))).toEqual(['not_available', 'not_available']);
  });
});
