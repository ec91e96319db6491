import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/index.js';
import { isUnavailable, type RepoFiles } from '../../facts/index.js';
import type { SourceContext } from '../context.js';
import { collectRepoFiles } from './index.js';

// FAKE credentials, assembled at run time so no credential-shaped string sits in the source.
const FAKE = {
  awsKeyId: ['AKIA', 'Q7ZK3N5T', 'XW2M4P6R'].join(''),
  awsSecret: ['Zx8fK2pLq9', 'Wm3Rt7Yv1B', 'n6Hs4Jd0Gc', '5Ue2Ai8Ko3'].join(''),
  githubToken: ['ghp', '_', 'wWPw5k4aXcaT4fNP', '0UcnZwJUVFk6LO0pINUx'].join(''),
  privateKey: generateKeyPairSync('rsa', {
    modulusLength: 1024,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  }).privateKey,
};

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'gl-repo-files-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function write(root: string, rel: string, content: string | Buffer): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), content);
}

const git = (root: string, ...args: string[]) =>
  execFileSync('git', ['-C', root, ...args], { stdio: 'pipe' });

function ctx(root: string, progress: string[] = []): SourceContext {
  return {
    root,
    since: null,
    until: new Date('2026-11-01T00:00:00Z'),
    config: defaultConfig(),
    progress: (m) => progress.push(m),
  };
}

async function collect(root: string, progress?: string[]): Promise<RepoFiles> {
  const facts = await collectRepoFiles(ctx(root, progress));
  if (isUnavailable(facts)) throw new Error(facts.reason);
  return facts;
}

