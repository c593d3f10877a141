// The server shapes its answers to each client's capabilities, and takes the Asterisk branch from wherever the
// client puts it: the real server process over stdio, spoken to as Neovim 0.7, a bare client and VS Code.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompletionRequest,
  DefinitionRequest,
  DidChangeConfigurationNotification,
  HoverRequest,
  type ClientCapabilities,
  type CompletionItem,
  type CompletionList,
} from 'vscode-languageserver-protocol/node';
import { LspSession, codesOf, messageOf } from './lspHarness';

const uri = (name: string): string => `file:///workspace/capabilities/${name}.ami`;

/** What Neovim 0.7.2 announces (runtime/lua/vim/lsp/protocol.lua), for the features the server has. */
const neovim07: ClientCapabilities = {
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: true },
    completion: {
      dynamicRegistration: false,
      completionItem: { snippetSupport: false, documentationFormat: ['markdown', 'plaintext'] },
      contextSupport: false,
    },
    hover: { dynamicRegistration: false, contentFormat: ['markdown', 'plaintext'] },
    definition: { linkSupport: true },
    rename: { dynamicRegistration: false, prepareSupport: true },
    publishDiagnostics: { relatedInformation: true },
  },
  workspace: { workspaceFolders: true, applyEdit: true },
};

const script = [
  '@context = default',
  '',
  '# @name call',
  'Action: Originate',
  'Channel: Local/100@{{context}}',
  'Exten: 200',
  'Context: {{context}}',
  'Priority: 1',
  '',
  'Action: Hangup',
  'Channel: {{call.Channel}}',
  '',
  'Action: SIPpeers',
  '',
  'Action: Ping',
  'Secret: hunter2',
  '',
].join('\n');

const sessions: LspSession[] = [];
after(() => sessions.forEach((session) => session.dispose()));

function start(): LspSession {
  const session = LspSession.start();
  sessions.push(session);
  return session;
}

async function complete(session: LspSession, name: string, line: number, character: number): Promise<CompletionList> {
  const result = await session.connection.sendRequest(CompletionRequest.type, {
    textDocument: { uri: uri(name) },
    position: { line, character },
  });
  assert.ok(result && !Array.isArray(result), 'a CompletionList');
  return result;
}

const find = (list: CompletionList, label: string): CompletionItem => {
  const item = list.items.find((candidate) => candidate.label === label);
  assert.ok(item, `${label} among ${list.items.map((candidate) => candidate.label).slice(0, 20).join(', ')}`);
  return item;
};

const branchLogs = (session: LspSession): string[] =>
  session.logs.map((log) => log.message).filter((message) => message.startsWith('AMI: checking .ami scripts against'));

