import type { GateDecision } from './decide.js';

const VERDICT: Record<GateDecision['decision'], string> = {
  pass: 'passed',
  fail: 'failed',
  override: 'was overridden (emergency change)',
  'fail-open': 'passed without evidence (fail-open)',
};

function what(d: GateDecision): string {
  if (d.context === 'deploy') return `Deploy of ${d.commit?.slice(0, 7) ?? '?'} to ${d.environment ?? '?'}`;
  if (d.context === 'pull_request')
    return `Pull request${d.prNumber !== undefined ? ` #${d.prNumber}` : ''} at ${d.commit?.slice(0, 7) ?? '?'}`;
  return 'This run';
}

/** The decision in plain words, for the job log. */
export function explainText(d: GateDecision, recordedAt: string): string {
  const lines = [`greenlight gate: ${what(d)} ${VERDICT[d.decision]}.`];
  if (d.reasons.length > 0) {
    lines.push(
      d.context === 'deploy' ? 'These commits are not traceable to an approved, tested change:' : 'Why:',
    );
    for (const r of d.reasons) lines.push(r.startsWith('  ') ? r : `  - ${r}`);
  }
  for (const n of d.notes) lines.push(`  ✓ ${n}`);
  if (d.decision === 'fail')
    lines.push(
      'To ship anyway in an emergency: rerun with --override --reason "…" --ticket KEY --approver NAME (a post-incident review is then due).',
    );
  lines.push(`Decision recorded in ${recordedAt}.`);
  return lines.join('\n') + '\n';
}

const md = (s: string): string => s.replace(/([|*_`<>[\]])/g, '\\$1');

/** The same, as Markdown for `$GITHUB_STEP_SUMMARY`. */
export function explainMarkdown(d: GateDecision, recordedAt: string): string {
  const icon = d.decision === 'fail' ? '❌' : d.decision === 'pass' ? '✅' : '⚠️';
  const lines = [`### ${icon} greenlight gate: ${md(what(d))} ${VERDICT[d.decision]}`, ''];
  if (d.offending && d.offending.length > 0) {
    lines.push('| commit | change | why |', '|---|---|---|');
    for (const o of d.offending)
      lines.push(`| \`${o.commit.slice(0, 7)}\` | ${md(o.title)} | ${md(o.why.join('; '))} |`);
    lines.push('');
  } else if (d.reasons.length > 0) {
    for (const r of d.reasons) lines.push(r.startsWith('  ') ? `  ${md(r.trim())}` : `- ${md(r)}`);
    lines.push('');
  }
  for (const n of d.notes) lines.push(`- ✓ ${md(n)}`);
  lines.push('', `Decision recorded in ${md(recordedAt)}.`, '');
  return lines.join('\n');
}
