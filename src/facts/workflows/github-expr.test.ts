import { describe, expect, it } from 'vitest';
import { conditionExpression, eventsAllowedBy, findExpressions, secretRefs } from './github-expr.js';

describe('GitHub expressions', () => {
  it('finds every ${{ }} span with its offsets', () => {
    const text = "echo ${{ github.head_ref }} and ${{ format('{0}}}', x) }}";
    expect(findExpressions(text)).toEqual([
      { expr: 'github.head_ref', start: 5, end: 27 },
      { expr: "format('{0}}}', x)", start: 32, end: text.length },
    ]);
    expect(findExpressions('no ${{ end')).toEqual([]);
  });

  it('extracts secret names', () => {
    expect(secretRefs("secrets.NPM_TOKEN || secrets['OTHER-ONE']")).toEqual(['NPM_TOKEN', 'OTHER-ONE']);
  });

  it('reads an if: with or without ${{ }}', () => {
    expect(conditionExpression("  ${{ github.event_name == 'push' }} ")).toBe("github.event_name == 'push'");
    expect(conditionExpression("github.event_name == 'push'")).toBe("github.event_name == 'push'");
    // text around an expression is a non-empty string: always true, so no restriction
    expect(conditionExpression("x ${{ github.event_name == 'push' }}")).toBeUndefined();
  });

  it('narrows events three-valued', () => {
    const ev = ['push', 'pull_request', 'schedule'];
    expect(eventsAllowedBy("github.event_name == 'PUSH'", ev)).toEqual(['push']);
    expect(eventsAllowedBy("!(github.event_name == 'push')", ev)).toEqual(['pull_request', 'schedule']);
    expect(eventsAllowedBy("github.event_name != 'push' && github.actor == 'x'", ev)).toEqual([
      'pull_request',
      'schedule',
    ]);
    expect(eventsAllowedBy("contains('push schedule', github.event_name)", ev)).toEqual(['push', 'schedule']);
    expect(eventsAllowedBy("startsWith(github.event_name, 'pull')", ev)).toEqual(['pull_request']);
    expect(eventsAllowedBy("always() && github.event_name == 'schedule'", ev)).toEqual(['schedule']);
    expect(eventsAllowedBy("github.event_name == 'push' || failure()", ev)).toBeUndefined();
    expect(eventsAllowedBy('github.event_name == (', ev)).toBeUndefined();
    expect(eventsAllowedBy(undefined, ev)).toBeUndefined();
  });
});
