import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({ cwd: root });

/** The layer errors ESLint reports for `code` placed at `file` (nothing is written to disk). */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => `${m.line}: ${m.message}`);
}

describe('layer rules (eslint.config.js)', () => {
  it('refuses a check that imports node:fs, a source, the store, the ledger or the evidence layer', async () => {
    const code = [
      "import { readFileSync } from 'node:fs';",
      "import { collectGit } from '../../sources/git/index.js';",
      "import { openStore } from '../../store/index.js';",
      "import type { Ledger } from '../../ledger/index.js';",
      "import { openLedgerStore } from '../../evidence/index.js';",
      "import { populationOf } from '../../population/index.js';",
      "import { isUnavailable } from '../../facts/index.js';",
      "export const f = async () => (await import('../../sources/index.js')).FACT_LOADERS;",
      'export const g = [readFileSync, collectGit, openStore, openLedgerStore, populationOf, isUnavailable];',
      'export type L = Ledger;',
    ].join('\n');
    const errors = await layerErrors('src/checks/example.check/index.ts', code);
    expect(errors.map((e) => e.split(':')[0])).toEqual(['1', '2', '3', '4', '5', '8']);
    expect(errors[0]).toMatch(/checks layer: checks are pure/);
  });

  it('lets a check test assemble real components', async () => {
    const code = "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n";
    expect(await layerErrors('src/checks/example.check/index.test.ts', code)).toEqual([]);
  });

  it('refuses a source that imports a check, a report or the CLI', async () => {
    const code = [
      "import checks from '../../checks/index.js';",
      "import { render } from '../../report/index.js';",
      "import { openLedgerStore } from '../../evidence/index.js';",
      "export const f = async () => (await import('../../cli/index.js')).main;",
      'export const g = [checks, render, openLedgerStore];',
    ].join('\n');
    expect((await layerErrors('src/sources/example/index.ts', code)).map((e) => e.split(':')[0])).toEqual([
      '1',
      '2',
      '4',
    ]);
  });

  it('keeps the population pure and the store below the evidence layer', async () => {
    const population =
      "import { existsSync } from 'node:fs';\nimport { openLedgerStore } from '../evidence/index.js';\nexport const f = [existsSync, openLedgerStore];\n";
    expect(await layerErrors('src/population/example.ts', population)).toHaveLength(2);
    const store =
      "import { buildPopulation } from '../population/index.js';\nexport const f = buildPopulation;\n";
    expect(await layerErrors('src/store/example.ts', store)).toHaveLength(1);
  });

  it('refuses an import of the CLI from anywhere but the CLI and the Action entry point', async () => {
    const code = "import { main } from '../cli/index.js';\nexport const f = main;\n";
    expect(await layerErrors('src/gate/example.ts', code)).toHaveLength(1);
    expect(await layerErrors('src/action/example.ts', code)).toEqual([]);
    expect(
      await layerErrors('src/cli/example.ts', "import { main } from './index.js';\nexport const f = main;\n"),
    ).toEqual([]);
  });

  it('finds no layer violation in src/', async () => {
    const results = await eslint.lintFiles(['src']);
    const violations = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
        .map((m) => `${path.relative(root, r.filePath)}:${m.line}: ${m.message}`),
    );
    expect(violations).toEqual([]);
  }, 120_000);
});
