// The server's own pieces as plain functions: the diagnostics schedule, completion shaping, plain text, input checks.
import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseError } from 'vscode-languageserver/node';
import { DiagnosticsScheduler } from '../../server/src/diagnosticsScheduler';
import { clientFeaturesOf, minimalClientFeatures, type ClientFeatures } from '../../server/src/clientFeatures';
import { CompletionShaper } from '../../server/src/completionShaper';
import { markdownToPlainText, snippetToPlainText } from '../../server/src/plainText';
import { checkLocation, sanitizeLiveServerInfo } from '../../server/src/languageServer';

describe('DiagnosticsScheduler', () => {
  it('runs once after the last of several quick changes, and at once when asked', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const runs: string[] = [];
      const scheduler = new DiagnosticsScheduler(150, (uri) => runs.push(uri));
      scheduler.schedule('a');
      mock.timers.tick(100);
      scheduler.schedule('a');
      mock.timers.tick(100);
      assert.deepEqual(runs, [], 'still typing');
      mock.timers.tick(50);
      assert.deepEqual(runs, ['a']);
      scheduler.schedule('b');
      scheduler.runNow('b');
      mock.timers.tick(1000);
      assert.deepEqual(runs, ['a', 'b'], 'runNow replaces the pending run');
      scheduler.schedule('c');
      scheduler.forget('c');
      mock.timers.tick(1000);
      assert.deepEqual(runs, ['a', 'b'], 'a closed document is not validated');
    } finally {
      mock.timers.reset();
    }
  });

  it('remembers which version was validated', () => {
    const scheduler = new DiagnosticsScheduler(150, () => undefined);
    scheduler.markValidated('a', 3);
    assert.ok(scheduler.isValidated('a', 3));
    assert.ok(!scheduler.isValidated('a', 4));
    scheduler.forget('a');
    assert.ok(!scheduler.isValidated('a', 3));
  });
});

const vscodeLike: ClientFeatures = clientFeaturesOf({
  processId: null,
  rootUri: null,
  initializationOptions: { clientCommands: ['editor.action.triggerSuggest'] },
  capabilities: {
    textDocument: {
      completion: {
        completionItem: {
          snippetSupport: true,
          documentationFormat: ['markdown', 'plaintext'],
          tagSupport: { valueSet: [1] },
          resolveSupport: { properties: ['documentation', 'detail', 'additionalTextEdits'] },
        },
        completionList: { itemDefaults: ['editRange', 'data'] },
      },
      hover: { contentFormat: ['markdown'] },
      definition: { linkSupport: true },
    },
  },
});

const at = (character: number) => ({ start: { line: 0, character }, end: { line: 0, character: 8 } });

