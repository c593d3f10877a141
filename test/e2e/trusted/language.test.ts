/// <reference types="mocha" />
// The language features, through the `vscode` API of a real editor, answered by the real language server.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  amiExtension,
  closeAllEditors,
  hoverText,
  openAmiText,
  openWorkspaceFile,
  positionOf,
  waitFor,
  waitForDiagnostics,
} from '../helpers';

/** Label text of a completion item (labels may be strings or {label, detail}). */
function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

/** A diagnostic's stable code (string or {value}). */
function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return String(typeof code === 'object' ? code.value : (code ?? ''));
}

describe('AMI language features', () => {
  afterEach(closeAllEditors);

  it('activates when an .ami file is opened and starts the language server', async () => {
    const editor = await openWorkspaceFile('calls.ami');
    assert.equal(editor.document.languageId, 'ami');
    const extension = amiExtension();
    await waitFor('the extension to activate', () => (extension.isActive ? true : undefined));
    const api = extension.exports;
    assert.ok(api.languageClient.isRunning(), 'the language client should be running after activate()');
  });

  it('completes action names with Originate after "Action: Orig"', async () => {
    const editor = await openAmiText('Action: Orig');
    const position = new vscode.Position(0, 'Action: Orig'.length);
    const labels = await waitFor('Originate among the completion items', async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        editor.document.uri,
        position,
      );
      const names = list.items.map(labelOf);
      return names.includes('Originate') ? names : undefined;
    });
    assert.ok(labels.includes('Originate'));
  });

  it('completes the headers of the block action, required ones included', async () => {
    const editor = await openAmiText('Action: DBGet\n');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      editor.document.uri,
      new vscode.Position(1, 0),
    );
    const labels = list.items.map(labelOf);
    assert.ok(labels.some((label) => label.startsWith('Family')), `Family should be offered; got ${labels.join(', ')}`);
    assert.ok(labels.some((label) => label.startsWith('Key')), `Key should be offered; got ${labels.join(', ')}`);
  });

  it("shows Originate's synopsis on hover over the action name", async () => {
    const editor = await openWorkspaceFile('calls.ami');
    const position = positionOf(editor.document, 'Action: Originate', 'Action: Orig'.length);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position);
    assert.match(hoverText(hovers), /Originate a call\./);
  });

  it('reports a diagnostic for a misspelt action, suggesting the right one', async () => {
    const editor = await openWorkspaceFile('mistakes.ami');
    const diagnostics = await waitForDiagnostics(editor.document.uri, (all) => all.some((d) => d.range.start.line === 1));
    const onAction = diagnostics.filter((d) => d.range.start.line === 1);
    const unknown = onAction.find((d) => codeOf(d) === 'ami-unknown-action');
    assert.ok(unknown, `expected ami-unknown-action on line 2; got ${JSON.stringify(onAction.map((d) => [codeOf(d), d.message]))}`);
    assert.equal(unknown.severity, vscode.DiagnosticSeverity.Error);
    assert.match(unknown.message, /Originate/, 'the message suggests the right name');
  });

  it('applies the quick fix that replaces the misspelt action', async () => {
    const editor = await openWorkspaceFile('mistakes.ami');
    const uri = editor.document.uri;
    const diagnostics = await waitForDiagnostics(uri, (all) => all.some((d) => d.range.start.line === 1));
    const diagnostic = diagnostics.find((d) => d.range.start.line === 1)!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((action) => action.edit && /Originate/.test(action.title));
    assert.ok(fix?.edit, `expected a quick fix naming Originate; got ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the workspace edit should apply');
    assert.equal(editor.document.lineAt(1).text, 'Action: Originate');
    await waitForDiagnostics(uri, (all) => !all.some((d) => d.range.start.line === 1 && /Originat\b/.test(d.message)));
  });
});
