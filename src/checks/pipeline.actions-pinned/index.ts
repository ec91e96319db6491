import picomatch from 'picomatch';
import { z } from 'zod';
import type { Location, Workflow } from '../../facts/index.js';
import { FULL_SHA, parseUses } from '../../facts/workflows/index.js';
import { defineCheck, fail, notApplicable, pass, type Finding } from '../define-check.js';

interface Use {
  uses: string;
  location: Location;
  what: string;
}

/** Every `uses:` of a workflow: steps, reusable-workflow calls, and steps of its local actions. */
function usesOf(wf: Workflow): Use[] {
  const out: Use[] = [];
  for (const job of wf.jobs) {
    if (job.uses) out.push({ uses: job.uses, location: job.location, what: `job \`${job.id}\`` });
    for (const step of job.steps) {
      if (step.uses)
        out.push({
          uses: step.uses,
          location: step.location,
          what: `job \`${job.id}\` step ${step.index + 1}`,
        });
    }
  }
  for (const [ref, action] of Object.entries(wf.localActions ?? {})) {
    for (const step of action.steps) {
      if (step.uses)
        out.push({ uses: step.uses, location: step.location, what: `action ${ref} step ${step.index + 1}` });
    }
  }
  return out;
}

/** Why a reference is not immutable, or undefined when it is. */
function problem(uses: string, allowed: (name: string) => boolean): string | undefined {
  const ref = parseUses(uses);
  if (ref.kind === 'local') return undefined;
  if (ref.kind === 'docker') return ref.digest ? undefined : 'a Docker image not pinned by `@sha256:` digest';
  if (allowed(ref.name.toLowerCase()) || allowed(`${ref.owner}/${ref.repo}`.toLowerCase())) return undefined;
  if (ref.ref === undefined) return 'no version at all';
  if (FULL_SHA.test(ref.ref)) return undefined;
  return /^[0-9a-f]{7,39}$/i.test(ref.ref) ? `a short SHA (${ref.ref})` : `a movable ref (${ref.ref})`;
}

export default defineCheck({
  id: 'pipeline.actions-pinned',
  title: 'Third-party actions are pinned to a full commit SHA',
  needs: ['workflows'],
  options: z.strictObject({
    allow: z
      .array(z.string())
      .default([])
      .describe('Actions that may use tags, as globs over owner/repo[/path], e.g. "actions/*" or "my-org/*"'),
  }),
  remediation:
    'Pin each `uses:` to a 40-character commit SHA and keep the tag in a comment ' +
    '(`uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1`); let Dependabot or ' +
    'Renovate update the pins. Docker actions: pin `docker://image@sha256:…`.',
  evaluate({ workflows }, { allow }) {
    const github = workflows.files.filter((w) => w.system === 'github-actions');
    if (!github.length) return [notApplicable('no GitHub Actions workflow in the repository', '.')];
    const isAllowed = allow.length ? picomatch(allow.map((a) => a.toLowerCase())) : () => false;
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const wf of github) {
      const uses = usesOf(wf);
      const bad: Finding[] = [];
      for (const u of uses) {
        const why = problem(u.uses, isAllowed);
        const key = `${u.location.path}:${u.location.line}:${u.location.column}`;
        if (!why || seen.has(key)) continue;
        seen.add(key);
        bad.push(
          fail(`${u.location.path}:${u.location.line ?? '?'} ${u.what} uses \`${u.uses}\`: ${why}`, wf.path, {
            location: u.location,
            details: { uses: u.uses },
          }),
        );
      }
      const remote = uses.filter((u) => parseUses(u.uses).kind !== 'local').length;
      findings.push(
        ...(bad.length
          ? bad
          : [
              pass(
                remote
                  ? `${wf.path}: all ${remote} action reference(s) are pinned`
                  : `${wf.path} uses no third-party action`,
                wf.path,
              ),
            ]),
      );
    }
    return findings;
  },
});
