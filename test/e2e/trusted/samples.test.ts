/// <reference types="mocha" />
// The demo's sample workspace (samples/, copied into the workspace by the runner) is valid for the editor:
// no errors, the expected warnings where a sample is dangerous on purpose, a Run lens per block.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  amiExtension,
  closeAllEditors,
  connectToSimulator,
  contributesCommand,
  simulatorTarget,
  waitFor,
  waitForDiagnostics,
} from '../helpers';

/** Lines that start a block (`Action:`), zero-based. */
function actionLines(document: vscode.TextDocument): number[] {
  return document
    .getText()
    .split(/\r?\n/)
    .flatMap((line, index) => (/^Action:/i.test(line) ? [index] : []));
}

describe('Sample workspace', () => {
  afterEach(closeAllEditors);

  it('has one sample per common task, each without errors', async () => {
    const files = (await vscode.workspace.findFiles('samples/*.ami')).sort((a, b) => a.path.localeCompare(b.path));
    assert.ok(files.length >= 6, `expected the six samples, found ${files.length}`);
    for (const uri of files) {
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document);
      // The server validates on open, before it answers a later request on the same document.
      await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', uri);
      const errors = vscode.languages
        .getDiagnostics(uri)
        .filter((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Error);
      assert.deepEqual(errors.map((d) => `${d.range.start.line + 1}: ${d.message}`), [], uri.path);
      assert.ok(actionLines(document).length > 0, `${uri.path} has no block`);
    }
  });

  it('flags the Command sample as dangerous on every block', async () => {
    const uri = (await vscode.workspace.findFiles('samples/06-command.ami'))[0];
    assert.ok(uri, 'samples/06-command.ami exists');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const blocks = actionLines(document).length;
    const diagnostics = await waitForDiagnostics(uri, (all) => all.filter((d) => d.code !== undefined).length >= blocks);
    const dangerous = diagnostics.filter((d) => /dangerous/i.test(String(typeof d.code === 'object' ? d.code.value : d.code)));
    assert.equal(dangerous.length, blocks, `one dangerous-action warning per block; got ${JSON.stringify(diagnostics.map((d) => d.message))}`);
    // A hint in the editor (the confirmation dialog is the guard), not a Problems entry that never goes away.
    assert.ok(dangerous.every((d) => d.severity === vscode.DiagnosticSeverity.Hint));
  });

  if (simulatorTarget() && contributesCommand('ami.runFile')) {
    it("runs the first sample block by block; the last block uses the first one's OriginateResponse", async () => {
      const uri = (await vscode.workspace.findFiles('samples/01-originate-call.ami'))[0];
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const api = await amiExtension().activate();
      await connectToSimulator(api, simulatorTarget()!);
      const runsOf = (action: string) => api.run.panel.log.snapshot().runs.filter((run) => run.action === action);
      const describeRuns = (): string => api.run.panel.log.snapshot().runs.map((r) => `${r.action}: ${r.status} ${r.error ?? ''}`).join('; ');
      assert.equal(await vscode.commands.executeCommand<string[]>('ami.runBlock', uri, 0).then((o) => o[0]), 'success', describeRuns());
      // As a user would: the next blocks after the call's OriginateResponse has arrived.
      const call = runsOf('Originate').pop();
      assert.ok(call, 'the Originate run is in the panel');
      await waitFor('the OriginateResponse of the sample call', () =>
        runsOf('Originate').find((run) => run.id === call.id && run.events.some((event) => event.name === 'OriginateResponse')),
      );
      const [listed] = await vscode.commands.executeCommand<string[]>('ami.runBlock', uri, 1);
      assert.equal(listed, 'success', describeRuns());
      // The recorded test call hangs up after a second, so Asterisk may answer "No such channel": either
      // answer proves the block was sent with the variable filled in and the response came back.
      const [statusOutcome] = await vscode.commands.executeCommand<string[]>('ami.runBlock', uri, 2);
      assert.ok(['success', 'error'].includes(statusOutcome), describeRuns());
      const status = runsOf('Status').pop();
      assert.ok(status, 'the Status run is in the panel');
      assert.ok(status.response?.some(([name]) => name === 'Response'), 'the Status response is in the panel');
      const channel = status.sent.find(([name]) => name === 'Channel')?.[1] ?? '';
      assert.match(channel, /^Local\/100@test-/, 'the {{call.events.OriginateResponse.Channel}} variable was filled in');
      await vscode.commands.executeCommand('ami.disconnect');
    });
  }

  if (contributesCommand('ami.runBlock')) {
    it('shows a Run lens above every block of every sample', async () => {
      for (const uri of await vscode.workspace.findFiles('samples/*.ami')) {
        const document = await vscode.workspace.openTextDocument(uri);
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
        const runs = lenses.filter((lens) => lens.command?.command === 'ami.runBlock');
        assert.equal(runs.length, actionLines(document).length, uri.path);
      }
    });
  }
});
