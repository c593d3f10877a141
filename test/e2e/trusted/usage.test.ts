/// <reference types="mocha" />
// The extension in real use (issue 12), after the other suites (files run in name order): profiles from user
// settings in this remote window (code-server), expectations on the result card, a run while reconnecting tries at
// once and a connection failure is not an expectation failure, a changed password reconnects, Run with events
// holds the call's first events. The "server restart" is a loopback TCP proxy to the simulator that goes away and
// comes back on the same port.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { AmiExtensionApi } from '../../../client/src/extension';
import { displayStatus } from '../../../protocol/src/webviewMessages';
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

/** A loopback TCP proxy to the simulator that can stop (like Asterisk going down) and start again on its port. */
class RestartableProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

if (simulator && contributesCommand('ami.runBlock')) {
  describe('The extension in real use', () => {
    let api: AmiExtensionApi;
    const configuration = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration();
    let seeded: unknown;

    before(async () => {
      await openWorkspaceFile('calls.ami');
      api = await amiExtension().activate();
      seeded = configuration().inspect('ami.connections')?.globalValue;
    });
    afterEach(closeAllEditors);
    after(async () => {
      await vscode.commands.executeCommand('ami.disconnect');
      await configuration().update('ami.connections', seeded, vscode.ConfigurationTarget.Global);
    });

    it('profiles in user settings apply in this remote window; with none, the notification opens user settings', async function () {
      // Writing user settings twice and opening settings.json takes a while on a loaded machine.
      this.timeout(120_000);
      const inspected = configuration().inspect<unknown[]>('ami.connections');
      assert.ok(Array.isArray(inspected?.globalValue) && inspected.globalValue.length > 0, 'the runner seeds the profiles in User settings only');
      assert.ok(api.run.connections.profiles().some((profile) => profile.name === simulatorProfileName), 'the user-settings profile is used');

      await configuration().update('ami.connections', [], vscode.ConfigurationTarget.Global);
      const infos = stubWindow('showInformationMessage', (_message, ...items) => Promise.resolve(items.find((item) => /Open User Settings/.test(String(item)))));
      let opened: vscode.Uri | undefined;
      try {
        await vscode.commands.executeCommand('ami.selectConnection');
        opened = await waitFor('the user settings file in an editor', () => vscode.window.activeTextEditor?.document.uri);
      } finally {
        infos.restore();
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
        await configuration().update('ami.connections', seeded, vscode.ConfigurationTarget.Global);
      }
      assert.match(String(infos.calls[0]?.[0]), /user settings \(they apply in local and remote windows alike\)/);
      assert.match(opened.path, /\/User\/settings\.json$/, `opened ${opened.toString()}`);
      await waitFor('the profiles back', () => api.run.connections.profiles().find((p) => p.name === simulatorProfileName));
    });

    it('a failed @expect makes the card FAILED and the card lists each expectation with its detail', async () => {
      await connectToSimulator(api, simulator);
      const editor = await openWorkspaceFile('expectFail.ami');
      assert.deepEqual(await vscode.commands.executeCommand<string[]>('ami.runFile', editor.document.uri), ['failed']);
      const run = await waitFor('the expectFail run with its expectations', () =>
        api.run.panel.log.snapshot().runs.filter((r) => r.source.startsWith('expectFail.ami') && r.expectations?.length).at(-1),
      );
      assert.equal(run.status, 'success', 'the server answered Success');
      assert.equal(displayStatus(run), 'failed', 'the card shows FAILED');
      assert.deepEqual(run.expectations?.map((e) => [e.source, e.status]), [['Response: Error', 'fail']]);
      assert.match(run.expectations?.[0].detail ?? '', /expected Response: Error, got Response: Success/);
    });

    it('Run with events holds the call\'s first events, from before the OriginateResponse named the channel', async () => {
      await connectToSimulator(api, simulator);
      const editor = await openWorkspaceFile('calls.ami');
      assert.deepEqual(await vscode.commands.executeCommand<string[]>('ami.runBlockWithEvents', editor.document.uri, 0), ['success']);
      const run = await waitFor('the Originate run with its Hangup', () =>
        api.run.panel.log.snapshot().runs.filter((r) => r.action === 'Originate' && r.events.some((e) => e.name === 'Hangup')).at(-1),
      );
      const names = run.events.map((e) => e.name);
      const response = names.indexOf('OriginateResponse');
      assert.ok(response > 0, `events before the OriginateResponse are tied: ${names.join(' ')}`);
      for (const first of ['Newchannel', 'DialBegin']) assert.ok(names.slice(0, response).includes(first), `${first} is tied: ${names.join(' ')}`);
    });

    it("a call's timeline opens in its own editor tab", async () => {
      await connectToSimulator(api, simulator);
      const editor = await openWorkspaceFile('calls.ami');
      await vscode.commands.executeCommand<string[]>('ami.runBlockWithEvents', editor.document.uri, 0);
      const linkedid = await waitFor('a Linkedid of the call', () =>
        api.run.panel.log.snapshot().events.flatMap((e) => e.headers).find(([name]) => name === 'Linkedid')?.[1],
      );
      await api.run.panel.handleMessage({ type: 'openTimeline', linkedid });
      assert.deepEqual(api.run.timelineTabs.openCalls, [linkedid]);
      const tab = await waitFor('the timeline tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === `Call ${linkedid}`));
      assert.ok(tab.input instanceof vscode.TabInputWebview, 'a webview editor tab');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });

    it('Open as text: the whole result in a read-only editor', async () => {
      await connectToSimulator(api, simulator);
      const editor = await openWorkspaceFile('calls.ami');
      assert.deepEqual(await vscode.commands.executeCommand<string[]>('ami.runBlock', editor.document.uri, 1), ['success']);
      const run = api.run.panel.log.runList.filter((r) => r.action === 'CoreShowChannels').at(-1);
      assert.ok(run);
      await api.run.panel.handleMessage({ type: 'openAsText', runId: run.id });
      const opened = await waitFor('the result document', () => {
        const active = vscode.window.activeTextEditor?.document;
        return active?.uri.scheme === 'ami-result' ? active : undefined;
      });
      const text = opened.getText();
      assert.match(text, /^# List live channels — CoreShowChannels on simulator/);
      assert.match(text, /## Sent\nAction: CoreShowChannels\n/);
      assert.match(text, /## Response\nResponse: Success\n/);
      // A content-provider document: read-only in the editor, never dirty, nothing to save.
      assert.equal(opened.isDirty, false);
      assert.equal(opened.isUntitled, false);
    });

    it('history: the last runs, redacted, open and re-run from AMI: Show Run History', async () => {
      await connectToSimulator(api, simulator);
      const editor = await openWorkspaceFile('calls.ami');
      await vscode.commands.executeCommand<string[]>('ami.runBlock', editor.document.uri, 1);
      const newest = await waitFor('the run in the history', () => api.run.history.list().find((entry) => entry.run.action === 'CoreShowChannels' && entry.run.status !== 'pending'));
      assert.match(newest.uri, /calls\.ami$/);
      const before = api.run.panel.log.runList.length;
      // First the entries (newest first), then what to do with the picked one.
      const picks = stubWindow('showQuickPick', async (items) => {
        const list = (await items) as unknown[];
        return typeof list[0] === 'string' ? 'Run the block again' : list[0];
      });
      try {
        await vscode.commands.executeCommand('ami.showHistory');
      } finally {
        picks.restore();
      }
      await waitFor('the re-run in the panel', () => (api.run.panel.log.runList.length > before ? true : undefined));
      assert.equal(api.run.panel.log.runList.at(-1)?.action, 'CoreShowChannels');
    });

    it('Copy as code: variables resolved, the secret never copied', async () => {
      const editor = await openWorkspaceFile('calls.ami');
      for (const target of ['nc', 'node-asterisk-manager', 'node-ami-workbench', 'python-panoramisk', 'java-asterisk-java']) {
        const code = await vscode.commands.executeCommand<string>('ami.copyAsCode', editor.document.uri, 0, target);
        assert.ok(code, target);
        assert.equal(await vscode.env.clipboard.readText(), code, `${target} is on the clipboard`);
        assert.match(code, /Local\/100@test/);
        assert.match(code, /AMI_SECRET/);
        assert.ok(!code.includes(simulator.secret), `${target} holds no secret`);
      }
    });

    it('the status bar item switches the connection in one quick pick', async () => {
      await connectToSimulator(api, simulator);
      await api.run.connections.storeSecret(`${simulatorProfileName}-plain`, simulator.secret);
      const picks = stubWindow('showQuickPick', async (items) => {
        const list = (await items) as Array<{ label: string; profile?: { name: string } }>;
        assert.ok(list.some((item) => /Set Password/.test(item.label)) && list.some((item) => /Disconnect/.test(item.label)));
        return list.find((item) => item.profile?.name === `${simulatorProfileName}-plain`);
      });
      try {
        await vscode.commands.executeCommand('ami.selectConnection');
      } finally {
        picks.restore();
      }
      assert.equal(api.run.connections.activeProfile?.name, `${simulatorProfileName}-plain`);
      await waitFor('connected on the other profile', () => (api.run.connections.stateName === 'connected' ? true : undefined));
      assert.match(api.run.connections.statusText, /simulator-plain/);
    });

    describe('reconnecting and passwords', () => {
      const proxy = new RestartableProxy(simulator);
      const flaky = 'flaky';

      before(async () => {
        await proxy.start();
        const profiles = [...((seeded as unknown[]) ?? []), { name: flaky, host: '127.0.0.1', port: proxy.port, username: simulator.username }];
        await configuration().update('ami.connections', profiles, vscode.ConfigurationTarget.Global);
        await waitFor('the flaky profile', () => api.run.connections.profiles().find((p) => p.name === flaky));
        await api.run.connections.storeSecret(flaky, simulator.secret);
      });
      after(() => proxy.stop());

      it('a run while waiting to reconnect tries at once; message and status bar agree; no expect-failed entry', async () => {
        const profile = api.run.connections.profiles().find((p) => p.name === flaky);
        assert.equal(await api.run.connections.connect(profile), true);
        await proxy.stop(); // Asterisk goes away
        await waitFor('the retrying state', () => (api.run.connections.stateName === 'retrying' ? true : undefined));

        // Down: the run tries at once, fails, says when the next attempt is, and leaves no Problems entry.
        const errors = stubWindow('showErrorMessage', () => Promise.resolve(undefined));
        let outcomes: string[];
        try {
          const editor = await openWorkspaceFile('expectFail.ami');
          outcomes = await vscode.commands.executeCommand<string[]>('ami.runBlock', editor.document.uri, 0);
          const problems = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === 'ami expect');
          assert.deepEqual(problems.map((p) => p.message), [], 'a connection failure is not an expectation failure');
        } finally {
          errors.restore();
        }
        assert.deepEqual(outcomes, ['refused']);
        const message = String((errors.calls.at(-1)?.[0] as string | undefined) ?? '');
        assert.match(message, /refused/i);
        const said = Number(/Retrying in (\d+) s/.exec(message)?.[1]);
        const shown = Number(/retrying in (\d+) s/.exec(api.run.connections.statusText)?.[1]);
        assert.ok(Number.isFinite(said) && Number.isFinite(shown) && Math.abs(said - shown) <= 1, `toast "${message}" and status bar "${api.run.connections.statusText}" agree`);

        // Back: the next run connects at once instead of waiting out the backoff.
        await proxy.start();
        const started = Date.now();
        const editor = await openWorkspaceFile('calls.ami');
        assert.deepEqual(await vscode.commands.executeCommand<string[]>('ami.runBlock', editor.document.uri, 1), ['success']);
        assert.ok(Date.now() - started < 8000, `connected at once (${Date.now() - started} ms)`);
        assert.equal(api.run.connections.stateName, 'connected');
      });

      it('Set Password after a failed login saves, says so, reconnects and clears the failed state', async () => {
        await vscode.commands.executeCommand('ami.disconnect');
        await api.run.connections.storeSecret(flaky, simulator.wrongSecret);
        const profile = api.run.connections.profiles().find((p) => p.name === flaky);
        const errors = stubWindow('showErrorMessage', () => Promise.resolve(undefined));
        try {
          assert.equal(await api.run.connections.connect(profile), false);
        } finally {
          errors.restore();
        }
        assert.equal(api.run.connections.stateName, 'failed');
        const advice = String((errors.calls.at(-1)?.[0] as string | undefined) ?? '');
        assert.equal(advice.match(/Set Password/g)?.length, 1, `the advice is given once: ${advice}`);
        assert.ok(!/check the username[\s\S]*check the username/i.test(advice), `no repeated advice: ${advice}`);

        const input = stubWindow('showInputBox', () => Promise.resolve(simulator.secret));
        const infos = stubWindow('showInformationMessage', () => Promise.resolve(undefined));
        try {
          assert.equal(await vscode.commands.executeCommand<boolean>('ami.setPassword'), true);
        } finally {
          input.restore();
          infos.restore();
        }
        assert.match(String(infos.calls[0]?.[0]), /saved the password of .* Reconnecting with it\./);
        await waitFor('connected with the new password', () => (api.run.connections.stateName === 'connected' ? true : undefined));
        assert.match(api.run.connections.statusText, /AMI flaky: /);
        assert.doesNotMatch(api.run.connections.statusText, /failed/);
      });
    });
  });
}
