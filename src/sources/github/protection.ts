import type {
  BypassActor,
  EffectiveProtection,
  Maybe,
  ProtectionRules,
  ProtectionSource,
  Unavailable,
} from '../../facts/index.js';
import type { ClassicProtection, BranchRule, RulesetDetail } from './schemas.js';

/**
 * Effective branch protection: classic protection and every active ruleset that targets the
 * branch, merged. GitHub applies all of them at once, so a rule holds when any active source
 * enforces it, and a branch protected only by rulesets is protected.
 */

export function noRules(): ProtectionRules {
  return {
    pullRequest: false,
    requiredApprovals: 0,
    dismissStaleReviews: false,
    requireLastPushApproval: false,
    requireCodeOwnerReview: false,
    statusChecks: [],
    strictStatusChecks: false,
    blockForcePushes: false,
    blockDeletions: false,
    linearHistory: false,
    signedCommits: false,
  };
}

export function classicSource(p: ClassicProtection): ProtectionSource {
  const rules = noRules();
  const rv = p.required_pull_request_reviews;
  if (rv) {
    rules.pullRequest = true;
    rules.requiredApprovals = rv.required_approving_review_count ?? 0;
    rules.dismissStaleReviews = rv.dismiss_stale_reviews;
    rules.requireLastPushApproval = rv.require_last_push_approval ?? false;
    rules.requireCodeOwnerReview = rv.require_code_owner_reviews;
  }
  if (p.required_status_checks) {
    rules.statusChecks = [
      ...new Set([
        ...(p.required_status_checks.contexts ?? []),
        ...(p.required_status_checks.checks ?? []).map((c) => c.context),
      ]),
    ];
    rules.strictStatusChecks = p.required_status_checks.strict ?? false;
  }
  // Classic protection blocks force pushes and deletion unless they are explicitly allowed.
  rules.blockForcePushes = !(p.allow_force_pushes?.enabled ?? false);
  rules.blockDeletions = !(p.allow_deletions?.enabled ?? false);
  rules.linearHistory = p.required_linear_history?.enabled ?? false;
  rules.signedCommits = p.required_signatures?.enabled ?? false;

  const bypass: BypassActor[] = [];
  if (!(p.enforce_admins?.enabled ?? false))
    bypass.push({ actorType: 'RepositoryRole', actorId: null, bypassMode: 'always', name: 'admin' });
  const allow = rv?.bypass_pull_request_allowances;
  for (const u of allow?.users ?? [])
    bypass.push({
      actorType: 'User',
      actorId: u.id ?? null,
      bypassMode: 'pull_request',
      name: u.login ?? '?',
    });
  for (const t of allow?.teams ?? [])
    bypass.push({
      actorType: 'Team',
      actorId: t.id ?? null,
      bypassMode: 'pull_request',
      name: t.slug ?? '?',
    });
  for (const a of allow?.apps ?? [])
    bypass.push({
      actorType: 'Integration',
      actorId: a.id ?? null,
      bypassMode: 'pull_request',
      name: a.slug ?? '?',
    });
  return { kind: 'classic', name: 'classic branch protection', enforcement: 'active', rules, bypass };
}