/** A repository with one of everything the source reads. */
function buildTree(root: string): void {
  write(root, '.gitignore', 'ignored/\n*.log\n');
  write(root, 'ignored/token.txt', `token = ${FAKE.githubToken}\n`);
  write(root, 'debug.log', `token = ${FAKE.githubToken}\n`);
  // binary: a NUL byte early, then a token that must not be scanned
  write(
    root,
    'assets/logo.bin',
    Buffer.concat([Buffer.from([0x89, 0x50, 0x00, 0x01]), Buffer.from(FAKE.githubToken)]),
  );
  // > 1 MiB: not read
  write(root, 'data/huge.txt', `${'x'.repeat(1024 * 1024)}\n${FAKE.githubToken}\n`);
  write(
    root,
    '.github/CODEOWNERS',
    [
      '# owners',
      '*            @acme/platform',
      '/src/api/    @alice @acme/api-team   # inline comment',
      '/docs/       bob',
      '/infra/      carol@',
      '/legacy/',
      '[Backend]',
      '/web/[abc    @acme/web',
      '*.md         docs@acme.example',
    ].join('\n'),
  );
  write(root, 'infra/main.tf', 'resource "aws_s3_bucket" "b" { bucket = "b" }\n');
  write(
    root,
    'infra/stack.yaml',
    'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n',
  );
  write(
    root,
    'infra/queue.template.json',
    JSON.stringify({ Resources: { Q: { Type: 'AWS::SQS::Queue' } } }, null, 2),
  );
  write(root, 'infra/main.bicep', "resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = {}\n");
  write(root, 'k8s/deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n');
  write(root, 'charts/web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
  write(root, 'Dockerfile', 'FROM node:20-alpine\n');
  write(root, 'docker/api.Dockerfile', 'FROM golang:1.22\n');
  write(root, 'Containerfile', 'FROM alpine:3.20\n');
  write(root, 'policy/deny.rego', 'package main\ndeny[msg] { false; msg := "x" }\n');
  write(root, 'authz/allow.rego', 'package authz\ndefault allow := false\n');
  write(root, 'conftest.toml', 'policy = "policy"\n');
  write(
    root,
    'kyverno/require-labels.yaml',
    'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: require-labels\n',
  );
  write(
    root,
    'gatekeeper/template.yaml',
    'apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: k8srequiredlabels\n',
  );
  write(root, 'sentinel/restrict.sentinel', 'main = rule { true }\n');
  write(root, 'sentinel.hcl', 'policy "restrict" { source = "./sentinel/restrict.sentinel" }\n');
  write(root, 'package.json', JSON.stringify({ name: 'w', renovate: { extends: ['config:recommended'] } }));
  write(root, 'requirements-dev.txt', 'pytest==8.0.0\n');
  write(root, 'go.mod', 'module example.com/w\n');
  write(root, 'Cargo.toml', '[package]\nname = "w"\n');
  write(root, 'pom.xml', '<project/>\n');
  write(root, 'android/build.gradle.kts', 'plugins {}\n');
  write(root, 'Gemfile', 'source "https://rubygems.org"\n');
  write(root, 'composer.json', '{}\n');
  write(root, 'dotnet/App.csproj', '<Project/>\n');
  write(root, 'dotnet/packages.config', '<packages/>\n');
  write(
    root,
    '.github/dependabot.yml',
    'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule: { interval: daily }\n  - package-ecosystem: pip\n    directory: /\n    schedule: { interval: weekly }\n',
  );
  write(
    root,
    'renovate.json',
    '{ "extends": ["config:recommended"], "enabledManagers": ["npm", "pip_requirements"] }\n',
  );
  write(root, 'docs/SECURITY.md', '# Security\n');
  write(root, '.github/security.md', '# Security\n');
  write(
    root,
    'config/prod.env',
    [
      `AWS_ACCESS_KEY_ID=${FAKE.awsKeyId}`,
      `AWS_SECRET_ACCESS_KEY=${FAKE.awsSecret}`,
      `GITHUB_TOKEN=${FAKE.githubToken}`,
      '',
    ].join('\n'),
  );
  write(root, 'config/deploy_key.pem', FAKE.privateKey);
  // symlink loop, a link to a directory above and a link out of the tree
  symlinkSync('.', path.join(root, 'loop'));
  mkdirSync(path.join(root, 'a'), { recursive: true });
  symlinkSync('..', path.join(root, 'a', 'up'));
  symlinkSync('/etc/passwd', path.join(root, 'passwd-link'));
}

describe('collectRepoFiles on a git repository', () => {
  let root: string;
  let facts: RepoFiles;
  const progress: string[] = [];

  beforeAll(async () => {
    root = tempDir();
    git(root, 'init', '-q');
    git(root, 'remote', 'add', 'origin', 'git@github.com:acme/widgets.git');
    buildTree(root);
    git(root, 'add', 'Dockerfile', 'go.mod');
    git(root, '-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init');
    facts = await collect(root, progress);
  });

  it('names the repository from its origin remote', () => {
    expect(facts.root).toBe(root);
    expect(facts.repository).toBe('acme/widgets');
  });

  it('respects .gitignore and counts skipped files by reason', () => {
    expect(facts.skipped).toEqual({ binary: 1, 'too-large': 1, symlink: 3 });
    const paths = JSON.stringify(facts);
    expect(paths).not.toContain('ignored/token.txt');
    expect(paths).not.toContain('debug.log');
    expect(facts.filesScanned).toBeGreaterThan(30);
  });

  it('parses CODEOWNERS from .github/ with every syntax error and its line', () => {
    expect(facts.codeowners?.path).toBe('.github/CODEOWNERS');
    expect(facts.codeowners?.rules.map((r) => [r.line, r.pattern, r.owners])).toEqual([
      [2, '*', ['@acme/platform']],
      [3, '/src/api/', ['@alice', '@acme/api-team']],
      [4, '/docs/', ['bob']],
      [5, '/infra/', ['carol@']],
      [6, '/legacy/', []],
      [8, '/web/[abc', ['@acme/web']],
      [9, '*.md', ['docs@acme.example']],
    ]);
    expect(facts.codeowners?.errors).toEqual([
      { line: 4, message: 'owner "bob" must be @user, @org/team or an email address (missing "@"?)' },
      { line: 5, message: 'owner "carol@" is not a valid email address' },
      { line: 7, message: 'GitLab section headers such as [Section] are not understood by GitHub' },
      { line: 8, message: 'pattern "/web/[abc" has unbalanced brackets' },
    ]);
  });

  it('finds Dependabot and Renovate configurations with their ecosystems', () => {
    expect(facts.dependencyUpdates).toEqual([
      { tool: 'dependabot', path: '.github/dependabot.yml', ecosystems: ['npm', 'pip'] },
      { tool: 'renovate', path: 'renovate.json', ecosystems: ['npm', 'pip'] },
      { tool: 'renovate', path: 'package.json', ecosystems: ['*'] },
    ]);
    expect(facts.parseErrors).toBeUndefined();
  });

  it('prefers .github/ over docs/ for SECURITY.md, in any case', () => {
    expect(facts.securityPolicy).toBe('.github/security.md');
  });

  it('finds every kind of infrastructure code', () => {
    expect(facts.iac).toEqual([
      { kind: 'dockerfile', path: 'Containerfile' },
      { kind: 'dockerfile', path: 'Dockerfile' },
      { kind: 'helm', path: 'charts/web/Chart.yaml' },
      { kind: 'dockerfile', path: 'docker/api.Dockerfile' },
      { kind: 'bicep', path: 'infra/main.bicep' },
      { kind: 'terraform', path: 'infra/main.tf' },
      { kind: 'cloudformation', path: 'infra/queue.template.json' },
      { kind: 'cloudformation', path: 'infra/stack.yaml' },
      { kind: 'kubernetes', path: 'k8s/deploy.yaml' },
    ]);
  });

  it('finds policy-as-code files by engine', () => {
    expect(facts.policies).toEqual([
      { engine: 'opa', path: 'authz/allow.rego' },
      { engine: 'conftest', path: 'conftest.toml' },
      { engine: 'gatekeeper', path: 'gatekeeper/template.yaml' },
      { engine: 'kyverno', path: 'kyverno/require-labels.yaml' },
      { engine: 'conftest', path: 'policy/deny.rego' },
      { engine: 'sentinel', path: 'sentinel.hcl' },
      { engine: 'sentinel', path: 'sentinel/restrict.sentinel' },
    ]);
  });

  it('lists dependency manifests with Dependabot ecosystem names', () => {
    expect(facts.manifests.map((m) => `${m.ecosystem}:${m.path}`)).toEqual([
      'cargo:Cargo.toml',
      'bundler:Gemfile',
      'gradle:android/build.gradle.kts',
      'composer:composer.json',
      'nuget:dotnet/App.csproj',
      'nuget:dotnet/packages.config',
      'gomod:go.mod',
      'npm:package.json',
      'maven:pom.xml',
      'pip:requirements-dev.txt',
    ]);
  });

  it('finds the planted credentials with path, line and column', () => {
    if (isUnavailable(facts.secrets)) throw new Error(facts.secrets.reason);
    expect(facts.secrets.map((f) => [f.path, f.line, f.ruleId])).toEqual([
      ['config/deploy_key.pem', 1, '@secretlint/secretlint-rule-privatekey'],
      ['config/prod.env', 2, '@secretlint/secretlint-rule-aws'],
      ['config/prod.env', 3, '@secretlint/secretlint-rule-github'],
    ]);
    const github = facts.secrets.find((f) => f.ruleId.endsWith('github'));
    expect(github?.column).toBe('GITHUB_TOKEN='.length + 1);
    expect(github?.message).toBe('GitHub token (github): ghp_…[40 characters redacted]');
  });

  it('never stores a secret value anywhere in the facts or the progress messages', () => {
    const everything = JSON.stringify(facts) + progress.join('\n');
    const keyBody = FAKE.privateKey.split('\n').filter((l) => l && !l.startsWith('-----'));
    for (const value of [
      FAKE.awsSecret,
      FAKE.githubToken,
      FAKE.githubToken.slice(4),
      FAKE.awsKeyId,
      ...keyBody,
    ])
      expect(everything).not.toContain(value);
  });

  it('switches off secretlint 11 profiling, whose observer is O(n²) in files scanned', () => {
    const marks = performance.getEntriesByType('mark').filter((m) => m.name.startsWith('@core>'));
    expect(marks).toEqual([]);
  });

  it('reports progress', () => {
    expect(progress[0]).toMatch(/^repo-files: reading \d+ files$/);
    expect(progress.at(-1)).toMatch(/3 possible secrets$/);
  });
});

describe('collectRepoFiles outside git', () => {
  it('walks the tree, skipping node_modules/.git/vendor and never following symlinks', async () => {
    const root = tempDir();
    write(root, 'src/app.js', 'console.log(1)\n');
    write(root, 'node_modules/dep/key.txt', `t=${FAKE.githubToken}\n`);
    write(root, 'vendor/lib/key.txt', `t=${FAKE.githubToken}\n`);
    write(root, 'CODEOWNERS', '* @acme/all\n');
    symlinkSync('..', path.join(root, 'src', 'parent'));
    symlinkSync(root, path.join(root, 'self'));
    const facts = await collect(root);
    expect(facts.filesScanned).toBe(2);
    expect(facts.skipped).toEqual({ symlink: 2 });
    expect(facts.secrets).toEqual([]);
    expect(facts.codeowners?.path).toBe('CODEOWNERS');
    expect(facts.repository).toBe(path.basename(root));
  });

  it('reads GitLab CODEOWNERS sections, with default owners', async () => {
    const root = tempDir();
    write(root, '.gitlab-ci.yml', 'test:\n  script: [npm test]\n');
    write(
      root,
      '.gitlab/CODEOWNERS',
      '[Backend] @acme/backend\n/api/\n/db/ @dba\n^[Docs][2]\n*.md @writer @@developer\n',
    );
    const facts = await collect(root);
    expect(facts.codeowners).toEqual({
      path: '.gitlab/CODEOWNERS',
      rules: [
        { pattern: '/api/', owners: ['@acme/backend'], line: 2 },
        { pattern: '/db/', owners: ['@dba'], line: 3 },
        { pattern: '*.md', owners: ['@writer', '@@developer'], line: 5 },
      ],
      errors: [],
    });
  });

  it('reports a malformed dependabot.yml with its place instead of failing', async () => {
    const root = tempDir();
    write(
      root,
      '.github/dependabot.yml',
      'version: 2\nupdates:\n  - package-ecosystem: npm\n   directory: "/\n',
    );
    write(root, '.renovaterc', '{ "extends": [ }');
    const facts = await collect(root);
    expect(facts.dependencyUpdates).toEqual([]);
    expect(facts.parseErrors).toHaveLength(2);
    expect(facts.parseErrors?.[0]).toMatchObject({
      path: '.github/dependabot.yml',
      line: expect.any(Number),
    });
    expect(facts.parseErrors?.[0]?.message).toMatch(/^not valid YAML: /);
    expect(facts.parseErrors?.[1]).toMatchObject({ path: '.renovaterc', line: 1 });
    expect(facts.parseErrors?.[1]?.message).toBe("not valid JSON: Unexpected token '}'");
  });

  it('says secrets are unavailable when secretlint cannot be loaded', async () => {
    const root = tempDir();
    write(root, 'a.txt', 'hello\n');
    const facts = await collectRepoFiles(ctx(root), {
      secretlint: {
        core: '@secretlint/no-such-package',
        preset: '@secretlint/secretlint-rule-preset-recommend',
      },
    });
    if (isUnavailable(facts)) throw new Error('the source itself should be available');
    expect(isUnavailable(facts.secrets)).toBe(true);
    expect(isUnavailable(facts.secrets) && facts.secrets.reason).toMatch(/^secretlint could not be loaded/);
    expect(facts.filesScanned).toBe(1);
  });
});
