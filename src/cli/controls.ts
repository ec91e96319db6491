import { CHECKS, CONTROLS, CRITERIA } from '../catalog/index.js';

export async function run(opts: { format: 'table' | 'json' }): Promise<number> {
  if (opts.format === 'json') {
    process.stdout.write(
      `${JSON.stringify({ criteria: CRITERIA, controls: CONTROLS, checks: CHECKS }, null, 2)}\n`,
    );
    return 0;
  }
  const lines: string[] = [];
  for (const control of CONTROLS) {
    lines.push(`${control.id}  ${control.title}  [${control.criteria.join(', ')}]`);
    lines.push(
      `      ISO 27001: ${control.iso27001.join(', ')}   NIST 800-53: ${control.nist80053.join(', ')}`,
    );
    for (const check of CHECKS.filter((c) => c.control === control.id)) {
      lines.push(`      ${check.id.padEnd(38)} ${check.severity.padEnd(8)} ${check.passesWhen}`);
    }
  }
  lines.push('', `${CRITERIA.length} criteria, ${CONTROLS.length} controls, ${CHECKS.length} checks`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
