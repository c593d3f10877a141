/// <reference types="mocha" />
// Named after run.test.ts so it runs after the connection tests there (files run in name order).
// Run File uses the CLI's engine: a named block's late event feeds the next block, @expect lines are checked,
// and a failed expectation lands in the Problems view (the 'ami-expect' collection).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AmiExtensionApi } from '../../../client/src/extension';
import { amiExtension, closeAllEditors, connectToSimulator, contributesCommand, openWorkspaceFile, simulatorTarget, stubWindow } from '../helpers';

const simulator = simulatorTarget();

if (simulator && contributesCommand('ami.runFile')) {
  describe('Expectations and chained blocks in the editor', () => {
    let api: AmiExtensionApi;

    before(async () => {
      await openWorkspaceFile('chain.ami');
      api = await amiExtension().activate();
      await connectToSimulator(api, simulator);
    });
    afterEach(closeAllEditors);

    it('Run File waits for the named block\'s OriginateResponse and sends the chained block', async () => {
      const editor = await openWorkspaceFile('chain.ami');
      const errors = stubWindow('showErrorMessage', () => Promise.resolve(undefined));
      let outcomes: string[];
      try {
        outcomes = await vscode.commands.executeCommand<string[]>('ami.runFile', editor.document.uri);
      } finally {
        errors.restore();
      }
      assert.equal(outcomes.length, 3, `every block runs; got ${JSON.stringify(outcomes)}`);
      assert.deepEqual(outcomes.slice(0, 2), ['success', 'success'], 'the Originate and its expectations pass');
      assert.notEqual(outcomes[2], 'refused', `the chained block is sent; errors: ${JSON.stringify(errors.calls.map((a) => a[0]))}`);
      const status = api.run.panel.log.snapshot().runs.find((r) => r.action === 'Status' && r.status !== 'pending');
      assert.ok(status, 'the Status run is in the panel');
      const channel = status.sent.find(([name]) => name === 'Channel')?.[1] ?? '';
      assert.ok(channel.length > 0 && !channel.includes('{{'), `the channel comes from the OriginateResponse; sent ${channel}`);
      // The Status block may fail (the test call hangs up after a second); the first two blocks' checks passed.
      const statusLine = editor.document.getText().split('\n').indexOf('Action: Status');
      const problems = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === 'ami expect' && d.range.start.line < statusLine);
      assert.deepEqual(problems, [], 'passing expectations leave no Problems entry');
    });

    it('a failing expectation is reported in the Problems view and cleared by an edit', async () => {
      const editor = await openWorkspaceFile('expectFail.ami');
      const outcomes = await vscode.commands.executeCommand<string[]>('ami.runFile', editor.document.uri);
      assert.deepEqual(outcomes, ['failed']);
      const problems = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === 'ami expect');
      assert.equal(problems.length, 1, 'one failed expectation');
      assert.equal(problems[0].code, 'expect-failed');
      assert.equal(problems[0].severity, vscode.DiagnosticSeverity.Error);
      assert.equal(problems[0].range.start.line, 2, 'on the @expect line');
      assert.match(problems[0].message, /expected Response: Error, got Response: Success/);
      await editor.edit((edit) => edit.insert(new vscode.Position(2, editor.document.lineAt(2).text.length), ' '));
      const after = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === 'ami expect');
      assert.deepEqual(after, [], 'editing the block clears its result');
      await vscode.commands.executeCommand('workbench.action.files.revert');
    });
  });
}
