/**
 * Everything "run" in the extension: connections, commands, CodeLens, inline results and the panel.
 * `registerRunFeatures` is the single call extension.ts makes.
 */
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { parseScript } from '../../../core/src/script/parser';
import { LiveServerInfoNotification, LiveValuesNotification } from '../../../protocol/src/lspExtensions';
import { LiveController } from '../live/liveController';
import { ConnectionManager } from '../connections/connectionManager';
import { PanelHost } from '../panel/panelHost';
import { blocksInSelections, RunController, type RunOutcome } from './runController';

/** Command ids (also in package.json contributes.commands). */
export const Commands = {
  runBlock: 'ami.runBlock',
  runBlockWithEvents: 'ami.runBlockWithEvents',
  runSelection: 'ami.runSelection',
  runFile: 'ami.runFile',
  connect: 'ami.connect',
  disconnect: 'ami.disconnect',
  selectConnection: 'ami.selectConnection',
  setPassword: 'ami.setPassword',
  showPanel: 'ami.showPanel',
} as const;

/** What the run features expose (to extension.ts's API and the end-to-end tests). */
export interface RunFeatures {
  connections: ConnectionManager;
  panel: PanelHost;
  runner: RunController;
  /** Live values for the language server and the PBX view. */
  live: LiveController;
}

class RunCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    // Nothing is sent from an untrusted workspace, so no Run lens is offered there.
    if (!vscode.workspace.isTrusted) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const block of parseScript(document.getText()).blocks) {
      if (!block.action || !block.actionHeader) continue;
      const start = block.range.start;
      const range = new vscode.Range(start.line, 0, start.line, 0);
      lenses.push(
        new vscode.CodeLens(range, { title: '▶ Run', command: Commands.runBlock, arguments: [document.uri, block.index], tooltip: `Send ${block.action}` }),
        new vscode.CodeLens(range, {
          title: 'Run with events',
          command: Commands.runBlockWithEvents,
          arguments: [document.uri, block.index],
          tooltip: `Send ${block.action} and follow the events it causes`,
        }),
      );
    }
    return lenses;
  }
}

async function documentFor(uri: unknown): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'ami') {
    void vscode.window.showInformationMessage('Open an .ami file to run its blocks.');
    return undefined;
  }
  return editor.document;
}

/** Registers connections, run commands, CodeLens, decorations and the panel. */
export function registerRunFeatures(context: vscode.ExtensionContext, client: LanguageClient): RunFeatures {
  const log = vscode.window.createOutputChannel('AMI Workbench', { log: true });
  const connections = new ConnectionManager(context, log, (info) => client.sendNotification(LiveServerInfoNotification.type, info));
  const panel = new PanelHost(context, connections);
  const runner = new RunController(connections, panel);
  const lenses = new RunCodeLensProvider();
  const live = new LiveController(connections, runner, panel, (delta) =>
    client.isRunning() ? client.sendNotification(LiveValuesNotification.type, delta) : Promise.resolve(),
  );

  const runAt = async (withEvents: boolean, uri?: unknown, blockIndex?: unknown): Promise<RunOutcome[]> => {
    const document = await documentFor(uri);
    if (!document) return [];
    const script = parseScript(document.getText());
    let block = typeof blockIndex === 'number' ? script.blocks[blockIndex] : undefined;
    const active = vscode.window.activeTextEditor;
    if (!block && active && active.document === document && active.selections.some((selection) => !selection.isEmpty)) {
      // Ctrl+Enter over a selection that spans several blocks runs them all, in order.
      const selected = blocksInSelections(script, active.selections);
      if (selected.length > 1) {
        const stopOnFailure = vscode.workspace.getConfiguration('ami.run', document.uri).get<boolean>('stopOnFailure', true);
        return runner.runBlocks(document, selected, { withEvents, stopOnFailure });
      }
    }
    if (!block) {
      const editor = vscode.window.activeTextEditor;
      const line = editor && editor.document === document ? editor.selection.active.line : -1;
      block = script.blocks.find((b) => b.range.start.line <= line && line <= b.range.end.line);
    }
    if (!block) {
      void vscode.window.showInformationMessage('Put the cursor in a block (a run of lines starting with "Action:") to run it.');
      return [];
    }
    return [await runner.runOne(document, script, block, withEvents)];
  };

  // The profile's variables are known before any connection: tell the server once it runs.
  context.subscriptions.push(
    client.onDidChangeState((change) => {
      if (change.newState === State.Running) void connections.sendLiveInfo();
    }),
  );
  context.subscriptions.push(
    log,
    connections,
    panel,
    runner,
    live,
    vscode.languages.registerCodeLensProvider({ language: 'ami' }, lenses),
    vscode.workspace.onDidGrantWorkspaceTrust(() => lenses.refresh()),
    vscode.commands.registerCommand(Commands.runBlock, (uri?: unknown, index?: unknown) => runAt(false, uri, index)),
    vscode.commands.registerCommand(Commands.runBlockWithEvents, (uri?: unknown, index?: unknown) => runAt(true, uri, index)),
    vscode.commands.registerCommand(Commands.runSelection, async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.document.languageId !== 'ami') return [];
      const blocks = blocksInSelections(parseScript(editor.document.getText()), editor.selections);
      const stopOnFailure = vscode.workspace.getConfiguration('ami.run', editor.document.uri).get<boolean>('stopOnFailure', true);
      return runner.runBlocks(editor.document, blocks, { stopOnFailure });
    }),
    vscode.commands.registerCommand(Commands.runFile, async (uri?: unknown) => {
      const document = await documentFor(uri);
      if (!document) return [];
      const blocks = parseScript(document.getText()).blocks.filter((b) => b.action !== undefined);
      const stopOnFailure = vscode.workspace.getConfiguration('ami.run', document.uri).get<boolean>('stopOnFailure', true);
      return runner.runBlocks(document, blocks, { stopOnFailure });
    }),
    vscode.commands.registerCommand(Commands.connect, () => connections.connect()),
    vscode.commands.registerCommand(Commands.disconnect, () => connections.disconnect()),
    vscode.commands.registerCommand(Commands.selectConnection, () => connections.select()),
    vscode.commands.registerCommand(Commands.setPassword, () => connections.setPassword()),
    vscode.commands.registerCommand(Commands.showPanel, () => panel.show(false)),
  );
  return { connections, panel, runner, live };
}
