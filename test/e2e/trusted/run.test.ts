/// <reference types="mocha" />
// Connections, Run Block, CodeLens, the panel and the confirmation of dangerous actions, against the simulator
// (dist/simulator.js: the recorded bytes of a real Asterisk) that the runner started on loopback.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AmiExtensionApi } from '../../../client/src/extension';
import {
  amiExtension,
  closeAllEditors,
  connectToSimulator,
  contributesCommand,
  openWorkspaceFile,
  simulatorProfileName,
  simulatorTarget,
  stubWindow,
  waitFor,
} from '../helpers';

const simulator = simulatorTarget();

/** The run outcome of `ami.runBlock` for block `index` of a workspace file. */
async function runBlock(file: string, index: number, withEvents = false): Promise<string> {
  const editor = await openWorkspaceFile(file);
  const command = withEvents ? 'ami.runBlockWithEvents' : 'ami.runBlock';
  const outcomes = await vscode.commands.executeCommand<string[]>(command, editor.document.uri, index);
  assert.equal(outcomes.length, 1, `${command} should report one outcome`);
  return outcomes[0];
}

if (simulator && contributesCommand('ami.runBlock') && contributesCommand('ami.connect')) {
  describe('Running blocks against the simulator', () => {
    let api: AmiExtensionApi;

    before(async () => {
      await openWorkspaceFile('calls.ami');
      api = await amiExtension().activate();
    });
    afterEach(closeAllEditors);

    it('connects with the secret read from SecretStorage, and refuses a wrong one', async () => {
      const errors = stubWindow('showErrorMessage', () => Promise.resolve(undefined));
      // Two profiles and none chosen yet: "AMI: Connect" asks which one.
      const picks = stubWindow('showQuickPick', async (items) =>
        (await (items as Promise<Array<{ profile?: { name: string } }>>)).find((item) => item.profile?.name === simulatorProfileName),
      );
      try {
        await api.run.connections.storeSecret(simulatorProfileName, simulator.wrongSecret);
        assert.equal(await vscode.commands.executeCommand<boolean>('ami.connect'), false, 'a wrong secret must not log in');
        assert.equal(picks.calls.length, 1, 'the connection was picked from a quick pick');
        assert.ok(
          errors.calls.some((args) => /auth|secret|password/i.test(String(args[0]))),
          `the failure should say the login was refused; got ${JSON.stringify(errors.calls.map((args) => args[0]))}`,
        );
      } finally {
        errors.restore();
        picks.restore();
      }
      await api.run.connections.storeSecret(simulatorProfileName, simulator.secret);
      assert.equal(await vscode.commands.executeCommand<boolean>('ami.connect'), true, 'the stored secret should log in');
      assert.ok(api.run.connections.isConnected);
      await waitFor('the server facts (CoreSettings, ListCommands)', () => api.run.connections.serverFacts?.allowedActions);
      assert.match(api.run.connections.serverFacts?.asteriskVersion ?? '', /^\d+\./);
    });

    it('also logs in with a plain-text secret on loopback (the log redacts it)', async () => {
      const plainName = `${simulatorProfileName}-plain`;
      const plain = api.run.connections.profiles().find((profile) => profile.name === plainName);
      assert.ok(plain, `the runner seeds a "${plainName}" profile`);
      assert.equal(plain.authType, 'plain');
      await api.run.connections.storeSecret(plainName, simulator.secret);
      assert.equal(await api.run.connections.connect(plain), true);
      await vscode.commands.executeCommand('ami.disconnect');
      const md5 = api.run.connections.profiles().find((profile) => profile.name === simulatorProfileName);
      assert.equal(await api.run.connections.connect(md5), true, 'back on the MD5 profile for the next tests');
    });

    describe('with a connection', () => {
      // The connection tests above leave one open; this also makes these tests runnable alone (--grep).
      before(() => connectToSimulator(api, simulator));

      it('shows a Run CodeLens on every block', async () => {
        const editor = await openWorkspaceFile('calls.ami');
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
          'vscode.executeCodeLensProvider',
          editor.document.uri,
        );
        const runLenses = lenses.filter((lens) => lens.command?.command === 'ami.runBlock');
        const blockLines = editor.document
          .getText()
          .split('\n')
          .flatMap((line, index) => (line.startsWith('Action:') ? [index] : []));
        assert.equal(runLenses.length, blockLines.length, 'one Run lens per block');
        for (const [index, lens] of runLenses.entries()) {
          assert.ok(lens.range.start.line <= blockLines[index], `lens ${index} should sit above its block's Action line`);
          assert.deepEqual(lens.command?.arguments?.slice(1), [index]);
        }
      });

      it('Run Block sends the block and the result arrives in the panel', async () => {
        assert.equal(await runBlock('calls.ami', 1), 'success');
        const run = await waitFor('the CoreShowChannels run in the panel', () =>
          api.run.panel.log.snapshot().runs.find((r) => r.action === 'CoreShowChannels' && r.status !== 'pending'),
        );
        assert.equal(run.status, 'success');
        assert.deepEqual(run.sent[0], ['Action', 'CoreShowChannels']);
        assert.ok(run.response?.some(([name, value]) => name === 'Response' && value === 'Success'));
        assert.ok(run.actionId.length > 0, 'the run records the ActionID it sent');
        assert.ok(api.run.panel.isOpen, 'the panel opens on a run');
      });

      it('the panel receives the events a run causes (Originate → OriginateResponse)', async () => {
        assert.equal(await runBlock('calls.ami', 0, true), 'success');
        const run = await waitFor('OriginateResponse tied to the Originate run', () =>
          api.run.panel.log
            .snapshot()
            .runs.find((r) => r.action === 'Originate' && r.events.some((event) => event.name === 'OriginateResponse')),
        );
        assert.ok(run.events.length > 0);
        const streamed = api.run.panel.log.snapshot().events.map((event) => event.name);
        assert.ok(streamed.includes('OriginateResponse'), `the live stream should hold the events; got ${streamed.join(', ')}`);
      });

      it('asks before a dangerous action, naming the host and user, and sends nothing when declined', async () => {
        const warnings = stubWindow('showWarningMessage', () => Promise.resolve(undefined));
        let outcome: string;
        try {
          outcome = await runBlock('command.ami', 0);
        } finally {
          warnings.restore();
        }
        assert.equal(outcome, 'cancelled');
        const modal = warnings.calls.find((args) => (args[1] as vscode.MessageOptions | undefined)?.modal === true);
        assert.ok(modal, 'a modal confirmation should be shown');
        assert.match(String(modal[0]), new RegExp(`${simulator.host}.*${simulator.username}|${simulator.username}.*${simulator.host}`));
        assert.ok(
          !api.run.panel.log.snapshot().runs.some((r) => r.action === 'Command' && r.status !== 'pending' && r.actionId !== ''),
          'a declined Command must not be sent',
        );
      });

      it('sends the dangerous action once confirmed', async () => {
        const warnings = stubWindow('showWarningMessage', (_message, _options, ...items) => Promise.resolve(items[0]));
        try {
          assert.equal(await runBlock('command.ami', 0), 'success');
        } finally {
          warnings.restore();
        }
        assert.equal(warnings.calls.length, 1, 'exactly one confirmation');
      });
    });

    after(async () => {
      await vscode.commands.executeCommand('ami.disconnect');
    });
  });
}
