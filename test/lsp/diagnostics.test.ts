// Diagnostics, quick fixes, settings and live-server info through the real server process over stdio.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CodeActionKind, CodeActionRequest, type CodeAction, type Command, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LiveServerInfoNotification } from '../../protocol/src/lspExtensions';
import { LspSession, codesOf, messageOf } from './lspHarness';

const uri = (name: string): string => `file:///workspace/diagnostics/${name}.ami`;

function only(diagnostics: Diagnostic[], code: string): Diagnostic {
  const found = diagnostics.filter((diagnostic) => diagnostic.code === code);
  assert.equal(found.length, 1, `expected one ${code} in ${JSON.stringify(diagnostics)}`);
  return found[0];
}

function quickFixes(actions: Array<Command | CodeAction> | null): CodeAction[] {
  return (actions ?? []).filter((action): action is CodeAction => 'kind' in action || 'edit' in action);
}

/** The text after applying a code action's edit for `documentUri`. */
function applyAction(text: string, action: CodeAction, documentUri: string): string {
  const edits = action.edit?.changes?.[documentUri];
  assert.ok(edits && edits.length > 0, `code action "${action.title}" has no edit for ${documentUri}`);
  return TextDocument.applyEdits(TextDocument.create(documentUri, 'ami', 1, text), edits);
}

