import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Child processes run plain Node, which cannot load the TypeScript sources vitest runs. This
 * transpiles src/ (type-stripping only, like tsc's emit) into a folder inside node_modules/.cache,
 * keyed by the sources' content, so packages resolve as they do for the real build.
 */
export function buildForChild(): string {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const src = path.join(repo, 'src');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts'))
        files.push(full);
    }
  };
  walk(src);
  const hash = createHash('sha256');
  for (const f of files.sort()) hash.update(f).update(readFileSync(f));
  const out = path.join(
    repo,
    'node_modules',
    '.cache',
    `greenlight-child-${hash.digest('hex').slice(0, 16)}`,
  );
  if (existsSync(path.join(out, '.done'))) return out;
  for (const f of files) {
    const js = ts.transpileModule(readFileSync(f, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: f,
    }).outputText;
    const target = path.join(out, path.relative(src, f)).replace(/\.ts$/, '.js');
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, js);
  }
  // package.json lets version.ts find the version two levels up, as from dist/
  writeFileSync(path.join(out, '..', 'package.json'), readFileSync(path.join(repo, 'package.json')));
  writeFileSync(path.join(out, '.done'), '');
  return out;
}