describe('CompletionShaper', () => {
  it('reads the client features from initialize', () => {
    assert.equal(vscodeLike.snippets, true);
    assert.equal(vscodeLike.completionMarkdown, true);
    assert.deepEqual([...vscodeLike.resolvable], ['documentation', 'detail', 'additionalTextEdits']);
    assert.ok(vscodeLike.commands.has('editor.action.triggerSuggest'));
    assert.deepEqual(clientFeaturesOf({ processId: null, rootUri: null, capabilities: {} }), minimalClientFeatures);
  });

  it('sends lean items (no documentation or detail, one shared range) and gives both back for the latest answer only', () => {
    const shaper = new CompletionShaper(vscodeLike);
    assert.equal(shaper.resolves, true);
    const first = shaper.shape({
      isIncomplete: false,
      items: [
        { label: 'Originate', detail: 'Originate a call.', documentation: { kind: 'markdown', value: '**Originate**' }, textEdit: { range: at(8), newText: 'Originate' } },
        { label: 'Ping', textEdit: { range: at(8), newText: 'Ping' } },
        { label: 'Kept', documentation: 'own data', data: { mine: true }, textEdit: { range: at(8), newText: 'Kept: ' } },
      ],
    });
    assert.deepEqual(first.itemDefaults, { editRange: at(8) });
    assert.deepEqual(first.items[0], { label: 'Originate', data: [1, 0] });
    assert.deepEqual(first.items[1], { label: 'Ping' });
    assert.deepEqual(first.items[2], { label: 'Kept', documentation: 'own data', data: { mine: true }, textEditText: 'Kept: ' });
    const resolved = shaper.resolve(first.items[0]);
    assert.deepEqual(resolved.documentation, { kind: 'markdown', value: '**Originate**' });
    assert.equal(resolved.detail, 'Originate a call.');
    const second = shaper.shape({ isIncomplete: false, items: [{ label: 'Hangup', documentation: 'Hang up.' }] });
    assert.equal(second.itemDefaults, undefined, 'items without a shared edit keep their own');
    assert.equal(shaper.resolve(first.items[0]).documentation, undefined, 'a stale item resolves to itself');
    assert.equal(shaper.resolve(second.items[0]).documentation, 'Hang up.');
    assert.deepEqual(shaper.resolve({ label: 'x', data: 'garbage' }), { label: 'x', data: 'garbage' });
    assert.deepEqual(shaper.resolve({ label: 'x', data: [2, 99] }), { label: 'x', data: [2, 99] });
  });

  it('keeps items whole for a client without resolve or itemDefaults, with plain text documentation and no snippets', () => {
    const shaper = new CompletionShaper(minimalClientFeatures);
    assert.equal(shaper.resolves, false);
    const list = shaper.shape({
      isIncomplete: false,
      items: [
        { label: 'Action', textEdit: { range: at(0), newText: 'Action: ' }, command: { title: 'Suggest', command: 'editor.action.triggerSuggest' } },
        { label: 'within', insertTextFormat: 2, textEdit: { range: at(0), newText: 'within ${1:5}${2|s,ms|}' } },
        { label: 'Originate (snippet)', insertTextFormat: 2, textEdit: { range: at(0), newText: 'Action: Originate\nChannel: ${1}$0' } },
        { label: 'Ping', detail: 'Ping.', documentation: { kind: 'markdown', value: '**Ping** `x`' }, textEdit: { range: at(0), newText: 'Ping' } },
        { label: 'SIPpeers', tags: [1], textEdit: { range: at(0), newText: 'SIPpeers' } },
      ],
    });
    assert.deepEqual(
      list.items.map((item) => item.label),
      ['Action', 'within', 'Ping', 'SIPpeers'],
      'a multi-line template is left out: as plain text Vim would insert a NUL for each newline',
    );
    assert.equal(list.items[0].command, undefined);
    assert.deepEqual(list.items[1], { label: 'within', textEdit: { range: at(0), newText: 'within 5s' } });
    assert.deepEqual(list.items[2].documentation, { kind: 'plaintext', value: 'Ping x' });
    assert.equal(list.items[2].detail, 'Ping.');
    assert.equal(list.itemDefaults, undefined);
    assert.deepEqual(list.items[3], { label: 'SIPpeers', textEdit: { range: at(0), newText: 'SIPpeers' } }, 'no tags for a client without tagSupport');
    const older = new CompletionShaper({ ...minimalClientFeatures, deprecatedProperty: true });
    assert.equal(older.shape({ isIncomplete: false, items: [{ label: 'SIPpeers', tags: [1] }] }).items[0].deprecated, true);
    const tagged = new CompletionShaper(vscodeLike);
    assert.deepEqual(tagged.shape({ isIncomplete: false, items: [{ label: 'SIPpeers', tags: [1] }] }).items[0].tags, [1]);
  });

  it('narrows the list of a client without resolve to what was typed (in order, any case), marked incomplete', () => {
    const edit = (character: number, newText: string) => ({ range: { start: { line: 3, character }, end: { line: 3, character: 12 } }, newText });
    const items = [
      { label: 'Originate', documentation: 'Originate a call.', textEdit: edit(8, 'Originate') },
      { label: 'Ping', documentation: 'Ping.', textEdit: edit(8, 'Ping') },
      { label: 'QueueStatus', filterText: 'origin-ish', textEdit: edit(8, 'QueueStatus') },
      { label: 'Ping (snippet)', textEdit: edit(0, 'Action: OrigPing') },
      { label: 'NoEdit', insertText: 'NoEdit' },
      { label: 'OtherLine', textEdit: { range: { start: { line: 2, character: 0 }, end: { line: 3, character: 12 } }, newText: 'x' } },
    ];
    const plain = new CompletionShaper(minimalClientFeatures);
    const narrowed = plain.shape({ isIncomplete: false, items }, { line: 3, beforeCursor: 'Action: oRiG' });
    assert.deepEqual(
      narrowed.items.map((item) => item.label),
      ['Originate', 'QueueStatus', 'Ping (snippet)', 'NoEdit', 'OtherLine'],
      'matched by label, filterText or inserted text; items without an edit on this line are kept',
    );
    assert.equal(narrowed.isIncomplete, true, 'the client asks again as the user types');
    assert.equal(narrowed.items[0].documentation, 'Originate a call.', 'documentation stays inline');
    const nothingTyped = plain.shape({ isIncomplete: false, items }, { line: 3, beforeCursor: 'Action: ' });
    assert.equal(nothingTyped.items.length, items.length);
    assert.equal(nothingTyped.isIncomplete, false);
    const resolving = new CompletionShaper(vscodeLike).shape({ isIncomplete: false, items }, { line: 3, beforeCursor: 'Action: Orig' });
    assert.equal(resolving.items.length, items.length, 'a client that resolves gets every (lean) item and filters itself');
    assert.equal(resolving.isIncomplete, false);
  });
});

