/// <reference types="mocha" />
// Named after run.test.ts so it runs after the connection tests there (files run in name order).
// Live values in the editor and the PBX view, connected to the simulator (recorded bytes of a real Asterisk: its
// ShowDialPlan answer has the `test` context; an Originate replays a recorded call of about a second).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AmiExtensionApi } from '../../../client/src/extension';
import type { PbxRow } from '../../../client/src/live/pbxTree';
import { amiExtension, closeAllEditors, connectToSimulator, contributesCommand, hoverText, openAmiText, openWorkspaceFile, simulatorTarget, stubWindow, waitFor } from '../helpers';

const simulator = simulatorTarget();

function flatten(rows: readonly PbxRow[]): PbxRow[] {
  return rows.flatMap((row) => [row, ...flatten(row.children ?? [])]);
}

if (simulator && contributesCommand('ami.pbx.hangup')) {
  describe('Live values and the PBX view', () => {
    let api: AmiExtensionApi;

    before(async () => {
      api = await amiExtension().activate();
      await connectToSimulator(api, simulator);
      await waitFor('the live sync to read the dialplan', () => (api.live.liveSync?.state.complete.has('exten') ? true : undefined), 30_000);
    });
    afterEach(closeAllEditors);

    it('completes Context: and Exten: from the server\'s dialplan, marked live, and hover shows the live state', async () => {
      const editor = await openAmiText('Action: Originate\nChannel: Local/100@test\nContext: test\nExten: ');
      const list = await waitFor('live extensions in completion', async () => {
        const result = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(3, 7));
        return result.items.some((item) => typeof item.label === 'object' && item.label.description?.startsWith('live')) ? result : undefined;
      });
      const live = list.items.filter((item) => typeof item.label === 'object' && item.label.description?.startsWith('live'));
      const labels = live.map((item) => (item.label as vscode.CompletionItemLabel).label);
      assert.ok(labels.includes('100') && labels.includes('200'), `live extensions: ${labels.join(', ')}`);
      assert.match((live[0].label as vscode.CompletionItemLabel).description!, /^live · \d+ priorit(y|ies) · Answer\(\)$/);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(2, 10));
      assert.match(hoverText(hovers), /dialplan context/);
    });

    it('a call appears in the live model, the view and completion, then disappears; its Hangup row action inserts a prefilled block', async () => {
      const sync = api.live.liveSync!;
      const probe = await openAmiText('Action: Hangup\nChannel: ');
      let seenRow: PbxRow | undefined;
      let seenInCompletion = false;
      const editor = await openWorkspaceFile('calls.ami');
      // The recorded call lives about a second; on a loaded machine one completion round trip can take longer,
      // so the call is placed again (at most three times) until completion has been asked while it was up.
      for (let attempt = 0; attempt < 3 && !seenInCompletion; attempt++) {
        const watching = (async () => {
          const deadline = Date.now() + 20_000;
          let rowNow: PbxRow | undefined;
          while (Date.now() < deadline && !(rowNow && sync.state.channels.size === 0)) {
            const row = flatten(api.live.rowsShown).find((candidate) => candidate.id.startsWith('channel:Local/100@test-'));
            if (row) rowNow = row;
            if (row && !seenRow) seenRow = row;
            if (row && !seenInCompletion) {
              const result = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', probe.document.uri, new vscode.Position(1, 9));
              seenInCompletion = result.items.some((item) => typeof item.label === 'object' && item.label.label === row.label && item.label.description?.startsWith('live'));
            }
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })();
        const outcomes = await vscode.commands.executeCommand<string[]>('ami.runBlock', editor.document.uri, 0);
        assert.deepEqual(outcomes, ['success']);
        await watching;
      }
      assert.ok(seenRow, 'a Local/100@test channel appeared in the PBX view');
      assert.ok(seenRow.actions.includes('hangup'), `actions offered: ${seenRow.actions.join(', ')}`);
      assert.ok(seenInCompletion, 'and was offered, marked live, after Channel:');
      assert.equal(sync.state.channels.size, 0, 'the recorded call hung up: no channel left');

      const script = await openAmiText('# my script\nAction: Ping\n');
      script.selection = new vscode.Selection(1, 0, 1, 0);
      assert.equal(await vscode.commands.executeCommand('ami.pbx.hangup', seenRow, 'insert'), 'inserted');
      const lines = vscode.window.activeTextEditor!.document.getText().split('\n');
      assert.deepEqual(lines.slice(1, 7), ['Action: Ping', '', `# Hang up ${seenRow.label}`, 'Action: Hangup', `Channel: ${seenRow.label}`, 'Cause: 16']);
    });

    it('run mode sends the row action through Run Block (result in the panel)', async () => {
      const row: PbxRow = { id: 'channel:Local/500@test-0000001a;1', label: 'Local/500@test-0000001a;1', actions: ['hangup'], target: { channel: 'Local/500@test-0000001a;1' } };
      const warnings = stubWindow('showWarningMessage', () => Promise.resolve('Send Hangup'));
      const errors = stubWindow('showErrorMessage', () => Promise.resolve(undefined));
      let outcome: unknown;
      try {
        outcome = await vscode.commands.executeCommand('ami.pbx.hangup', row, 'run');
      } finally {
        warnings.restore();
        errors.restore();
      }
      assert.ok(outcome === 'success' || outcome === 'failed', `sent and answered; got ${String(outcome)}`);
      const run = api.run.panel.log.snapshot().runs.find((candidate) => candidate.action === 'Hangup' && candidate.status !== 'pending');
      assert.ok(run, 'the Hangup run is in the panel');
      assert.deepEqual(run.sent.find(([name]) => name === 'Channel'), ['Channel', row.label]);
      // Nothing left to save: the block ran from a read-only virtual document, not an untitled one.
      const unsaved = vscode.workspace.textDocuments.filter((document) => document.isDirty && document.getText().includes(row.label)).map((document) => document.uri.toString());
      assert.deepEqual(unsaved, []);
      const source = vscode.workspace.textDocuments.find((document) => document.uri.scheme === 'ami-row-action');
      assert.ok(source, 'the block ran from an ami-row-action: document');
      assert.equal(source.languageId, 'ami');
      assert.match(source.getText(), /^Action: Hangup$/m);
      assert.match(run.source, /^PBX view\/hangup\.ami:\d+$/, 'the card names the row action, not the whole URI');
      // The history keeps the URI as a string and a re-run opens it again: the block survives the round trip.
      const reopened = await vscode.workspace.openTextDocument(vscode.Uri.parse(source.uri.toString()));
      assert.equal(reopened.getText(), source.getText());
    });

    it('a row action the connected user may not run is refused', async () => {
      const row: PbxRow = { id: 'channel:x', label: 'x', actions: ['showCall'], target: { channel: 'x' } };
      const warnings = stubWindow('showWarningMessage', () => Promise.resolve(undefined));
      try {
        assert.equal(await vscode.commands.executeCommand('ami.pbx.hangup', row, 'run'), undefined);
        assert.match(String(warnings.calls[0]?.[0]), /may not run it/);
      } finally {
        warnings.restore();
      }
    });
  });
}
