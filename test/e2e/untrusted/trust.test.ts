/// <reference types="mocha" />
// In an untrusted workspace the language features work, and nothing connects or sends (docs/security.md).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { amiExtension, closeAllEditors, contributesCommand, openWorkspaceFile, simulatorTarget, stubWindow, waitFor } from '../helpers';

describe('Untrusted workspace', () => {
  afterEach(closeAllEditors);

  it('is opened untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still offers completion from the language server', async () => {
    const editor = await openWorkspaceFile('calls.ami');
    await waitFor('the extension to activate', () => (amiExtension().isActive ? true : undefined));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      editor.document.uri,
      new vscode.Position(2, 'Action: Orig'.length),
    );
    const labels = list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    assert.ok(labels.includes('Originate'), `completion should work untrusted; got ${labels.slice(0, 20).join(', ')}`);
  });

  if (contributesCommand('ami.runBlock')) {
    it('offers no Run lens (nothing can be sent from here)', async () => {
      const editor = await openWorkspaceFile('calls.ami');
      await waitFor('the extension to activate', () => (amiExtension().isActive ? true : undefined));
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
      assert.deepEqual(
        lenses.filter((lens) => lens.command?.command?.startsWith('ami.run')).map((lens) => lens.command?.title),
        [],
      );
    });
  }

  if (simulatorTarget() && contributesCommand('ami.connect') && contributesCommand('ami.runBlock')) {
    it('refuses to connect or run a block, and says why', async () => {
      const warnings = stubWindow('showWarningMessage', () => Promise.resolve(undefined));
      try {
        const editor = await openWorkspaceFile('calls.ami');
        assert.equal(await vscode.commands.executeCommand<boolean>('ami.connect'), false);
        const outcomes = await vscode.commands.executeCommand<string[]>('ami.runBlock', editor.document.uri, 1);
        assert.deepEqual(outcomes, ['refused']);
      } finally {
        warnings.restore();
      }
      assert.ok(
        warnings.calls.some((args) => /untrusted/i.test(String(args[0]))),
        `the refusal should mention the untrusted workspace; got ${JSON.stringify(warnings.calls.map((a) => a[0]))}`,
      );
      const api = await amiExtension().activate();
      assert.equal(api.run.connections.isConnected, false);
    });
  }
});