describe('diagnostics and quick fixes over stdio', () => {
  let session: LspSession;

  before(async () => {
    session = LspSession.start();
    await session.initialize({ asteriskVersion: '23' });
  });

  after(() => session?.dispose());

  // Every test on its own leaves the server's log free of errors (no test relies on another having run).
  afterEach(() => {
    assert.deepEqual(session.logs.filter((log) => log.type === 1), []);
  });

  it('publishes diagnostics with stable codes when a document opens', async () => {
    const text = ['Action: Originat', 'Channel: Local/1@test', '', 'Action: Originate', 'Exten: 200', 'Bogus: 1', '', 'Action: Hangup', 'Channel: {{nowhere}}', ''].join('\n');
    await session.open(uri('open'), text);
    const published = await session.diagnosticsFor(uri('open'), 1);
    const codes = codesOf(published.diagnostics);
    for (const code of ['ami-unknown-action', 'ami-missing-header', 'ami-unknown-header', 'ami-unresolved-variable']) {
      assert.ok(codes.includes(code), `${code} in ${codes.join(', ')}`);
    }
    const unknown = only(published.diagnostics, 'ami-unknown-action');
    assert.deepEqual(unknown.range.start, { line: 0, character: 8 });
    assert.match(messageOf(unknown), /Originate/, 'the message suggests the nearest action');
    assert.equal(only(published.diagnostics, 'ami-missing-header').severity, 1, 'a missing required header is an error');
  });

  it('updates diagnostics after an incremental change', async () => {
    const text = 'Action: Originat\nChannel: Local/1@test\nExten: 1\nContext: test\nPriority: 1\n';
    await session.open(uri('change'), text);
    const first = await session.diagnosticsFor(uri('change'), 1);
    assert.ok(codesOf(first.diagnostics).includes('ami-unknown-action'));
    const version = await session.edit(uri('change'), { start: { line: 0, character: 16 }, end: { line: 0, character: 16 } }, 'e');
    const second = await session.diagnosticsFor(uri('change'), version);
    assert.deepEqual(codesOf(second.diagnostics), []);
  });

  it('publishes only for the latest version after a burst of edits', async () => {
    const text = 'Action: Ping\n';
    await session.open(uri('burst'), text);
    await session.diagnosticsFor(uri('burst'), 1);
    let version = 1;
    for (const character of 'Bogus: 1') {
      const end = { line: 1, character: version - 1 };
      version = await session.edit(uri('burst'), { start: end, end }, character);
    }
    const last = await session.diagnosticsFor(uri('burst'), version);
    assert.deepEqual(codesOf(last.diagnostics), ['ami-unknown-header']);
  });

  it('offers a quick fix that adds a missing required header', async () => {
    const text = 'Action: Originate\nExten: 200\nContext: test\nPriority: 1\n';
    await session.open(uri('fixMissing'), text);
    const published = await session.diagnosticsFor(uri('fixMissing'), 1);
    const missing = only(published.diagnostics, 'ami-missing-header');
    const actions = quickFixes(
      await session.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri: uri('fixMissing') },
        range: missing.range,
        context: { diagnostics: [missing], only: [CodeActionKind.QuickFix] },
      }),
    );
    assert.ok(actions.length > 0, 'a quick fix is offered');
    assert.equal(actions[0].kind, CodeActionKind.QuickFix);
    assert.match(applyAction(text, actions[0], uri('fixMissing')), /^Channel: ?$/m);
  });

  it('offers a quick fix that replaces an unknown action with the nearest one', async () => {
    const text = 'Action: Originat\nChannel: Local/1@test\n';
    await session.open(uri('fixUnknown'), text);
    const published = await session.diagnosticsFor(uri('fixUnknown'), 1);
    const unknown = only(published.diagnostics, 'ami-unknown-action');
    const actions = quickFixes(
      await session.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri: uri('fixUnknown') },
        range: unknown.range,
        context: { diagnostics: [unknown] },
      }),
    );
    const fixed = actions.map((action) => applyAction(text, action, uri('fixUnknown')));
    assert.ok(fixed.includes('Action: Originate\nChannel: Local/1@test\n'), JSON.stringify(fixed));
  });

  it('offers no quick fixes when the client asks only for other kinds', async () => {
    const text = 'Action: Originat\n';
    await session.open(uri('onlyRefactor'), text);
    const published = await session.diagnosticsFor(uri('onlyRefactor'), 1);
    const actions = await session.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uri('onlyRefactor') },
      range: published.diagnostics[0].range,
      context: { diagnostics: published.diagnostics, only: [CodeActionKind.Refactor] },
    });
    assert.deepEqual(actions, []);
  });

  it('re-validates with the new ami.asteriskVersion after a configuration change', async () => {
    const text = 'Action: PJSIPShowMaintenance\n';
    await session.open(uri('version'), text);
    const newest = await session.diagnosticsFor(uri('version'), 1);
    assert.ok(!codesOf(newest.diagnostics).includes('ami-action-not-in-version'));
    await session.changeConfiguration({ asteriskVersion: '18' });
    const older = await session.diagnostics(uri('version'), (params) => codesOf(params.diagnostics).includes('ami-action-not-in-version'));
    assert.match(messageOf(only(older.diagnostics, 'ami-action-not-in-version')), /18/);
    await session.changeConfiguration({ asteriskVersion: '23' });
    await session.diagnostics(uri('version'), (params) => !codesOf(params.diagnostics).includes('ami-action-not-in-version'));
  });

  it('checks permissions and the branch of the connected server (ami/setLiveServerInfo)', async () => {
    const text = 'Action: Ping\n\nAction: PJSIPShowMaintenance\n';
    await session.open(uri('live'), text);
    await session.diagnosticsFor(uri('live'), 1);

    await session.connection.sendNotification(LiveServerInfoNotification.type, { allowedActions: ['ping', 'Login'], branch: '23' });
    const restricted = await session.diagnostics(uri('live'), (params) => codesOf(params.diagnostics).includes('ami-action-not-allowed'));
    assert.equal(only(restricted.diagnostics, 'ami-action-not-allowed').range.start.line, 2);

    await session.connection.sendNotification(LiveServerInfoNotification.type, { branch: '18.20.1' });
    const older = await session.diagnostics(uri('live'), (params) => codesOf(params.diagnostics).includes('ami-action-not-in-version'));
    assert.ok(!codesOf(older.diagnostics).includes('ami-action-not-allowed'));

    // A branch the catalogue does not cover: the setting (23) applies, and the log says why.
    await session.connection.sendNotification(LiveServerInfoNotification.type, { branch: '16' });
    const fallback = await session.diagnostics(uri('live'), (params) => !codesOf(params.diagnostics).includes('ami-action-not-in-version'));
    assert.deepEqual(codesOf(fallback.diagnostics), []);
    assert.ok(session.logs.some((log) => /"16"/.test(log.message) && /18, 20, 21, 22, 23/.test(log.message)), JSON.stringify(session.logs));

    await session.connection.sendNotification(LiveServerInfoNotification.type, {});
  });

  it('resolves {{variables}} from the connection profile sent by the client, ignoring mistyped fields', async () => {
    const text = 'Action: Hangup\nChannel: {{trunk}}\n';
    await session.open(uri('profile'), text);
    const unresolved = await session.diagnosticsFor(uri('profile'), 1);
    assert.deepEqual(codesOf(unresolved.diagnostics), ['ami-unresolved-variable']);
    await session.connection.sendNotification(LiveServerInfoNotification.type, {
      profileVariables: { trunk: 'PJSIP/trunk', bad: 7 as unknown as string },
      allowedActions: 'everything' as unknown as string[],
    });
    await session.diagnostics(uri('profile'), (params) => params.diagnostics.length === 0);
    await session.connection.sendNotification(LiveServerInfoNotification.type, { profileVariables: [1, 2] as unknown as Record<string, string> });
    await session.diagnostics(uri('profile'), (params) => codesOf(params.diagnostics).includes('ami-unresolved-variable'));
    await session.connection.sendNotification(LiveServerInfoNotification.type, {});
  });

  it('clears diagnostics when a document closes', async () => {
    await session.open(uri('close'), 'Action: Originat\n');
    await session.diagnosticsFor(uri('close'), 1);
    await session.close(uri('close'));
    await session.diagnostics(uri('close'), (params) => params.diagnostics.length === 0 && params.version === undefined);
  });
});
