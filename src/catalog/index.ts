export { CRITERIA, type Criterion } from './criteria.js';
export { CONTROLS, type Control, type Family } from './controls.js';
export { CHECKS, type CatalogCheck, type Severity } from './checks.js';
export { MATURITY, type MaturityLevel, type MaturityRequirement } from './maturity.js';

import { CHECKS, type CatalogCheck } from './checks.js';
import { CONTROLS, type Control } from './controls.js';

const checkById = new Map(CHECKS.map((c) => [c.id, c]));
const controlById = new Map(CONTROLS.map((c) => [c.id, c]));

export function catalogCheck(id: string): CatalogCheck | undefined {
  return checkById.get(id);
}

export function catalogControl(id: string): Control | undefined {
  return controlById.get(id);
}

export const SEVERITY_RANK = { critical: 4, high: 3, medium: 2, low: 1 } as const;
