import { test } from 'node:test';
import assert from 'node:assert/strict';
import { doComplete } from '../../core/src/language/completion';
import { doHover } from '../../core/src/language/hover';
import { findDocumentSymbols } from '../../core/src/language/symbols';
import { getFoldingRanges } from '../../core/src/language/folding';
import { format } from '../../core/src/language/format';
import { doRename, findDefinition, prepareRename, RenameError } from '../../core/src/language/navigation';
import { amiDocument } from './languageFixtures';

const fragments = [
  'Action: Originate', 'action:', 'Channel: {{call.Channel}}', '{{', '}}', '{{$env HOME}}', '# @name call', '# @name',
  '@expect Event: OriginateResponse Response=', '@expect ', '@x = 1', '@', '###', '### t', '', ' ', '\t', ';', '#',
  'Variable: CHANNEL(', 'Application: Dial', 'Filter: Event: ', 'LoadType: ', 'x(y):', ':', '(', ')', '\uFEFF', '\r',
  'é', '😀', '\u0000', 'Action: Getvar', 'Action: ModuleLoad', 'Action: Filter', '{{call.', '{{ x }}', '=',
];

/** Deterministic pseudo-random numbers (a failing case can be replayed). */
function generator(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
}

test('no feature throws on random text at random positions', () => {
  const random = generator(7);
  for (let round = 0; round < 300; round++) {
    const parts: string[] = [];
    const count = 1 + random(20);
    for (let i = 0; i < count; i++) {
      parts.push(fragments[random(fragments.length)]);
      parts.push(['\n', '\r\n', ' ', '', '\r'][random(5)]);
    }
    const text = parts.join('');
    const document = amiDocument(text);
    for (let probe = 0; probe < 8; probe++) {
      const position = document.positionAt(random(text.length + 1));
      const context = `${JSON.stringify(text)} at ${JSON.stringify(position)}`;
      assert.doesNotThrow(() => doComplete(document, position, { asteriskVersion: '18' }), context);
      assert.doesNotThrow(() => doHover(document, position), context);
      assert.doesNotThrow(() => findDefinition(document, position), context);
      const renameable = prepareRename(document, position) !== null;
      assert.equal(doRename(document, position, 'renamed') !== null, renameable, context);
      if (renameable) assert.throws(() => doRename(document, position, 'bad name'), RenameError, context);
    }
    assert.doesNotThrow(() => findDocumentSymbols(document), JSON.stringify(text));
    assert.doesNotThrow(() => getFoldingRanges(document), JSON.stringify(text));
    assert.doesNotThrow(() => format(document, undefined, { tabSize: 2, insertSpaces: true }), JSON.stringify(text));
  }
});

test('completion items always carry a text edit on the cursor line that covers the cursor', () => {
  const random = generator(11);
  for (let round = 0; round < 200; round++) {
    const text = Array.from({ length: 1 + random(8) }, () => fragments[random(fragments.length)]).join('\n');
    const document = amiDocument(text);
    const position = document.positionAt(random(text.length + 1));
    for (const item of doComplete(document, position).items) {
      assert.ok(item.textEdit && 'range' in item.textEdit, `${item.label} has no textEdit`);
      const range = item.textEdit.range;
      assert.equal(range.start.line, position.line);
      assert.ok(range.start.character <= position.character && position.character <= range.end.character,
        `${item.label}: range ${JSON.stringify(range)} does not cover ${JSON.stringify(position)} in ${JSON.stringify(text)}`);
    }
  }
});
