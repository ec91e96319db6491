import type { Location, Step, Workflow } from '../../facts/index.js';
import { expandedSteps, findExpressions, parseUses, scriptLocation } from '../../facts/workflows/index.js';
import { defineCheck, fail, notApplicable, pass, type Finding } from '../define-check.js';

/**
 * Context values that anyone who can open an issue, a pull request or push a branch controls.
 * Matched against the expression lower-cased, without spaces, with `['x']` and `[0]` written as `.x`/`.*`.
 */
const UNTRUSTED: readonly RegExp[] = [
  /github\.event\.pull_request\.(?:title|body|head\.ref|head\.label|head\.repo\.default_branch)\b/,
  /github\.event\.issue\.(?:title|body)\b/,
  /github\.event\.comment\.body\b/,
  /github\.event\.review\.body\b/,
  /github\.event\.review_comment\.body\b/,
  /github\.event\.pages\.[^.]+\.page_name\b/,
  /github\.event\.commits\.[^.]+\.(?:message|author\.(?:email|name)|committer\.(?:email|name))\b/,
  /github\.event\.head_commit\.(?:message|author\.(?:email|name)|committer\.(?:email|name))\b/,
  /github\.event\.merge_group\.head_commit\.(?:message|author\.(?:email|name))\b/,
  /github\.head_ref\b/,
  /github\.event\.workflow_run\.(?:head_branch|display_title|head_commit\.(?:message|author\.(?:email|name)|committer\.(?:email|name))|pull_requests\.[^.]+\.head\.ref)\b/,
  /github\.event\.discussion\.(?:title|body)\b/,
  // A whole event payload (e.g. `toJSON(github.event)`) carries all of the above.
  /github\.event(?:\.(?:pull_request|issue|comment|review|review_comment|discussion|head_commit|commits|workflow_run|pages))?(?![\w.*])/,
];

function normalize(expr: string): string {
  return expr
    .toLowerCase()
    .replace(/\s+/g, '')
    .replace(/\[['"]([\w-]+)['"]\]/g, '.$1')
    .replace(/\[(?:\d+|\*)\]/g, '.*');
}

/** The untrusted context an expression reads, or undefined. */
function untrustedIn(expr: string, tainted: Set<string>): string | undefined {
  const e = normalize(expr);
  for (const re of UNTRUSTED) {
    const m = re.exec(e);
    if (m) return m[0];
  }
  for (const m of e.matchAll(/\benv\.([\w-]+)/g)) {
    if (tainted.has(m[1] as string)) return `env.${m[1]} (set from untrusted input)`;
  }
  return undefined;
}

/** Env names whose value is an untrusted expression: `${{ env.X }}` then injects just the same. */
function taintedEnv(...envs: (Record<string, string> | undefined)[]): Set<string> {
  const out = new Set<string>();
  for (const env of envs) {
    for (const [k, v] of Object.entries(env ?? {})) {
      if (findExpressions(v).some((x) => untrustedIn(x.expr, new Set()))) out.add(k.toLowerCase());
    }
  }
  return out;
}

interface Script {
  text: string;
  start: Location;
  kind: string;
}

function scriptsOf(step: Step, path: string): Script[] {
  const out: Script[] = [];
  if (step.run !== undefined)
    out.push({ text: step.run, start: step.runLocation ?? { ...step.location, path }, kind: '`run:`' });
  if (step.uses) {
    const ref = parseUses(step.uses);
    if (
      ref.kind === 'remote' &&
      ref.name.toLowerCase() === 'actions/github-script' &&
      step.with.script !== undefined
    ) {
      out.push({
        text: step.with.script,
        start: step.withLocations?.script ?? { ...step.location, path },
        kind: 'github-script `script:`',
      });
    }
  }
  return out;
}

function evaluateWorkflow(wf: Workflow): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const job of wf.jobs) {
    for (const { step, path } of expandedSteps(wf, job)) {
      const tainted = taintedEnv(wf.env, job.env, step.env);
      for (const script of scriptsOf(step, path)) {
        for (const span of findExpressions(script.text)) {
          const source = untrustedIn(span.expr, tainted);
          if (!source) continue;
          const location = scriptLocation(script.start, script.text, span.start);
          const key = `${location.path}:${location.line}:${location.column}`;
          if (seen.has(key)) continue; // a composite action used by several jobs
          seen.add(key);
          out.push(
            fail(
              `${location.path}:${location.line ?? '?'} expands \`\${{ ${span.expr} }}\` inside a ${script.kind} script ` +
                `(job \`${job.id}\`): ${source} is attacker-controlled and can inject shell commands`,
              wf.path,
              { location, details: { job: job.id, step: step.index, expression: span.expr, source } },
            ),
          );
        }
      }
    }
  }
  return out.length
    ? out
    : [pass(`${wf.path} expands no attacker-controlled expression inside a script`, wf.path)];
}

export default defineCheck({
  id: 'pipeline.no-script-injection',
  title: 'No attacker-controlled expression is expanded inside a script',
  needs: ['workflows'],
  remediation:
    'Pass the value through the environment instead: `env: { TITLE: ${{ github.event.pull_request.title }} }` ' +
    'and use `"$TITLE"` in the script (quoted), or `process.env.TITLE` in github-script. `${{ }}` is ' +
    'substituted into the script text before the shell runs, so quoting it does not help.',
  evaluate({ workflows }) {
    const github = workflows.files.filter((w) => w.system === 'github-actions');
    if (!github.length) return [notApplicable('no GitHub Actions workflow in the repository', '.')];
    return github.flatMap(evaluateWorkflow);
  },
});