describe('capabilities and settings of other editors, over stdio', () => {
  it('Neovim 0.7: plain-text inserts, inline docs, no VS Code commands, links, the branch from init_options', async () => {
    const session = start();
    const result = await session.initialize({}, { capabilities: neovim07, initializationOptions: { ami: { asteriskVersion: '20' } } });
    assert.equal(result.capabilities.completionProvider?.resolveProvider, false, 'no resolveSupport: nothing to resolve');
    await session.open(uri('nvim'), script);
    const published = await session.diagnosticsFor(uri('nvim'), 1);
    assert.ok(!codesOf(published.diagnostics).includes('ami-action-not-in-version'), 'SIPpeers exists in Asterisk 20');
    assert.deepEqual(branchLogs(session), ['AMI: checking .ami scripts against Asterisk 20: ami.asteriskVersion "20" from initializationOptions.ami.']);

    const emptyLine = await complete(session, 'nvim', 1, 0);
    for (const item of emptyLine.items) {
      assert.notEqual(item.insertTextFormat, 2, `${item.label} is not a snippet`);
      assert.equal(item.command, undefined, `${item.label} has no client command`);
      assert.ok(!item.textEdit?.newText.includes('\n'), `${item.label} inserts one line`);
    }
    assert.equal(emptyLine.items.find((item) => item.label === 'Originate (snippet)'), undefined);
    assert.equal(find(emptyLine, 'Ping (snippet)').textEdit?.newText, 'Action: Ping');
    assert.equal(find(emptyLine, 'Action').command, undefined);

    const actions = await complete(session, 'nvim', 3, 8);
    const originate = find(actions, 'Originate');
    assert.equal(typeof originate.documentation === 'object' && originate.documentation.kind, 'markdown', 'docs inline, as Markdown');
    assert.ok(originate.textEdit, 'each item keeps its edit (no itemDefaults support)');
    assert.equal(actions.itemDefaults, undefined);
    const typed = await complete(session, 'nvim', 3, 12);
    // Narrowed to what was typed ("Orig", letters in order as fuzzy filters match), docs inline.
    assert.ok(typed.items.length < actions.items.length / 4, `${typed.items.length} of ${actions.items.length} items`);
    for (const item of typed.items) assert.match(item.label, /o.*r.*i.*g/i);
    assert.ok(find(typed, 'Originate').documentation);
    assert.equal(typed.isIncomplete, true);

    const links = await session.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: uri('nvim') },
      position: { line: 10, character: 17 },
    });
    assert.deepEqual(links, [
      {
        originSelectionRange: { start: { line: 10, character: 11 }, end: { line: 10, character: 23 } },
        targetUri: uri('nvim'),
        targetRange: { start: { line: 2, character: 0 }, end: { line: 7, character: 11 } },
        targetSelectionRange: { start: { line: 2, character: 8 }, end: { line: 2, character: 12 } },
      },
    ]);

    // Neovim 0.7 pushes settings only when told to (on_init): the payload switches the branch, logged once more.
    await session.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { ami: { asteriskVersion: '23' } } });
    const after = await session.diagnostics(uri('nvim'), (params) => codesOf(params.diagnostics).includes('ami-action-not-in-version'));
    assert.equal(after.diagnostics.find((d) => d.code === 'ami-action-not-in-version')?.range.start.line, 12);
    assert.deepEqual(branchLogs(session).slice(1), [
      'AMI: checking .ami scripts against Asterisk 23: ami.asteriskVersion "23" from workspace/didChangeConfiguration.ami.',
    ]);
  });

  it('a client that announces nothing: plain text documentation and hovers, plain Locations, the default branch said', async () => {
    const session = start();
    await session.initialize({}, { capabilities: {} });
    await session.open(uri('bare'), script);
    const published = await session.diagnosticsFor(uri('bare'), 1);
    assert.ok(codesOf(published.diagnostics).includes('ami-action-not-in-version'), 'default: the newest branch, 23');
    assert.match(branchLogs(session)[0], /^AMI: checking \.ami scripts against Asterisk 23: no ami\.asteriskVersion was given/);

    const secret = published.diagnostics.find((d) => d.code === 'ami-secret-in-file');
    assert.ok(secret);
    assert.doesNotMatch(messageOf(secret), /VS Code's secret storage/);
    assert.match(messageOf(secret), /AMI_SECRET/, 'names where the secret goes for every runner');

    const actions = await complete(session, 'bare', 3, 8);
    const originate = find(actions, 'Originate');
    assert.deepEqual(Object.keys(originate.documentation as object).sort(), ['kind', 'value']);
    const documentation = originate.documentation as { kind: string; value: string };
    assert.equal(documentation.kind, 'plaintext');
    assert.match(documentation.value, /^Originate \(AMI action\)/);
    assert.doesNotMatch(documentation.value, /\*\*|\|---/);

    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uri('bare') }, position: { line: 3, character: 10 } });
    assert.equal(typeof hover?.contents === 'object' && 'kind' in hover.contents && hover.contents.kind, 'plaintext');

    const locations = await session.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: uri('bare') },
      position: { line: 10, character: 17 },
    });
    assert.deepEqual(locations, [{ uri: uri('bare'), range: { start: { line: 2, character: 8 }, end: { line: 2, character: 12 } } }]);
  });

  it('a client that pulls settings but has none keeps the branch from init_options (Neovim 0.8+ with init_options only)', async () => {
    const session = start();
    await session.initialize({}, { initializationOptions: { ami: { asteriskVersion: '20' } } });
    await session.open(uri('pullEmpty'), script);
    const published = await session.diagnosticsFor(uri('pullEmpty'), 1);
    assert.ok(!codesOf(published.diagnostics).includes('ami-action-not-in-version'));
    assert.deepEqual(branchLogs(session), ['AMI: checking .ami scripts against Asterisk 20: ami.asteriskVersion "20" from initializationOptions.ami.']);
  });

  it('VS Code: pulled settings win and are named as the source; triggerSuggest only because the client names it', async () => {
    const session = start();
    await session.initialize({ asteriskVersion: '18' }, { initializationOptions: { ami: { asteriskVersion: '20' } } });
    await session.open(uri('vscode'), script);
    await session.diagnosticsFor(uri('vscode'), 1);
    assert.deepEqual(branchLogs(session), ['AMI: checking .ami scripts against Asterisk 18: ami.asteriskVersion "18" from workspace/configuration.']);
    const emptyLine = await complete(session, 'vscode', 1, 0);
    assert.equal(find(emptyLine, 'Action').command?.command, 'editor.action.triggerSuggest');
    assert.equal(find(emptyLine, 'Originate (snippet)').insertTextFormat, 2);
  });

  it('an unknown branch is said as such in the log', async () => {
    const session = start();
    await session.initialize({}, { capabilities: neovim07, initializationOptions: { asteriskVersion: '17' } });
    await session.open(uri('unknown'), 'Action: Ping\n');
    await session.diagnosticsFor(uri('unknown'), 1);
    assert.deepEqual(branchLogs(session), [
      'AMI: checking .ami scripts against Asterisk 23: ami.asteriskVersion "17" from initializationOptions (not a branch the catalogue knows: 18, 20, 21, 22, 23).',
    ]);
  });
});
