import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLanguageService } from '../../core/src/language/languageService';
import { definitionsFromScript, getDefinitions, scanDefinitions } from '../../core/src/language/documents';
import { parseScript } from '../../core/src/script/parser';
import { amiDocument, applyEdits } from './languageFixtures';

const service = getLanguageService();

const script = [
  '@host = pbx.example', // 0
  '', // 1
  '# Originate a test call', // 2
  '# @name call', // 3
  'Action: Originate', // 4
  'Channel: Local/100@{{host}}', // 5
  '', // 6
  '', // 7
  'Action: Hangup', // 8
  'Channel: {{call.Channel}}', // 9
  '', // 10
  '# @name second', // 11
  'Action: Ping', // 12
].join('\n');

test('getBlockAt: the block under the position, its title and name lines included', () => {
  const document = amiDocument(script);
  const onTitle = service.getBlockAt(document, { line: 2, character: 3 });
  assert.equal(onTitle?.label, 'Originate a test call');
  assert.equal(onTitle?.block.action, 'Originate');
  assert.equal(onTitle?.block.index, 0);
  assert.equal(service.getBlockAt(document, { line: 5, character: 0 })?.block.index, 0);
  const hangup = service.getBlockAt(document, { line: 9, character: 40 });
  assert.equal(hangup?.label, 'Hangup');
  assert.equal(hangup?.block.index, 1);
  assert.equal(service.getBlockAt(document, { line: 12, character: 0 })?.label, 'second');
});

test('getBlockAt: null on blank lines, file variables and past the end', () => {
  const document = amiDocument(script);
  assert.equal(service.getBlockAt(document, { line: 6, character: 0 }), null);
  assert.equal(service.getBlockAt(document, { line: 7, character: 0 }), null);
  assert.equal(service.getBlockAt(document, { line: 0, character: 2 }), null);
  assert.equal(service.getBlockAt(document, { line: 99, character: 0 }), null);
});

test('the facade answers every feature on one document', () => {
  const document = amiDocument(script);
  assert.ok(service.doComplete(document, { line: 7, character: 0 }, {}).items.some((i) => i.label === 'Originate (snippet)'));
  assert.match(JSON.stringify(service.doHover(document, { line: 4, character: 10 })), /Originate a call/);
  assert.equal(service.findDocumentSymbols(document).length, 4);
  assert.ok(service.getFoldingRanges(document).length >= 2);
  assert.equal(applyEdits(document, service.format(document, undefined, { tabSize: 2, insertSpaces: true })).includes('\n\n\n'), false);
  assert.equal(service.findDefinition(document, { line: 9, character: 12 })[0]?.targetSelectionRange.start.line, 3);
  assert.deepEqual(service.prepareRename(document, { line: 9, character: 12 }), {
    start: { line: 9, character: 11 },
    end: { line: 9, character: 15 },
  });
  assert.ok(service.doRename(document, { line: 9, character: 12 }, 'dial'));
});

test('doValidation reports problems and passes clean scripts', () => {
  const clean = amiDocument('Action: Ping\n');
  assert.deepEqual(service.doValidation(clean, { asteriskVersion: '23' }), []);
  const broken = amiDocument('Action: Originat\nChannel: x\n');
  const diagnostics = service.doValidation(broken, { asteriskVersion: '23' });
  assert.ok(diagnostics.some((d) => d.range.start.line === 0), JSON.stringify(diagnostics));
});

test('the cheap definitions scan agrees with the parser', () => {
  const texts = [
    script,
    '\uFEFF@a = 1\r\n@b.c=2  \r\n\r\n; @name semi\r\nAction: Ping\r\n',
    '#  @name   spaced  \n\tAction: Status\n\n# @names notaname\nAction: Ping\n\n@expect = no\n# @Name Upper\nAction: Ping',
    '@x = {{y}}\n@y = z\n',
  ];
  for (const text of texts) {
    const document = amiDocument(text);
    const fromParser = definitionsFromScript(parseScript(text));
    const scanned = scanDefinitions(text, (offset) => document.positionAt(offset));
    assert.deepEqual(scanned.fileVariables, fromParser.fileVariables, text);
    const summary = (d: typeof scanned): unknown =>
      d.namedBlocks.map((b) => ({ name: b.name, range: b.nameRange(), action: b.action() }));
    assert.deepEqual(summary(scanned), summary(fromParser), text);
    assert.deepEqual(summary(getDefinitions(document)), summary(fromParser));
  }
});
