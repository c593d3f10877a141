/** Test helper: the import specifiers of the repository's TypeScript sources, resolved to repository paths. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');

/** `.ts` files under `dir` (a repository path), recursively, as repository paths with `/` separators. */
export function sourceFiles(dir: string): string[] {
  const absolute = join(ROOT, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute).flatMap((name) => {
    const path = join(absolute, name);
    const repoPath = relative(ROOT, path).split(sep).join('/');
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'fixtures' ? [] : sourceFiles(repoPath);
    return name.endsWith('.ts') ? [repoPath] : [];
  });
}

export interface ImportRef {
  /** The specifier as written. */
  specifier: string;
  /** For a relative specifier: the imported module as a repository path without extension; else undefined. */
  target?: string;
}

/** Every `import … from`, `export … from`, `import()` and `require()` of a file (comments are not skipped). */
export function importsOf(file: string): ImportRef[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const refs: ImportRef[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*|^import\s+)['"]([^'"]+)['"]/gm)) {
    const specifier = match[1];
    if (!specifier.startsWith('.')) {
      refs.push({ specifier });
      continue;
    }
    const target = relative(ROOT, resolve(ROOT, dirname(file), specifier)).split(sep).join('/');
    refs.push({ specifier, target });
  }
  return refs;
}
