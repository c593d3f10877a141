// The real language server process (dist/server.js --stdio) driven over the LSP protocol, as an editor would.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CodeActionRequest,
  CompletionRequest,
  CompletionResolveRequest,
  DefinitionRequest,
  DocumentFormattingRequest,
  DocumentRangeFormattingRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  PrepareRenameRequest,
  RenameRequest,
  ResponseError,
  type CompletionItem,
  type CompletionList,
  type DocumentSymbol,
  type MarkupContent,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LiveServerInfoNotification } from '../../protocol/src/lspExtensions';
import { LspSession, codesOf, messageOf, positionAfter } from './lspHarness';

const uri = (name: string): string => `file:///workspace/${name}.ami`;

const callScript = [
  '@context = test',
  '',
  '# Originate a test call',
  '# @name call',
  'Action: Originate',
  'Channel: Local/100@{{context}}',
  'Context: {{context}}',
  'Exten: 200',
  'Priority: 1',
  '@expect Response: Success',
  '',
  '# Hang it up',
  'Action: Hangup',
  'Channel: {{call.Channel}}',
  '',
].join('\n');

function items(result: CompletionList | CompletionItem[] | null): CompletionItem[] {
  assert.ok(result, 'completion answered null');
  return Array.isArray(result) ? result : result.items;
}

function markdown(contents: unknown): string {
  assert.ok(contents && typeof contents === 'object' && 'value' in contents, `unexpected hover contents ${JSON.stringify(contents)}`);
  return (contents as MarkupContent).value;
}

/** Applies LSP edits to text (as an editor would), to check what formatting or a quick fix produces. */
function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.ami', 'ami', 1, text), edits);
}

