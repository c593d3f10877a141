import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FoldingRangeKind, SymbolKind } from 'vscode-languageserver-types';
import { MAX_OUTLINE_SYMBOLS, findDocumentSymbols } from '../../core/src/language/symbols';
import { getFoldingRanges } from '../../core/src/language/folding';
import { amiDocument } from './languageFixtures';

const script = [
  '@host = pbx.example', // 0
  '', // 1
  '# Originate a test call', // 2
  '# @name call', // 3
  'Action: Originate', // 4
  'Channel: Local/100@test', // 5
  '@expect Response: Success', // 6
  '', // 7
  '# @name bye', // 8
  'Action: Hangup', // 9
  'Channel: {{call.Channel}}', // 10
  '', // 11
  'Action: Ping', // 12
  '', // 13
  '; notes', // 14
  '; more notes', // 15
  '', // 16
  '### Section two', // 17
  'Action: CoreStatus', // 18
  'ActionID: 7', // 19
].join('\n');

test('symbols: one per block (title, @name or action) with headers and expectations, and file variables', () => {
  const symbols = findDocumentSymbols(amiDocument(script));
  assert.deepEqual(
    symbols.map((s) => [s.name, s.detail, s.kind]),
    [
      ['@host', 'pbx.example', SymbolKind.Variable],
      ['Originate a test call', 'Originate', SymbolKind.Function],
      ['bye', 'Hangup', SymbolKind.Function],
      ['Ping', 'Ping', SymbolKind.Function],
      ['Section two', 'CoreStatus', SymbolKind.Function],
    ],
  );
  const call = symbols[1];
  assert.deepEqual(call.range, { start: { line: 2, character: 0 }, end: { line: 6, character: 25 } });
  assert.deepEqual(call.selectionRange.start, { line: 4, character: 0 });
  assert.deepEqual(
    call.children?.map((c) => [c.name, c.detail, c.kind]),
    [
      ['Action', 'Originate', SymbolKind.Field],
      ['Channel', 'Local/100@test', SymbolKind.Field],
      ['@expect Response: Success', undefined, SymbolKind.Event],
    ],
  );
});

test('symbols: over MAX_OUTLINE_SYMBOLS the outline keeps every block without children, and says so', () => {
  const blocks = 5000;
  const text = Array.from({ length: blocks }, (_, index) => `Action: Originate\nChannel: Local/${index}@test\nExten: 1\nContext: test\nPriority: 1\n`).join('\n');
  const symbols = findDocumentSymbols(amiDocument(text));
  assert.equal(symbols.length, blocks + 1);
  assert.equal(symbols[0].name, `(${blocks * 5} headers and expectations not listed: the outline keeps blocks only above ${MAX_OUTLINE_SYMBOLS} symbols)`);
  assert.ok(symbols.slice(1).every((symbol) => symbol.kind === SymbolKind.Function && symbol.children === undefined));
  assert.deepEqual(symbols[blocks].range, { start: { line: (blocks - 1) * 6, character: 0 }, end: { line: (blocks - 1) * 6 + 4, character: 11 } });
});

test('symbols: a block without Action is still listed', () => {
  const symbols = findDocumentSymbols(amiDocument('Channel: x\n'));
  assert.equal(symbols.length, 1);
  assert.equal(symbols[0].name, 'Block 1');
  assert.equal(symbols[0].detail, 'no Action');
});

test('folding: blocks, comment runs and ### sections', () => {
  const ranges = getFoldingRanges(amiDocument(script));
  assert.deepEqual(
    ranges.map((r) => [r.startLine, r.endLine, r.kind]),
    [
      [2, 6, undefined],
      [8, 10, undefined],
      [14, 15, FoldingRangeKind.Comment],
      [17, 19, FoldingRangeKind.Region],
      [18, 19, undefined],
    ].sort((a, b) => (a[0] as number) - (b[0] as number)),
  );
});
