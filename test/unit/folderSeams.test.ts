import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importsOf, sourceFiles } from './importScan';

/** The folder of a repository path that the seams are drawn between: `core/src/run`, `client/src/panel`, `cli/src`... */
function folderOf(path: string): string {
  const parts = path.split('/');
  const [top, second] = parts;
  if ((top === 'core' || top === 'client') && second === 'src' && parts.length > 3) return parts.slice(0, 3).join('/');
  if (top === 'client' && second === 'webview') return 'client/webview';
  return parts.slice(0, Math.min(2, parts.length - 1)).join('/');
}

const PRODUCT = ['core/src', 'node/src', 'protocol/src', 'server/src', 'client/src', 'client/webview', 'cli/src', 'scripts', 'bench'];

function edges(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const dir of PRODUCT) {
    for (const file of sourceFiles(dir)) {
      const from = folderOf(file);
      for (const ref of importsOf(file)) {
        if (ref.target === undefined) continue;
        const to = folderOf(ref.target);
        if (to === from) continue;
        if (!graph.has(from)) graph.set(from, new Set());
        graph.get(from)?.add(to);
      }
    }
  }
  return graph;
}

test('nothing outside client/ imports client/ (the extension is a leaf)', () => {
  const offenders: string[] = [];
  for (const dir of PRODUCT.filter((d) => !d.startsWith('client/'))) {
    for (const file of sourceFiles(dir)) {
      for (const ref of importsOf(file)) if (ref.target?.startsWith('client/')) offenders.push(`${file} imports ${ref.specifier}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('node/src and protocol/src do not depend on VS Code; server/ and cli/ do not import the editor', () => {
  const offenders: string[] = [];
  for (const dir of ['node/src', 'protocol/src', 'server/src', 'cli/src']) {
    for (const file of sourceFiles(dir)) {
      for (const ref of importsOf(file)) {
        if (ref.specifier === 'vscode' || ref.specifier.startsWith('vscode-languageclient')) offenders.push(`${file} imports ${ref.specifier}`);
      }
    }
  }
  assert.deepEqual(offenders, []);
});

test('folders import each other without loops (core/src/*, client/src/* and the top-level parts)', () => {
  const graph = edges();
  assert.ok(graph.get('core/src/run')?.has('core/src/expect'), 'the scan sees folder edges (run uses expect)');
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'open') {
      cycles.push([...path.slice(path.indexOf(node)), node].join(' → '));
      return;
    }
    state.set(node, 'open');
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, 'done');
  };
  for (const node of graph.keys()) visit(node, []);
  assert.deepEqual(cycles, []);
});
