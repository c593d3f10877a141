import { test } from 'node:test';
import assert from 'node:assert/strict';
import { doRename, findDefinition, prepareRename, RenameError } from '../../core/src/language/navigation';
import { amiDocument, applyEdits, withCursor } from './languageFixtures';

const lines = [
  '@host = pbx.example', // 0
  '', // 1
  '# Call somebody', // 2
  '# @name call', // 3
  'Action: Originate', // 4
  'Channel: Local/100@{{host}}', // 5
  '', // 6
  'Action: Hangup', // 7
  'Channel: {{call.Channel}}', // 8
  '@expect Event: Hangup Uniqueid={{CALL.events.OriginateResponse.Uniqueid}}', // 9
  '', // 10
  'Action: Getvar', // 11
  'Variable: {{call}}', // 12
];

/** The script with a cursor marker inserted at `line`, `character`. */
function at(line: number, character: number): ReturnType<typeof withCursor> {
  const copy = [...lines];
  copy[line] = copy[line].slice(0, character) + '|' + copy[line].slice(character);
  return withCursor(copy.join('\n'));
}

const range = (line: number, start: number, endLine: number, end: number) => ({
  start: { line, character: start },
  end: { line: endLine, character: end },
});

test('definition of a file variable: its name on the @name = value line, the line as target range', () => {
  const { document, position } = at(5, 23);
  assert.deepEqual(findDefinition(document, position), [
    {
      originSelectionRange: range(5, 21, 5, 25),
      targetUri: document.uri,
      targetRange: range(0, 0, 0, 19),
      targetSelectionRange: range(0, 1, 0, 5),
    },
  ]);
});

test('definition of {{call.Field}}: the name of `# @name call`, the block as target range (case-insensitive)', () => {
  const link = (document: { uri: string }, origin: ReturnType<typeof range>) => [
    {
      originSelectionRange: origin,
      targetUri: document.uri,
      targetRange: range(2, 0, 5, 27),
      targetSelectionRange: range(3, 8, 3, 12),
    },
  ];
  const onField = at(8, 20);
  assert.deepEqual(findDefinition(onField.document, onField.position), link(onField.document, range(8, 11, 8, 23)));
  const onBlockPart = at(8, 12);
  assert.deepEqual(findDefinition(onBlockPart.document, onBlockPart.position), link(onBlockPart.document, range(8, 11, 8, 23)));
  const upper = at(9, 34);
  assert.deepEqual(findDefinition(upper.document, upper.position), link(upper.document, range(9, 33, 9, 71)));
});

test('definition asked on a definition itself: the name, so the editor stays there', () => {
  const onDirective = at(3, 9);
  assert.deepEqual(findDefinition(onDirective.document, onDirective.position), [
    {
      originSelectionRange: range(3, 8, 3, 12),
      targetUri: onDirective.document.uri,
      targetRange: range(2, 0, 5, 27),
      targetSelectionRange: range(3, 8, 3, 12),
    },
  ]);
  const onVariable = at(0, 2);
  assert.deepEqual(findDefinition(onVariable.document, onVariable.position)[0]?.targetSelectionRange, range(0, 1, 0, 5));
});

test('no definition for undefined names or outside references', () => {
  const undefinedName = at(12, 13); // {{call}} without a field is not a block reference, and no file variable "call"
  assert.deepEqual(findDefinition(undefinedName.document, undefinedName.position), []);
  const plain = at(4, 3);
  assert.deepEqual(findDefinition(plain.document, plain.position), []);
});

test('prepareRename gives the name range or null', () => {
  const onBlockPart = at(8, 12);
  assert.deepEqual(prepareRename(onBlockPart.document, onBlockPart.position), {
    start: { line: 8, character: 11 },
    end: { line: 8, character: 15 },
  });
  const onField = at(8, 19);
  assert.equal(prepareRename(onField.document, onField.position), null);
  const onDirective = at(3, 9);
  assert.deepEqual(prepareRename(onDirective.document, onDirective.position), {
    start: { line: 3, character: 8 },
    end: { line: 3, character: 12 },
  });
  const onVariable = at(0, 2);
  assert.deepEqual(prepareRename(onVariable.document, onVariable.position), {
    start: { line: 0, character: 1 },
    end: { line: 0, character: 5 },
  });
  const onComment = at(2, 4);
  assert.equal(prepareRename(onComment.document, onComment.position), null);
});

test('renaming a named block updates the directive and every {{call.X}} reference', () => {
  const { document, position } = at(8, 13);
  const edit = doRename(document, position, 'dial');
  assert.ok(edit?.changes);
  const renamed = applyEdits(document, edit.changes[document.uri]);
  const out = renamed.split('\n');
  assert.equal(out[3], '# @name dial');
  assert.equal(out[8], 'Channel: {{dial.Channel}}');
  assert.equal(out[9], '@expect Event: Hangup Uniqueid={{dial.events.OriginateResponse.Uniqueid}}');
  assert.equal(out[12], 'Variable: {{call}}');
  assert.equal(out[5], 'Channel: Local/100@{{host}}');
});

test('renaming a file variable from a reference updates its definition and references', () => {
  const { document, position } = at(5, 22);
  const edit = doRename(document, position, 'server');
  assert.ok(edit?.changes);
  const out = applyEdits(document, edit.changes[document.uri]).split('\n');
  assert.equal(out[0], '@server = pbx.example');
  assert.equal(out[5], 'Channel: Local/100@{{server}}');
});

test('renaming to an invalid name says what a name may contain', () => {
  const { document, position } = at(3, 9);
  assert.throws(() => doRename(document, position, 'two words'), (error: unknown) => {
    assert.ok(error instanceof RenameError);
    assert.match(error.message, /use letters, digits/);
    return true;
  });
  assert.equal(doRename(amiDocument('Action: Ping'), { line: 0, character: 2 }, 'x'), null);
});
