import type { Codeowners, CodeownersRule } from '../../facts/index.js';

/** Where forges look for CODEOWNERS, in the order this source picks the first one found. */
export const CODEOWNERS_LOCATIONS = [
  '.github/CODEOWNERS',
  'CODEOWNERS',
  'docs/CODEOWNERS',
  '.gitlab/CODEOWNERS',
];

export type Flavour = 'github' | 'gitlab';

// GitHub: @user (alphanumerics and single hyphens), @org/team; GitLab also allows dots,
// underscores and nested groups (@group/sub/team) and roles (@@developer).
const GITHUB_OWNER = /^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;
const GITLAB_OWNER = /^@[A-Za-z0-9_][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;
const GITLAB_ROLE = /^@@(?:developers?|maintainers?|owners?)$/;
const EMAIL =
  /^[A-Za-z0-9._%+'-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/**
 * Parses a CODEOWNERS file the way the forge reads it: rules (pattern, owners, line), syntax
 * errors with their line, and rules left without owners.
 */
export function parseCodeowners(path: string, text: string, flavour: Flavour): Codeowners {
  const rules: CodeownersRule[] = [];
  const errors: Codeowners['errors'] = [];
  let sectionOwners: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#')) return;

    if (/^\^?\[/.test(trimmed)) {
      if (flavour === 'github') {
        errors.push({
          line,
          message: 'GitLab section headers such as [Section] are not understood by GitHub',
        });
        return;
      }
      const section = /^\^?\[([^\]]*)\](?:\[(\d+)\])?(.*)$/.exec(trimmed);
      if (!section) {
        errors.push({ line, message: 'section header has an unbalanced "[": write it as [Section name]' });
        return;
      }
      if (!section[1]?.trim()) errors.push({ line, message: 'section header has no name' });
      const owners = tokens(section[3] ?? '');
      owners.forEach((o) => checkOwner(o, flavour, line, errors));
      sectionOwners = owners;
      return;
    }

    const [pattern, ...rest] = tokens(trimmed);
    if (pattern === undefined) return;
    checkPattern(pattern, flavour, line, errors);
    rest.forEach((o) => checkOwner(o, flavour, line, errors));
    rules.push({ pattern, owners: rest.length ? rest : [...sectionOwners], line });
  });
  return { path, rules, errors };
}

/** Splits on unescaped whitespace and drops an inline `# comment`. */
function tokens(text: string): string[] {
  const out: string[] = [];
  for (const t of text.trim().split(/(?<!\\)\s+/)) {
    if (!t) continue;
    if (t.startsWith('#')) break;
    out.push(t);
  }
  return out;
}

function checkPattern(pattern: string, flavour: Flavour, line: number, errors: Codeowners['errors']): void {
  if (pattern.startsWith('!')) {
    errors.push({ line, message: `pattern "${pattern}": negation with "!" is not supported in CODEOWNERS` });
    return;
  }
  let depth = 0;
  for (const ch of pattern.replace(/\\./g, '')) {
    if (ch === '[') depth++;
    else if (ch === ']') depth--;
    if (depth < 0 || depth > 1) break;
  }
  if (depth !== 0) {
    errors.push({ line, message: `pattern "${pattern}" has unbalanced brackets` });
    return;
  }
  if (flavour === 'github' && /(?<!\\)\[/.test(pattern))
    errors.push({
      line,
      message: `pattern "${pattern}": character ranges [ ] are not supported by GitHub CODEOWNERS`,
    });
}

function checkOwner(owner: string, flavour: Flavour, line: number, errors: Codeowners['errors']): void {
  if (owner.startsWith('@@')) {
    if (flavour === 'gitlab' && GITLAB_ROLE.test(owner)) return;
    errors.push({
      line,
      message:
        flavour === 'gitlab'
          ? `owner "${owner}" is not a GitLab role (@@developer, @@maintainer, @@owner)`
          : `owner "${owner}": roles (@@role) are GitLab syntax, not understood by GitHub`,
    });
    return;
  }
  if (owner.startsWith('@')) {
    if ((flavour === 'github' ? GITHUB_OWNER : GITLAB_OWNER).test(owner)) return;
    errors.push({ line, message: `owner "${owner}" is not a valid @user or @org/team name` });
    return;
  }
  if (owner.includes('@')) {
    if (!EMAIL.test(owner)) errors.push({ line, message: `owner "${owner}" is not a valid email address` });
    return;
  }
  errors.push({
    line,
    message: `owner "${owner}" must be @user, @org/team or an email address (missing "@"?)`,
  });
}
