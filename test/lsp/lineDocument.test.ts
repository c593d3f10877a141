// The server's line-based document gives exactly what vscode-languageserver-textdocument gives, edit after edit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument, type Position, type Range } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { LineTextDocument } from '../../server/src/lineDocument';
import { blockAround } from '../../core/src/language/documents';
import { parseBlockAt } from '../../core/src/script/parser';
import { blockView } from '../unit/scriptView';

function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

const pieces = ['Action: Ping', '\n', '\r\n', '\r', '', 'x', '# c', '\n\n', '\r\r\n', ' ', 'é', '😀', 'Channel: {{a}}'];
/** Without CR: texts of LF line ends only, as most files are. */
const lfPieces = pieces.filter((piece) => !piece.includes('\r'));

function randomText(random: () => number, count: number, from: readonly string[] = pieces): string {
  let text = '';
  for (let index = 0; index < count; index++) text += from[Math.floor(random() * from.length)];
  return text;
}

function randomPosition(random: () => number, document: TextDocument, loose: boolean): Position {
  const line = Math.floor(random() * (document.lineCount + (loose ? 2 : 0))) - (loose ? 1 : 0);
  const character = Math.floor(random() * 20) - (loose ? 2 : 0);
  return { line: loose ? line : Math.min(line, document.lineCount - 1), character: loose ? character : Math.max(0, character) };
}

function assertSame(actual: LineTextDocument, expected: TextDocument, random: () => number, label: string): void {
  assert.equal(actual.getText(), expected.getText(), label);
  assert.equal(actual.lineCount, expected.lineCount, label);
  assert.equal(actual.version, expected.version, label);
  const length = expected.getText().length;
  for (let sample = 0; sample < 20; sample++) {
    const offset = Math.floor(random() * (length + 4)) - 2;
    assert.deepEqual(actual.positionAt(offset), expected.positionAt(offset), `${label} positionAt(${offset})`);
    const position = randomPosition(random, expected, true);
    assert.equal(actual.offsetAt(position), expected.offsetAt(position), `${label} offsetAt(${JSON.stringify(position)})`);
    const range: Range = { start: randomPosition(random, expected, true), end: randomPosition(random, expected, true) };
    assert.equal(actual.getText(range), expected.getText(range), `${label} getText(${JSON.stringify(range)})`);
    const line = Math.floor(random() * (expected.lineCount + 2)) - 1;
    assert.deepEqual(actual.getLineRange(line), expected.getLineRange(line), `${label} getLineRange(${line})`);
    assert.equal(actual.getEOLCharacters(line), expected.getEOLCharacters(line), `${label} getEOLCharacters(${line})`);
  }
}

for (const [label, from] of [['CR LF, LF, lone CR', pieces], ['LF only', lfPieces]] as const) {
  test(`random texts and edits (${label}, surrogate pairs, reversed ranges, full changes)`, () => {
    const random = prng(11);
    for (let round = 0; round < 150; round++) {
      const initial = randomText(random, Math.floor(random() * 30), from);
      let expected = TextDocument.create('file:///a.ami', 'ami', 1, initial);
      const actual = new LineTextDocument('file:///a.ami', 'ami', 1, initial);
      assertSame(actual, expected, random, `round ${round} open`);
      for (let edit = 0; edit < 25; edit++) {
        const changes: TextDocumentContentChangeEvent[] = [];
        // Each change's range is in the text as left by the changes before it (update changes the document it is given).
        let scratch = TextDocument.create('file:///scratch.ami', 'ami', 1, expected.getText());
        for (let count = 1 + Math.floor(random() * 3); count > 0; count--) {
          const change: TextDocumentContentChangeEvent =
            random() < 0.04
              ? { text: randomText(random, 5, from) }
              : { range: { start: randomPosition(random, scratch, false), end: randomPosition(random, scratch, false) }, text: randomText(random, Math.floor(random() * 4), from) };
          changes.push(change);
          scratch = TextDocument.update(scratch, [change], scratch.version);
        }
        const version = expected.version + 1;
        expected = TextDocument.update(expected, changes, version);
        actual.update(changes, version);
        assertSame(actual, expected, random, `round ${round} edit ${edit}: ${JSON.stringify(changes)}`);
      }
    }
  });
}

test('edits with no read before or between them (the line index is built when first read)', () => {
  const random = prng(17);
  for (let round = 0; round < 300; round++) {
    const initial = randomText(random, Math.floor(random() * 30));
    let expected = TextDocument.create('file:///a.ami', 'ami', 1, initial);
    const actual = new LineTextDocument('file:///a.ami', 'ami', 1, initial);
    for (let edit = 1 + Math.floor(random() * 4); edit > 0; edit--) {
      const change: TextDocumentContentChangeEvent =
        random() < 0.2
          ? { text: randomText(random, 5) }
          : { range: { start: randomPosition(random, expected, false), end: randomPosition(random, expected, false) }, text: randomText(random, Math.floor(random() * 4)) };
      expected = TextDocument.update(expected, [change], expected.version + 1);
      actual.update([change], expected.version);
    }
    assertSame(actual, expected, random, `round ${round}`);
  }
});

test('the block around a line, read line by line, is the block a parse of the whole text finds', () => {
  const texts = [
    '\uFEFF# t\nAction: Ping\n\n### Part two\n# @name b\r\nAction: Status\rChannel: x\n\n\uFEFFAction: Ping\nX: y\n  \n\t\n###\nAction: Hangup',
    '\uFEFF\nAction: Ping\n\n\uFEFF\n\uFEFFAction: Status\n',
    '# only comments\n# here\n\n@a = 1\nAction: Ping\n@b = 2\n\n\n',
    '### x\n\uFEFF\n### y\nAction: Ping',
  ];
  const random = prng(5);
  for (let round = 0; round < 60; round++) texts.push(randomText(random, 40));
  for (const text of texts) {
    for (const document of [TextDocument.create('file:///a.ami', 'ami', 1, text), new LineTextDocument('file:///a.ami', 'ami', 1, text)]) {
      for (let line = 0; line < document.lineCount; line++) {
        assert.deepEqual(blockView(blockAround(document, line)), blockView(parseBlockAt(text, line)), `${JSON.stringify(text)} line ${line}`);
      }
    }
  }
});

test('a paste of 50,000 lines and a full replacement', () => {
  const initial = 'Action: Ping\n\nAction: Status\r\n';
  const expected = TextDocument.create('file:///a.ami', 'ami', 1, initial);
  const actual = new LineTextDocument('file:///a.ami', 'ami', 1, initial);
  const paste: TextDocumentContentChangeEvent = { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'X: y\r\n'.repeat(50_000) };
  TextDocument.update(expected, [paste], 2);
  actual.update([paste], 2);
  assertSame(actual, expected, prng(3), 'paste');
  TextDocument.update(expected, [{ text: 'Action: Ping' }], 3);
  actual.update([{ text: 'Action: Ping' }], 3);
  assertSame(actual, expected, prng(4), 'full');
});
