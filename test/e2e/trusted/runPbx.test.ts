/// <reference types="mocha" />
// Named after run.test.ts so it runs after the connection tests there (files run in name order).
// Live values in the editor and the PBX view, connected to the simulator (recorded bytes of a real Asterisk: its
// CoreShowChannels answer has two Local/500 channels of one call, its ShowDialPlan the `test` context).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AmiExtensionApi } from '../../../client/src/extension';
import type { PbxRow } from '../../../client/src/live/pbxTree';
import { amiExtension, closeAllEditors, connectToSimulator, contributesCommand, hoverText, openAmiText, simulatorTarget, stubWindow, waitFor } from '../helpers';

const simulator = simulatorTarget();
const recordedChannel = 'Local/500@test-00000016;2';

function flatten(rows: readonly PbxRow[]): PbxRow[] {
  return rows.flatMap((row) => [row, ...flatten(row.children ?? [])]);
}

if (simulator && contributesCommand('ami.pbx.hangup')) {
  describe('Live values and the PBX view', () => {
    let api: AmiExtensionApi;

    before(async () => {
      api = await amiExtension().activate();
      await connectToSimulator(api, simulator);
      await waitFor('the live sync to read the channels', () => (api.run.live.liveSync?.state.channels.has(recordedChannel) ? true : undefined), 30_000);
    });
    afterEach(closeAllEditors);

    it('completes Channel: with the live channels, marked live, and hover shows their state', async () => {
      const editor = await openAmiText('Action: Hangup\nChannel: ');
      const position = new vscode.Position(1, 'Channel: '.length);
      const list = await waitFor('live channels in completion', async () => {
        const result = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, position);
        return result.items.some((item) => typeof item.label === 'object' && item.label.label === recordedChannel) ? result : undefined;
      });
      const item = list.items.find((candidate) => typeof candidate.label === 'object' && candidate.label.label === recordedChannel)!;
      assert.match((item.label as vscode.CompletionItemLabel).description ?? '', /^live · Up · \d\d:\d\d · Wait\(30\)$/);
      await editor.edit((edit) => edit.insert(position, recordedChannel));
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(1, 12));
      assert.match(hoverText(hovers), /live channel/);
      assert.match(hoverText(hovers), /Linkedid/);
    });

    it('completes Context: and Exten: from the dialplan', async () => {
      const editor = await openAmiText('Action: Originate\nChannel: Local/100@test\nContext: test\nExten: ');
      const result = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(3, 7));
      const live = result.items.filter((item) => typeof item.label === 'object' && item.label.description?.startsWith('live')).map((item) => (item.label as vscode.CompletionItemLabel).label);
      assert.ok(live.includes('100') && live.includes('200'), `live extensions: ${live.join(', ')}`);
    });

    it('the view groups the channels by call and its Hangup row action inserts a prefilled block', async () => {
      const rows = await waitFor('the view rows', () => (api.run.live.rowsShown.length > 0 ? api.run.live.rowsShown : undefined));
      assert.deepEqual(rows.map((row) => row.label).slice(0, 4), ['Channels', 'Queues', 'Bridges', 'Parked calls']);
      const call = flatten(rows).find((row) => row.id === 'call:1795393219.45');
      assert.equal(call?.children?.length, 2, 'both legs of the recorded call under one Linkedid');
      const row = flatten(rows).find((candidate) => candidate.id === `channel:${recordedChannel}`)!;
      assert.ok(row.actions.includes('hangup'), `actions offered: ${row.actions.join(', ')}`);
      const editor = await openAmiText('# my script\nAction: Ping\n');
      editor.selection = new vscode.Selection(1, 0, 1, 0);
      assert.equal(await vscode.commands.executeCommand('ami.pbx.hangup', row, 'insert'), 'inserted');
      const text = vscode.window.activeTextEditor!.document.getText();
      assert.match(text, new RegExp(`Action: Ping\\n\\n# Hang up ${recordedChannel.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\nAction: Hangup\\nChannel: ${recordedChannel.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\nCause: 16`));
    });

    it('run mode sends the row action through Run Block (result in the panel)', async () => {
      const row = flatten(api.run.live.rowsShown).find((candidate) => candidate.id === `channel:${recordedChannel}`)!;
      const warnings = stubWindow('showWarningMessage', () => Promise.resolve('Send Hangup'));
      let outcome: unknown;
      try {
        outcome = await vscode.commands.executeCommand('ami.pbx.hangup', row, 'run');
      } finally {
        warnings.restore();
      }
      assert.notEqual(outcome, 'refused');
      const run = api.run.panel.log.snapshot().runs.find((candidate) => candidate.action === 'Hangup' && candidate.status !== 'pending');
      assert.ok(run, 'the Hangup run is in the panel');
      assert.deepEqual(run.sent.find(([name]) => name === 'Channel'), ['Channel', recordedChannel]);
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