describe('language server over stdio', () => {
  let session: LspSession;

  before(async () => {
    session = LspSession.start();
    const result = await session.initialize({ asteriskVersion: '23' });
    assert.equal(result.serverInfo?.name, 'ami-language-server');
    assert.deepEqual(result.capabilities.completionProvider?.triggerCharacters, [':', ' ', '{', '@', '=', '(']);
    assert.equal(result.capabilities.textDocumentSync && typeof result.capabilities.textDocumentSync === 'object' ? result.capabilities.textDocumentSync.change : undefined, 2);
    assert.ok(result.capabilities.hoverProvider);
    assert.equal(result.capabilities.completionProvider?.resolveProvider, true);
    assert.deepEqual(result.capabilities.renameProvider, { prepareProvider: true });
  });

  after(() => session?.dispose());

  it('registers for configuration changes when the client allows it', async () => {
    // The registration is sent on `initialized`, so it arrives before the answer to any later request.
    await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uri('none') }, position: { line: 0, character: 0 } });
    assert.ok(session.registrations.includes('workspace/didChangeConfiguration'));
  });

  it('completes action names with their synopsis after "Action:"', async () => {
    const text = 'Action: Orig\n';
    await session.open(uri('completeAction'), text);
    const result = await session.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: uri('completeAction') },
      position: positionAfter(text, 'Action: Orig'),
    });
    const originate = items(result).find((item) => item.label === 'Originate');
    assert.ok(originate, 'Originate is offered');
    // Lean items: documentation and detail come on resolve, for the item the editor shows; the range once.
    assert.equal(originate.documentation, undefined);
    assert.equal(originate.detail, undefined);
    assert.equal(originate.textEdit, undefined);
    assert.deepEqual((result as CompletionList).itemDefaults?.editRange, { start: { line: 0, character: 8 }, end: { line: 0, character: 12 } });
    const resolved = await session.connection.sendRequest(CompletionResolveRequest.type, originate);
    assert.match(markdown(resolved.documentation), /Originate a call/);
    assert.match(resolved.detail ?? '', /Originate a call/);
    assert.equal(resolved.label, 'Originate');
  });

  it('completes the headers of the block\'s action', async () => {
    const text = 'Action: Originate\n\n';
    await session.open(uri('completeHeader'), text);
    const result = await session.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: uri('completeHeader') },
      position: { line: 1, character: 0 },
    });
    const labels = items(result).map((item) => item.label);
    for (const header of ['Channel', 'Exten', 'Context', 'Priority']) assert.ok(labels.includes(header), `${header} in ${labels.join(', ')}`);
  });

  // The order VS Code sends when a test closes `untitled:Untitled-1` and opens a new one, which gets the same URI
  // (traced in the e2e suite): close, open, then completion at once on the empty line after the Action.
  it('completes headers on a reused untitled URI right after it is reopened with new text', async () => {
    const untitled = 'untitled:Untitled-1';
    await session.open(untitled, 'Action: Orig');
    const names = await session.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: untitled },
      position: { line: 0, character: 'Action: Orig'.length },
    });
    assert.ok(items(names).some((item) => item.label === 'Originate'));
    await session.close(untitled);
    for (const text of ['Action: DBGet\n', 'Action: DBGet']) {
      await session.open(untitled, text);
      const result = await session.connection.sendRequest(CompletionRequest.type, {
        textDocument: { uri: untitled },
        position: { line: 1, character: 0 },
      });
      const labels = items(result).map((item) => item.label);
      for (const header of ['Family', 'Key']) assert.ok(labels.includes(header), `${header} for ${JSON.stringify(text)} in ${labels.join(', ')}`);
      assert.ok(!labels.includes('Originate'), `no action names below the Action line of ${JSON.stringify(text)}`);
      await session.close(untitled);
    }
  });

  it('hovers an action with its documentation', async () => {
    await session.open(uri('hover'), callScript);
    const hover = await session.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: uri('hover') },
      position: positionAfter(callScript, 'Action: Orig'),
    });
    assert.ok(hover);
    assert.match(markdown(hover.contents), /Originate a call/);
  });

  it('outlines blocks as document symbols', async () => {
    await session.open(uri('symbols'), callScript);
    const symbols = (await session.connection.sendRequest(DocumentSymbolRequest.type, {
      textDocument: { uri: uri('symbols') },
    })) as DocumentSymbol[];
    const names = symbols.map((symbol) => symbol.name);
    assert.ok(names.includes('Originate a test call'), names.join(', '));
    assert.ok(names.includes('Hang it up'), names.join(', '));
  });

  it('folds blocks', async () => {
    await session.open(uri('folding'), callScript);
    const ranges = await session.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri: uri('folding') } });
    assert.ok(ranges?.some((range) => range.startLine === 2 && range.endLine === 9), JSON.stringify(ranges));
  });

  it('formats spacing and header casing, and formats a range', async () => {
    const text = 'action:originate\nchannel:   Local/100@test\n';
    await session.open(uri('format'), text);
    const edits = await session.connection.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri: uri('format') },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.ok(edits && edits.length > 0);
    assert.equal(applyEdits(text, edits), 'Action: originate\nChannel: Local/100@test\n');
    const rangeEdits = await session.connection.sendRequest(DocumentRangeFormattingRequest.type, {
      textDocument: { uri: uri('format') },
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.equal(applyEdits(text, rangeEdits ?? []), 'action:originate\nChannel: Local/100@test\n');
  });

  it('goes to the definition of a file variable and renames a named block', async () => {
    await session.open(uri('navigate'), callScript);
    const locations = await session.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: uri('navigate') },
      position: positionAfter(callScript, 'Context: {{cont'),
    });
    const list = Array.isArray(locations) ? locations : locations ? [locations] : [];
    assert.equal(list.length, 1);
    // A link (the client has linkSupport): the variable's name to select, its line as the target range.
    assert.deepEqual('targetSelectionRange' in list[0] ? list[0].targetSelectionRange : undefined, {
      start: { line: 0, character: 1 },
      end: { line: 0, character: 8 },
    });

    const at = positionAfter(callScript, '{{ca');
    const prepared = await session.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: uri('navigate') }, position: at });
    assert.ok(prepared);
    const edit = await session.connection.sendRequest(RenameRequest.type, {
      textDocument: { uri: uri('navigate') },
      position: at,
      newName: 'originated',
    });
    const edits = edit?.changes?.[uri('navigate')] ?? [];
    const renamed = applyEdits(callScript, edits);
    assert.match(renamed, /# @name originated\n/);
    assert.match(renamed, /Channel: \{\{originated\.Channel\}\}/);
  });

  it('refuses to rename what cannot be renamed, with a message that says why', async () => {
    await session.open(uri('renameRefused'), callScript);
    await assert.rejects(
      session.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: uri('renameRefused') }, position: { line: 7, character: 2 } }),
      (error: unknown) => error instanceof ResponseError && /can be renamed/.test(error.message),
    );
    await assert.rejects(
      session.connection.sendRequest(RenameRequest.type, {
        textDocument: { uri: uri('renameRefused') },
        position: positionAfter(callScript, '{{ca'),
        newName: 'not valid!',
      }),
      (error: unknown) => error instanceof ResponseError && /not valid!/.test(error.message),
    );
  });

  it('answers requests about unknown documents and out-of-range positions with empty results', async () => {
    const unknown = { uri: uri('unknown') };
    assert.equal(await session.connection.sendRequest(CompletionRequest.type, { textDocument: unknown, position: { line: 0, character: 0 } }), null);
    assert.equal(await session.connection.sendRequest(HoverRequest.type, { textDocument: unknown, position: { line: 0, character: 0 } }), null);
    assert.deepEqual(await session.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: unknown }), []);
    await session.open(uri('short'), 'Action: Ping\n');
    const far = { line: 500, character: 900 };
    await session.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: uri('short') }, position: far });
    await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uri('short') }, position: far });
    assert.ok(session.alive);
  });

  it('survives garbage: random bytes, random edits and requests at every kind of position', async () => {
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const garbage = (length: number): string =>
      Buffer.from(Array.from({ length }, () => Math.floor(random() * 256))).toString('latin1') +
      '\u0000\r\n{{\n}}Action:\n@expect\n# @name\n@=\n\uD800\uFFFF';
    const garbageUri = uri('garbage');
    let text = garbage(20_000);
    await session.open(garbageUri, text);
    await session.diagnostics(garbageUri, () => true, { includeLatest: true });
    for (let round = 0; round < 30; round++) {
      const document = TextDocument.create(garbageUri, 'ami', 1, text);
      const start = document.positionAt(Math.floor(random() * text.length));
      const end = document.positionAt(document.offsetAt(start) + Math.floor(random() * 50));
      const insert = garbage(Math.floor(random() * 200));
      await session.edit(garbageUri, { start, end }, insert);
      text = TextDocument.applyEdits(document, [{ range: { start, end }, newText: insert }]);
      const position = TextDocument.create(garbageUri, 'ami', 1, text).positionAt(Math.floor(random() * text.length));
      const textDocument = { uri: garbageUri };
      await Promise.all([
        session.connection.sendRequest(CompletionRequest.type, { textDocument, position }),
        session.connection.sendRequest(HoverRequest.type, { textDocument, position }),
        session.connection.sendRequest(DefinitionRequest.type, { textDocument, position }),
        session.connection.sendRequest(CodeActionRequest.type, {
          textDocument,
          range: { start: position, end: position },
          context: { diagnostics: [] },
        }),
      ]);
    }
    const symbols = await session.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: garbageUri } });
    assert.ok(Array.isArray(symbols));
    await session.connection.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri: garbageUri },
      options: { tabSize: 2, insertSpaces: true },
    });
    // Bad parameters from a confused client are answered, not fatal.
    await session.connection.sendNotification(LiveServerInfoNotification.type, { allowedActions: [42 as unknown as string] });
    await session.connection.sendNotification(LiveServerInfoNotification.type, {});
    assert.ok(session.alive, `server died: ${session.stderr}`);
    await session.open(uri('afterGarbage'), 'Action: Ping\n');
    const hover = await session.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: uri('afterGarbage') },
      position: { line: 0, character: 10 },
    });
    assert.ok(hover, 'the server still answers after the garbage');
  });

  it('logged no errors (no handler threw, even on garbage)', () => {
    assert.deepEqual(session.logs.filter((log) => log.type === 1), []);
  });

  it('shuts down and exits cleanly', async () => {
    assert.equal(await session.shutdown(), 0);
  });
});