/** Applies the rules of one ruleset (as `/rules/branches/{b}` lists them) to a rule set. */
export function applyRule(rules: ProtectionRules, rule: BranchRule): void {
  const params = rule.parameters ?? {};
  switch (rule.type) {
    case 'pull_request':
      rules.pullRequest = true;
      rules.requiredApprovals = Math.max(
        rules.requiredApprovals,
        num(params.required_approving_review_count),
      );
      rules.dismissStaleReviews ||= params.dismiss_stale_reviews_on_push === true;
      rules.requireLastPushApproval ||= params.require_last_push_approval === true;
      rules.requireCodeOwnerReview ||= params.require_code_owner_review === true;
      break;
    case 'required_status_checks': {
      const checks = Array.isArray(params.required_status_checks)
        ? (params.required_status_checks as { context?: unknown }[])
            .map((c) => c.context)
            .filter((c): c is string => typeof c === 'string')
        : [];
      rules.statusChecks = [...new Set([...rules.statusChecks, ...checks])];
      rules.strictStatusChecks ||= params.strict_required_status_checks_policy === true;
      break;
    }
    case 'non_fast_forward':
      rules.blockForcePushes = true;
      break;
    case 'deletion':
      rules.blockDeletions = true;
      break;
    case 'required_linear_history':
      rules.linearHistory = true;
      break;
    case 'required_signatures':
      rules.signedCommits = true;
      break;
    default:
      break;
  }
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function bypassActorsOf(
  detail: RulesetDetail,
  teamName: (id: number) => string | undefined,
): BypassActor[] {
  return (detail.bypass_actors ?? []).map((b) => ({
    actorType: b.actor_type,
    actorId: b.actor_id ?? null,
    bypassMode: b.bypass_mode ?? 'always',
    name: actorName(b.actor_type, b.actor_id ?? null, teamName),
  }));
}

const ROLES: Record<number, string> = { 1: 'read', 2: 'maintain', 3: 'triage', 4: 'write', 5: 'admin' };

function actorName(type: string, id: number | null, teamName: (id: number) => string | undefined): string {
  if (type === 'OrganizationAdmin') return 'organization admins';
  if (type === 'RepositoryRole') return id !== null ? (ROLES[id] ?? `role ${id}`) : 'repository role';
  if (type === 'Team') return (id !== null && teamName(id)) || `team ${id ?? '?'}`;
  if (type === 'DeployKey') return 'deploy keys';
  return `${type.toLowerCase()} ${id ?? '?'}`;
}

export interface RulesetInput {
  id: number;
  name: string;
  origin: 'organization' | 'repository' | 'enterprise';
  rules: BranchRule[];
  bypass: Maybe<BypassActor[]>;
}

/** Merges classic protection (null: none; Unavailable: unreadable) and the active rulesets. */
export function mergeProtection(
  branch: string,
  classic: Maybe<ClassicProtection | null>,
  rulesets: Maybe<RulesetInput[]>,
): EffectiveProtection {
  const sources: ProtectionSource[] = [];
  const gaps: Unavailable[] = [];
  if (isGap(classic)) gaps.push(classic);
  else if (classic) sources.push(classicSource(classic));
  if (isGap(rulesets)) gaps.push(rulesets);
  else
    for (const r of rulesets) {
      const rules = noRules();
      r.rules.forEach((rule) => applyRule(rules, rule));
      sources.push({
        kind: 'ruleset',
        name: r.name,
        rulesetId: r.id,
        origin: r.origin,
        enforcement: 'active',
        rules,
        bypass: r.bypass,
      });
    }
  const effective = noRules();
  for (const s of sources.filter((x) => x.enforcement === 'active')) {
    const r = s.rules;
    effective.pullRequest ||= r.pullRequest;
    effective.requiredApprovals = Math.max(effective.requiredApprovals, r.requiredApprovals);
    effective.dismissStaleReviews ||= r.dismissStaleReviews;
    effective.requireLastPushApproval ||= r.requireLastPushApproval;
    effective.requireCodeOwnerReview ||= r.requireCodeOwnerReview;
    effective.statusChecks = [...new Set([...effective.statusChecks, ...r.statusChecks])];
    effective.strictStatusChecks ||= r.strictStatusChecks;
    effective.blockForcePushes ||= r.blockForcePushes;
    effective.blockDeletions ||= r.blockDeletions;
    effective.linearHistory ||= r.linearHistory;
    effective.signedCommits ||= r.signedCommits;
  }
  const anyRule =
    effective.pullRequest ||
    effective.statusChecks.length > 0 ||
    effective.blockForcePushes ||
    effective.blockDeletions ||
    effective.linearHistory ||
    effective.signedCommits;
  return { branch, protected: anyRule, sources, effective, gaps };
}

function isGap(v: unknown): v is Unavailable {
  return typeof v === 'object' && v !== null && (v as Unavailable).unavailable === true;
}
