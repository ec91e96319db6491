import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogCheck, catalogControl } from '../catalog/index.js';
import { CHECK_REGISTRY } from './index.js';

/** The meta-test: every registered check is complete and agrees with the catalog. */
describe('check registry', () => {
  it('has no duplicate ids', () => {
    const ids = CHECK_REGISTRY.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  for (const check of CHECK_REGISTRY) {
    describe(check.id, () => {
      it('is in the catalog with the same severity and control', () => {
        const entry = catalogCheck(check.id);
        expect(entry, `${check.id} is not in CONTROLS.md`).toBeDefined();
        expect(check.severity).toBe(entry!.severity);
        expect(check.controls).toContain(entry!.control);
        for (const c of check.controls) expect(catalogControl(c), c).toBeDefined();
      });

      it('has a title, a remediation and needs', () => {
        expect(check.title.length).toBeGreaterThan(5);
        expect(check.remediation.length).toBeGreaterThan(10);
        expect(check.needs.length).toBeGreaterThan(0);
      });

      it('has a test beside it with pass and fail cases', () => {
        const test = new URL(`./${check.id}/index.test.ts`, import.meta.url);
        expect(existsSync(test), `src/checks/${check.id}/index.test.ts`).toBe(true);
        const text = readFileSync(test, 'utf8');
        expect(text, 'a pass case').toMatch(/['"]pass['"]/);
        expect(text, 'a fail case').toMatch(/['"](fail|error)['"]/);
      });
    });
  }
});