describe('language server over Node IPC (the transport VS Code uses)', () => {
  it('checks, completes and shuts down cleanly', async () => {
    const session = LspSession.startIpc();
    try {
      await session.initialize({ asteriskVersion: '23' });
      const diagnostics = session.diagnostics(uri('ipc'));
      await session.open(uri('ipc'), 'Action: Originat\nChannel: Local/100@test\n');
      assert.deepEqual(codesOf((await diagnostics).diagnostics), ['ami-unknown-action']);
      const completion = await session.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: uri('ipc') }, position: { line: 0, character: 16 } });
      assert.ok(items(completion).some((item) => item.label === 'Originate'));
      assert.equal(await session.shutdown(), 0);
    } finally {
      session.dispose();
    }
  });

  // Without its own handling the server would wait forever: the editor's process is still there.
  it('exits when the editor goes away without shutdown (the IPC channel closes)', { timeout: 20_000 }, async () => {
    const session = LspSession.startIpc();
    try {
      await session.initialize();
      session.child.disconnect();
      assert.equal(await session.exit, 1);
    } finally {
      session.dispose();
    }
  });
});

describe('language server process lifetime', () => {
  it('exits when the editor goes away without shutdown (stdin closes)', async () => {
    const session = LspSession.start();
    try {
      await session.initialize();
      session.child.stdin!.end();
      assert.equal(await session.exit, 1);
    } finally {
      session.dispose();
    }
  });

  it('rejects malformed requests with a message naming the bad field, and keeps serving', async () => {
    const session = LspSession.start();
    try {
      await session.initialize();
      const malformed = uri('malformed');
      await session.open(malformed, 'Action: Ping\n');
      // Missing position, position of the wrong type, edits for a document that is not open, ranges past the end.
      const namesField = (field: string) => (error: unknown) =>
        error instanceof ResponseError && error.code === -32602 && error.message.startsWith(`"${field}" must be`);
      await assert.rejects(session.connection.sendRequest('textDocument/completion', { textDocument: { uri: malformed } }), namesField('position'));
      await assert.rejects(
        session.connection.sendRequest('textDocument/hover', { textDocument: { uri: malformed }, position: 'top' }),
        namesField('position'),
      );
      await assert.rejects(
        session.connection.sendRequest('textDocument/codeAction', {
          textDocument: { uri: malformed },
          range: { start: { line: -1, character: 0 } },
          context: { diagnostics: [] },
        }),
        namesField('range'),
      );
      await session.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: uri('notOpen'), version: 2 },
        contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' }],
      });
      await session.edit(malformed, { start: { line: 90, character: 0 }, end: { line: 99, character: 5 } }, '\nBogus: 1');
      const hover = await session.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri: malformed },
        position: { line: 0, character: 10 },
      });
      assert.ok(hover, 'still answering');
      assert.equal(await session.shutdown(), 0);
    } finally {
      session.dispose();
    }
  });

  it('takes settings from initializationOptions and didChangeConfiguration when the client cannot be asked', async () => {
    const session = LspSession.start();
    try {
      const result = await session.initialize({}, { configurationPull: false, initializationOptions: { ami: { asteriskVersion: '17' } } });
      assert.ok(result.capabilities.hoverProvider);
      // An unknown branch is reported in the document, naming the branches that exist.
      const pushed = uri('pushed');
      await session.open(pushed, 'Action: PJSIPShowMaintenance\n');
      const unknown = await session.diagnostics(pushed, () => true, { includeLatest: true });
      assert.deepEqual(codesOf(unknown.diagnostics), ['ami-unknown-asterisk-version']);
      assert.match(messageOf(unknown.diagnostics[0]), /"17"/);
      // Pushed settings (no workspace/configuration): 18 has no PJSIPShowMaintenance.
      await session.changeConfiguration({ asteriskVersion: '18' });
      const older = await session.diagnostics(pushed, (params) => codesOf(params.diagnostics).includes('ami-action-not-in-version'));
      assert.ok(!codesOf(older.diagnostics).includes('ami-unknown-asterisk-version'));
      assert.equal(await session.shutdown(), 0);
    } finally {
      session.dispose();
    }
  });
});
