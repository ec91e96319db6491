import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS, CONTROLS, CRITERIA, MATURITY } from './index.js';

// The design docs live beside the checkout (../shared); a plain clone has no copy, so that test skips.
const controlsUrl = new URL('../../../shared/CONTROLS.md', import.meta.url);
const controlsMd = existsSync(controlsUrl) ? readFileSync(controlsUrl, 'utf8') : null;

describe('catalog', () => {
  it('every check names a control that exists', () => {
    const ids = new Set(CONTROLS.map((c) => c.id));
    expect(CHECKS.filter((c) => !ids.has(c.control)).map((c) => c.id)).toEqual([]);
  });

  it('every control has at least one check', () => {
    expect(CONTROLS.filter((c) => !CHECKS.some((k) => k.control === c.id)).map((c) => c.id)).toEqual([]);
  });

  it('every control maps to criteria that exist, and every criterion has a control', () => {
    const criteria = new Set(CRITERIA.map((c) => c.id));
    for (const control of CONTROLS) {
      expect(control.criteria.length, control.id).toBeGreaterThan(0);
      for (const id of control.criteria) expect(criteria.has(id), `${control.id} → ${id}`).toBe(true);
      expect(control.iso27001.length, control.id).toBeGreaterThan(0);
      expect(control.nist80053.length, control.id).toBeGreaterThan(0);
    }
    for (const c of CRITERIA)
      expect(
        CONTROLS.some((k) => k.criteria.includes(c.id)),
        c.id,
      ).toBe(true);
  });

  it('check ids are unique', () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.skipIf(!controlsMd)('check ids match CONTROLS.md exactly', () => {
    const ids = CHECKS.map((c) => c.id);
    const documented = [...controlsMd!.matchAll(/^\|[^|]*\| `([a-z0-9.-]+)` \|/gm)].map((m) => m[1]);
    expect(documented.length).toBeGreaterThan(50);
    for (const id of documented) expect(ids, id).toContain(id);
  });

  it('maturity requirements name checks and controls of the catalog', () => {
    const checkIds = new Set(CHECKS.map((c) => c.id));
    const controlIds = new Set([...CONTROLS.map((c) => c.id), ...CONTROLS.map((c) => c.family)]);
    for (const level of MATURITY) {
      for (const req of level.requirements) {
        for (const id of req.checks ?? []) expect(checkIds.has(id), id).toBe(true);
        for (const id of req.controls ?? []) expect(controlIds.has(id), id).toBe(true);
      }
    }
  });
});
