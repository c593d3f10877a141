import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importsOf, sourceFiles } from './importScan';

// core/ is shared by the language server, the extension, the CLI and (parts of it) the webview: it must not pull
// in an editor, a transport or the file system. These are the only outside modules it may import.
const ALLOWED = new Set(['vscode-languageserver-types', 'vscode-languageserver-textdocument', 'node:crypto', 'node:string_decoder']);

test('core/src imports nothing but itself and the allowed pure modules', () => {
  const files = sourceFiles('core/src');
  assert.ok(files.length > 20, 'core/src should hold the library sources');
  const offenders: string[] = [];
  for (const file of files) {
    for (const ref of importsOf(file)) {
      if (ref.target !== undefined ? ref.target.startsWith('core/src/') : ALLOWED.has(ref.specifier)) continue;
      offenders.push(`${file} imports ${ref.specifier}`);
    }
  }
  assert.deepEqual(offenders, [], 'move I/O and editor code out of core/ (to node/, client/, server/ or cli/)');
});