describe('plain text for clients without snippets or Markdown', () => {
  it('reduces snippets to the text they insert by default', () => {
    assert.equal(snippetToPlainText('within ${1:5}${2|s,ms|}'), 'within 5s');
    assert.equal(snippetToPlainText('# @name ${1:name}'), '# @name name');
    assert.equal(snippetToPlainText('\\$env ${1:NAME}}}'), '$env NAME}}');
    assert.equal(snippetToPlainText('\\$uuid}}'), '$uuid}}');
    assert.equal(snippetToPlainText('a ${1:outer ${2:inner}} b$0'), 'a outer inner b');
    assert.equal(snippetToPlainText('${1|x\\,y,z|}'), 'x,y');
    assert.equal(snippetToPlainText('plain $ and }'), 'plain $ and }');
  });

  it('turns Markdown into readable text', () => {
    assert.equal(
      markdownToPlainText('**Originate** (AMI action)\n\n| Header | Required |\n|---|---|\n| Channel | yes |\n\nSee `Hangup`, *Exten*, [docs](https://x.example/a)'),
      'Originate (AMI action)\n\nHeader  Required\nChannel  yes\n\nSee Hangup, Exten, docs (https://x.example/a)',
    );
  });
});

describe('request checks', () => {
  it('accepts LSP positions and ranges and rejects anything else, naming the field', () => {
    checkLocation({ position: { line: 0, character: 3 } }, 'position');
    checkLocation({ range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } } }, 'range');
    for (const bad of [undefined, null, {}, { position: 'top' }, { position: { line: -1, character: 0 } }, { position: { line: 1.5, character: 0 } }]) {
      assert.throws(
        () => checkLocation(bad, 'position'),
        (error: unknown) => error instanceof ResponseError && error.message.startsWith('"position" must be'),
      );
    }
    assert.throws(() => checkLocation({ range: { start: { line: 0, character: 0 } } }, 'range'), /"range" must be/);
  });

  it('keeps only well-typed live-server info', () => {
    assert.deepEqual(sanitizeLiveServerInfo(null), {});
    assert.deepEqual(sanitizeLiveServerInfo('x'), {});
    assert.deepEqual(
      sanitizeLiveServerInfo({ allowedActions: ['Ping', 3, null], branch: 20, profileVariables: { a: 'b', c: 1 }, extra: true }),
      { allowedActions: ['Ping'], branch: '20', profileVariables: { a: 'b' } },
    );
    assert.deepEqual(sanitizeLiveServerInfo({ allowedActions: 'all', profileVariables: ['x'] }), {});
  });
});
