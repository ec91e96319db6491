import { describe, expect, it } from 'vitest';
import { kindsByContent, kindsByName, securityPolicyRank } from './classify.js';
import { parseCodeowners } from './codeowners.js';
import { parseDependabot, parseRenovate, renovateInPackageJson } from './dependency-updates.js';
import { label, mask } from './secrets.js';

describe('parseCodeowners', () => {
  it('accepts users, teams, emails, escaped spaces and inline comments', () => {
    const co = parseCodeowners(
      'CODEOWNERS',
      '\uFEFF# top\n\n*.js @octo-cat @acme/js_team\n/My\\ Docs/ dev@example.co.uk # docs\n',
      'github',
    );
    expect(co.errors).toEqual([]);
    expect(co.rules).toEqual([
      { pattern: '*.js', owners: ['@octo-cat', '@acme/js_team'], line: 3 },
      { pattern: '/My\\ Docs/', owners: ['dev@example.co.uk'], line: 4 },
    ]);
  });

  it('rejects what GitHub does not understand', () => {
    const co = parseCodeowners(
      '.github/CODEOWNERS',
      '!secret.txt @a\ndocs/[a-c]*.md @a\n* @-bad\n* @a/b/c\n* @@developer\n* user@@example.com\n',
      'github',
    );
    expect(co.errors.map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(co.errors[0]?.message).toMatch(/negation/);
    expect(co.errors[1]?.message).toMatch(/character ranges/);
    expect(co.errors[4]?.message).toMatch(/GitLab syntax/);
    expect(co.errors[5]?.message).toMatch(/not a valid email/);
  });

  it('understands GitLab sections, nested groups and roles', () => {
    const co = parseCodeowners(
      '.gitlab/CODEOWNERS',
      '[Frontend][2] @acme/web/leads\napp/ui/\n^[Optional]\nREADME.md @@maintainer @a.b_c\n[Broken @x\n* @@janitor\n',
      'gitlab',
    );
    expect(co.rules.map((r) => [r.pattern, r.owners])).toEqual([
      ['app/ui/', ['@acme/web/leads']],
      ['README.md', ['@@maintainer', '@a.b_c']],
      ['*', ['@@janitor']],
    ]);
    expect(co.errors).toEqual([
      { line: 5, message: 'section header has an unbalanced "[": write it as [Section name]' },
      { line: 6, message: 'owner "@@janitor" is not a GitLab role (@@developer, @@maintainer, @@owner)' },
    ]);
  });
});

describe('dependency update configurations', () => {
  it('reads Dependabot ecosystems once each', () => {
    const r = parseDependabot(
      '.github/dependabot.yaml',
      'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /a\n  - package-ecosystem: npm\n    directory: /b\n  - package-ecosystem: docker\n',
    );
    expect(r).toEqual({
      update: { tool: 'dependabot', path: '.github/dependabot.yaml', ecosystems: ['npm', 'docker'] },
    });
    expect(parseDependabot('.github/dependabot.yml', 'version: 2\n')).toEqual({
      update: { tool: 'dependabot', path: '.github/dependabot.yml', ecosystems: [] },
    });
  });

  it('reads renovate.json5 with comments, single quotes, unquoted keys and trailing commas', () => {
    const text =
      "// renovate\n{\n  extends: ['config:recommended'], /* x */\n  enabledManagers: ['gomod', 'dockerfile',],\n}\n";
    expect(parseRenovate('renovate.json5', text)).toEqual({
      update: { tool: 'renovate', path: 'renovate.json5', ecosystems: ['gomod', 'docker'] },
    });
  });

  it('records a disabled Renovate with no ecosystems', () => {
    expect(parseRenovate('.github/renovate.json', '{"enabled": false}')).toEqual({
      update: { tool: 'renovate', path: '.github/renovate.json', ecosystems: [] },
    });
  });

  it('gives the place of a JSON error without quoting the file', () => {
    const r = parseRenovate('renovate.json', '{\n  "extends": ["config:recommended"],\n}\n');
    expect(r).toEqual({
      error: {
        path: 'renovate.json',
        line: 3,
        column: 1,
        message: 'not valid JSON: Expected double-quoted property name',
      },
    });
  });

  it('reads package.json#renovate only when present', () => {
    expect(renovateInPackageJson('{"name":"x"}')).toBeNull();
    expect(renovateInPackageJson('not json')).toBeNull();
    expect(renovateInPackageJson('{"renovate":{"enabledManagers":["npm"]}}')).toEqual({
      tool: 'renovate',
      path: 'package.json',
      ecosystems: ['npm'],
    });
  });
});

describe('classify', () => {
  it('tells Kubernetes, CloudFormation, Kyverno and Gatekeeper apart', () => {
    expect(kindsByContent('a.yaml', 'apiVersion: v1\nkind: Service\n')).toEqual({ iac: 'kubernetes' });
    expect(
      kindsByContent('a.yml', '---\napiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Secret\n'),
    ).toEqual({
      iac: 'kubernetes',
    });
    expect(kindsByContent('t.yaml', 'Resources:\n  Fn:\n    Type: "AWS::Lambda::Function"\n')).toEqual({
      iac: 'cloudformation',
    });
    expect(kindsByContent('p.yaml', 'apiVersion: kyverno.io/v1\nkind: Policy\n')).toEqual({
      policy: 'kyverno',
    });
    expect(
      kindsByContent('c.yaml', 'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRequiredLabels\n'),
    ).toEqual({
      policy: 'gatekeeper',
    });
    expect(kindsByContent('ci.yml', 'on: push\njobs: {}\n')).toEqual({});
    expect(kindsByContent('notes.txt', 'apiVersion: v1\nkind: Pod\n')).toEqual({});
    // A Helm Chart.yaml has an apiVersion but is not a manifest; it is found by its name.
    expect(kindsByContent('Chart.yaml', 'apiVersion: v2\nkind: x\n')).toEqual({});
  });

  it('names files by their path', () => {
    expect(kindsByName('x/main.tf.json')).toEqual({ iac: 'terraform' });
    expect(kindsByName('Dockerfile.prod')).toEqual({ iac: 'dockerfile' });
    expect(kindsByName('web/policy/k8s/deny.rego')).toEqual({ policy: 'conftest' });
    expect(kindsByName('requirements.txt')).toEqual({ manifest: 'pip' });
    expect(kindsByName('app.gemspec')).toEqual({ manifest: 'bundler' });
    expect(kindsByName('src/index.ts')).toEqual({});
  });

  it('ranks SECURITY.md locations', () => {
    expect(securityPolicyRank('SECURITY.md')).toBe(0);
    expect(securityPolicyRank('.github/Security.md')).toBe(1);
    expect(securityPolicyRank('docs/security.md')).toBe(2);
    expect(securityPolicyRank('src/SECURITY.md')).toBeNull();
    expect(securityPolicyRank('SECURITY.txt')).toBeNull();
  });
});

describe('secret redaction', () => {
  it('labels rule messages in words', () => {
    expect(label('AWSSecretAccessKey')).toBe('AWS secret access key');
    expect(label('GITHUB_TOKEN')).toBe('GitHub token');
    expect(label('PostgreSQLConnection')).toBe('PostgreSQL connection string with a password');
    expect(label('SOME_NEW_TOKEN')).toBe('Some new token');
    expect(label('FooBarKey')).toBe('Foo bar key');
  });

  it('masks everything but a well-known prefix', () => {
    const token = ['xoxb', '-', '1234567890-abcdefghijklmnop'].join('');
    expect(mask(token)).toBe('xoxb-…[32 characters redacted]');
    expect(mask('hunter2hunter2')).toBe('[14 characters redacted]');
    expect(mask('ab-c')).toBe('[4 characters redacted]');
  });
});
