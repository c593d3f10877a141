import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService } from '../../core/src/language/languageService';
import { definitionsFromScript, getDefinitions, scanDefinitions } from '../../core/src/language/documents';
import { parseScript } from '../../core/src/script/parser';
import { computeDiagnostics } from '../../core/src/language/diagnostics';
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

test('doValidationInSlices gives what doValidation gives, pausing between slices; a false pause stops it', async () => {
  // A large file with mistakes (more than one parse and check slice), a binary-looking one and a file of NULs.
  const blocks = Array.from({ length: 6000 }, (_, index) =>
    index % 16 === 7 ? `# @name b${index}\nAction: Originat\nChannle: SIP/x\n` : `Action: Getvar\nChannel: {{peer}}\nVariable: N${index}\n@expect Response: Success\n`,
  );
  const texts = [`@peer = PJSIP/alice\n\n${blocks.join('\n')}`, '\u0001\u0002\u0003'.repeat(100), '\u0000'.repeat(100), ''];
  for (const text of texts) {
    let pauses = 0;
    const sliced = await service.doValidationInSlices(amiDocument(text), { asteriskVersion: '23' }, async () => {
      pauses++;
      return true;
    });
    assert.deepEqual(sliced, service.doValidation(amiDocument(text), { asteriskVersion: '23' }));
    if (text.length > 100_000) assert.ok(pauses >= 2, `paused ${pauses} times`);
  }
  let pauses = 0;
  const stopped = await service.doValidationInSlices(amiDocument(texts[0]), undefined, async () => ++pauses < 2);
  assert.equal(stopped, undefined);
  assert.equal(pauses, 2);
});

test('checking as the parse goes gives what checking the whole parse gives: names and variables defined further down', async () => {
  const filler = (count: number, from: number): string =>
    Array.from({ length: count }, (_, index) => `# @name f${from + index}\nAction: Getvar\nVariable: {{f${from + index - 1}.Value}}\nBogus: {{nowhere}}\n`).join('\n');
  const texts = [
    // A use far above the file variable that defines it (more than one parse run and slice away).
    `Action: Getvar\nChannel: {{late}}\nVariable: {{unsafe}}\n\n${filler(3000, 0)}\n@late = PJSIP/x\n@unsafe = y\n`,
    // Results of a block named further down, of the block itself, a name used twice, an unknown one.
    `Action: Hangup\nChannel: {{later.Channel}}\n\n# @name later\nAction: Status\nChannel: {{later.Channel}}\n\n# @name later\nAction: Ping\nActionID: {{ghost.X}} {{later}}\n`,
    // More problems than are listed (the cap and its summary), the variable defined at the very end.
    `${filler(1500, 10)}\n@nowhere = 1\n`,
    `${filler(1500, 10)}\n`,
    // CRLF and a lone CR, a separator title, a file variable line inside a block.
    '@a = 1\r\n\r\n### Part\r\nAction: Ping\r\n@b = 2\rActionID: {{b}}{{a}}\r\n\r\n@b = 3\r\n',
  ];
  const settings = { asteriskVersion: '23', profileVariables: { unsafe: 'a\r\nAction: Command', peer: 'ok' } };
  for (const text of texts) {
    const sameUri = (): TextDocument => TextDocument.create('file:///test/further-down.ami', 'ami', 1, text);
    // Checked after a complete parse, then as the parse goes (in slices and at once).
    const whole = computeDiagnostics(sameUri(), settings, parseScript(text));
    const sliced = await service.doValidationInSlices(sameUri(), settings, () => Promise.resolve(true));
    assert.deepEqual(sliced, whole, text.slice(0, 80));
    assert.deepEqual(service.doValidation(sameUri(), settings), whole);
    assert.deepEqual(computeDiagnostics(sameUri(), settings), whole);
  }
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
