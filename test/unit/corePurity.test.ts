import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// core/ is shared by the language server, the extension, the CLI and (parts of it) the webview: it must not pull
// in an editor, a transport or the file system. These are the only outside modules it may import.
const ALLOWED = new Set(['vscode-languageserver-types', 'vscode-languageserver-textdocument', 'node:crypto', 'node:string_decoder']);
const CORE = join(__dirname, '..', '..', 'core', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

test('core/src imports nothing but itself and the allowed pure modules', () => {
  const files = sourceFiles(CORE);
  assert.ok(files.length > 20, 'core/src should hold the library sources');
  const offenders: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)['"]([^'"]+)['"]/g)) {
      const specifier = match[1];
      if (specifier.startsWith('.') || ALLOWED.has(specifier)) continue;
      offenders.push(`${relative(CORE, file)} imports ${specifier}`);
    }
  }
  assert.deepEqual(offenders, [], 'move I/O and editor code out of core/ (to client/, server/ or cli/)');
});
