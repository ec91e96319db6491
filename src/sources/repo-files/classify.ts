import type { IacKind } from '../../facts/index.js';

/** What one file is, as far as the checks care: infrastructure code, a policy, a dependency manifest. */
export interface FileKinds {
  iac?: IacKind;
  policy?: string;
  manifest?: string;
}

const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** Kinds decided from the path alone (so they hold for files too large or binary to read). */
export function kindsByName(path: string): FileKinds {
  const name = base(path);
  const lower = name.toLowerCase();
  const kinds: FileKinds = {};
  if (lower.endsWith('.tf') || lower.endsWith('.tf.json')) kinds.iac = 'terraform';
  else if (lower.endsWith('.bicep')) kinds.iac = 'bicep';
  else if (name === 'Chart.yaml') kinds.iac = 'helm';
  else if (isDockerfile(lower)) kinds.iac = 'dockerfile';

  if (lower.endsWith('.rego')) kinds.policy = underPolicyDir(path) ? 'conftest' : 'opa';
  else if (lower === 'conftest.toml') kinds.policy = 'conftest';
  else if (lower.endsWith('.sentinel') || lower === 'sentinel.hcl') kinds.policy = 'sentinel';

  const manifest = manifestEcosystem(name);
  if (manifest) kinds.manifest = manifest;
  return kinds;
}

function isDockerfile(lower: string): boolean {
  return (
    lower === 'dockerfile' ||
    lower.startsWith('dockerfile.') ||
    lower.endsWith('.dockerfile') ||
    lower === 'containerfile' ||
    lower.startsWith('containerfile.')
  );
}

// Conftest reads policies from ./policy by default.
function underPolicyDir(path: string): boolean {
  return path.split('/').slice(0, -1).includes('policy');
}

/** Ecosystem names follow Dependabot's `package-ecosystem` values, so the two can be compared. */
const MANIFESTS: [RegExp, string][] = [
  [
    /^(?:package\.json|package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?)$/,
    'npm',
  ],
  [/^(?:requirements.*\.txt|Pipfile|Pipfile\.lock|pyproject\.toml|poetry\.lock|setup\.py|uv\.lock)$/, 'pip'],
  [/^(?:go\.mod|go\.sum)$/, 'gomod'],
  [/^(?:Cargo\.toml|Cargo\.lock)$/, 'cargo'],
  [/^pom\.xml$/, 'maven'],
  [/^(?:build\.gradle(?:\.kts)?|settings\.gradle(?:\.kts)?|gradle\.lockfile)$/, 'gradle'],
  [/^(?:Gemfile|Gemfile\.lock|.+\.gemspec)$/, 'bundler'],
  [/^(?:composer\.json|composer\.lock)$/, 'composer'],
  [/^(?:.+\.(?:cs|fs|vb)proj|packages\.config|packages\.lock\.json|Directory\.Packages\.props)$/, 'nuget'],
  [/^(?:pubspec\.yaml|pubspec\.lock)$/, 'pub'],
  [/^(?:mix\.exs|mix\.lock)$/, 'mix'],
  [/^(?:Package\.swift|Package\.resolved)$/, 'swift'],
];

function manifestEcosystem(name: string): string | undefined {
  return MANIFESTS.find(([re]) => re.test(name))?.[1];
}

const STRUCTURED = /\.(?:ya?ml|json|template)$/i;

/** Kinds decided from the content of a text file (CloudFormation, Kubernetes, Kyverno, Gatekeeper). */
export function kindsByContent(path: string, text: string): FileKinds {
  if (!STRUCTURED.test(path)) return {};
  const kinds: FileKinds = {};
  const yaml = /\.ya?ml$/i.test(path);
  if (isCloudFormation(text)) kinds.iac = 'cloudformation';
  else if (yaml && /^apiVersion:[ \t]*\S/m.test(text) && /^kind:[ \t]*\S/m.test(text)) {
    const policy = policyEngine(text);
    if (policy) kinds.policy = policy;
    else if (base(path) !== 'Chart.yaml') kinds.iac = 'kubernetes';
  }
  return kinds;
}

function isCloudFormation(text: string): boolean {
  if (/^[ \t]*["']?AWSTemplateFormatVersion["']?[ \t]*:/m.test(text)) return true;
  return (
    /^[ \t]*["']?Resources["']?[ \t]*:/m.test(text) &&
    /["']?Type["']?[ \t]*:[ \t]*["']?AWS::[A-Za-z0-9]+::/.test(text)
  );
}

function policyEngine(text: string): string | undefined {
  if (
    /^apiVersion:[ \t]*["']?kyverno\.io\//m.test(text) &&
    /^kind:[ \t]*["']?(?:Cluster)?Policy\b/m.test(text)
  )
    return 'kyverno';
  if (/^kind:[ \t]*["']?ConstraintTemplate\b/m.test(text)) return 'gatekeeper';
  if (/^apiVersion:[ \t]*["']?constraints\.gatekeeper\.sh\//m.test(text)) return 'gatekeeper';
  return undefined;
}

/** SECURITY.md at the root, in .github/ or in docs/ (file name in any case). */
export function securityPolicyRank(path: string): number | null {
  const m = /^(?:(\.github|docs)\/)?([^/]+)$/.exec(path);
  if (!m || m[2]?.toLowerCase() !== 'security.md') return null;
  return m[1] === undefined ? 0 : m[1] === '.github' ? 1 : 2;
}
