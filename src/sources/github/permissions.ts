/**
 * What each endpoint needs, in words a user can act on: the role, the classic PAT scope, the
 * fine-grained / GitHub App permission, or the plan. Used in every `not_available` reason.
 */
const NEEDS: Record<string, string> = {
  'GET /orgs/{org}':
    'an organisation owner (classic PAT: read:org; fine-grained token or GitHub App: organization Administration: read)',
  'GET /orgs/{org}/members?filter=2fa_disabled':
    'an organisation owner (classic PAT: read:org; App: organization Members: read)',
  'GET /orgs/{org}/members':
    'organisation membership (classic PAT: read:org; App: organization Members: read)',
  'GET /orgs/{org}/outside_collaborators':
    'an organisation owner (classic PAT: read:org; App: organization Members: read)',
  'GET /orgs/{org}/actions/permissions':
    'an organisation owner (classic PAT: admin:org; App: organization Administration: read)',
  'GET /orgs/{org}/actions/permissions/workflow':
    'an organisation owner (classic PAT: admin:org; App: organization Administration: read)',
  'GET /orgs/{org}/actions/permissions/selected-actions':
    'an organisation owner (classic PAT: admin:org; App: organization Administration: read)',
  'GET /orgs/{org}/actions/secrets':
    'an organisation owner (classic PAT: admin:org; App: organization Secrets: read)',
  'GET /orgs/{org}/actions/runner-groups':
    'an organisation owner (classic PAT: admin:org; App: organization Self-hosted runners: read)',
  'GET /orgs/{org}/actions/runners':
    'an organisation owner (classic PAT: admin:org; App: organization Self-hosted runners: read)',
  'GET /orgs/{org}/hooks':
    'an organisation owner (classic PAT: admin:org_hook; App: organization Webhooks: read)',
  'GET /orgs/{org}/rulesets':
    'an organisation owner (classic PAT: admin:org; App: organization Administration: read)',
  'GET /orgs/{org}/rulesets/{ruleset_id}':
    'an organisation owner to see bypass actors (classic PAT: admin:org; App: organization Administration: read)',
  'GET /orgs/{org}/audit-log':
    'the GitHub Enterprise Cloud plan and an owner token with read:audit_log (App: organization Administration: read)',
  'GET /orgs/{org}/repos': 'read access to the organisation (App: repository Metadata: read)',
  'GET /orgs/{org}/dependabot/alerts':
    'Dependabot alerts enabled and an owner or security manager token (classic PAT: security_events; App: Dependabot alerts: read)',
  'GET /orgs/{org}/code-scanning/alerts':
    'code scanning (GitHub Code Security on private repositories) and an owner or security manager token (classic PAT: security_events; App: Code scanning alerts: read)',
  'GET /orgs/{org}/secret-scanning/alerts':
    'secret scanning (GitHub Secret Protection on private repositories) and an owner or security manager token (classic PAT: security_events; App: Secret scanning alerts: read)',
  'GET /repos/{owner}/{repo}': 'read access to the repository (App: Metadata: read)',
  'GET /repos/{owner}/{repo}/branches/{branch}/protection':
    'admin on the repository (classic PAT: repo; fine-grained token or App: Administration: read)',
  'GET /repos/{owner}/{repo}/rules/branches/{branch}': 'read access to the repository (App: Metadata: read)',
  'GET /repos/{owner}/{repo}/rulesets/{ruleset_id}':
    'admin on the repository to see bypass actors (classic PAT: repo; App: Administration: read)',
  'GET /repos/{owner}/{repo}/actions/permissions/workflow':
    'admin on the repository (classic PAT: repo; App: Administration: read)',
  'GET /repos/{owner}/{repo}/actions/secrets':
    'admin on the repository (classic PAT: repo; App: Secrets: read)',
  'GET /repos/{owner}/{repo}/hooks':
    'admin on the repository (classic PAT: admin:repo_hook; App: Webhooks: read)',
  'GET /repos/{owner}/{repo}/environments': 'read access to the repository (App: Environments: read)',
  'GET /repos/{owner}/{repo}/codeowners/errors': 'read access to the repository (App: Contents: read)',
  'GET /repos/{owner}/{repo}/code-scanning/default-setup':
    'admin or security manager on the repository (classic PAT: repo; App: Administration: read)',
  'GET /repos/{owner}/{repo}/dependabot/alerts':
    'Dependabot alerts enabled and admin or security manager (classic PAT: security_events; App: Dependabot alerts: read)',
  'GET /repos/{owner}/{repo}/code-scanning/alerts':
    'code scanning enabled and a token with security_events (App: Code scanning alerts: read)',
  'GET /repos/{owner}/{repo}/secret-scanning/alerts':
    'secret scanning enabled and admin or security manager (classic PAT: repo or security_events; App: Secret scanning alerts: read)',
  'graphql collaborators': 'push access to the repository (classic PAT: repo; App: Metadata: read)',
  'graphql deployKeys': 'admin on the repository (classic PAT: repo; App: Administration: read)',
  'graphql samlIdentityProvider':
    'an organisation owner on a plan with SAML single sign-on (GitHub Enterprise Cloud)',
};

export function needs(endpoint: string): string {
  return NEEDS[endpoint] ?? 'a token with access to this endpoint';
}
