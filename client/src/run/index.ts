/**
 * Everything "run" in the extension: connections, commands, CodeLens, inline results and the panel.
 * `registerRunFeatures` is the single call extension.ts makes.
 */
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { getScript } from '../../../core/src/script/scriptCache';
import { LiveServerInfoNotification } from '../../../protocol/src/lspExtensions';
import { displayStatus } from '../../../protocol/src/webviewMessages';
import { ConnectionManager } from '../connections/connectionManager';
import { PanelHost } from '../panel/panelHost';
import { blocksInSelections, RunController, type RunOutcome } from './runController';
import { CODE_TARGETS } from './codeExport';
import { RunHistory, type HistoryEntry } from './history';
import { resultDocumentName, runAsDocument } from '../panel/resultText';
import { TimelineTabs } from '../panel/timelineTab';

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
  clearResults: 'ami.clearResults',
  copyAsCode: 'ami.copyAsCode',
  openResultAsText: 'ami.openResultAsText',
  showHistory: 'ami.showHistory',
} as const;

/** Scheme of the read-only result documents ("Open as text"). */
export const RESULT_SCHEME = 'ami-result';

/** What the run features expose (to extension.ts's API and the end-to-end tests). */
export interface RunFeatures {
  connections: ConnectionManager;
  panel: PanelHost;
  runner: RunController;
  history: RunHistory;
  timelineTabs: TimelineTabs;
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
    for (const block of getScript(document).blocks) {
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
  const history = new RunHistory(context.globalState);
  const timelineTabs = new TimelineTabs(panel);
  const runner = new RunController(connections, panel, history);
  const findRun = (runId: string) => panel.findRun(runId) ?? history.get(runId)?.run;

  /** Opens a run's whole result in a read-only editor (searchable, diffable). */
  const openResultAsText = async (runId?: unknown): Promise<vscode.TextEditor | undefined> => {
    const id = typeof runId === 'string' ? runId : (panel.log.runList.at(-1)?.id ?? history.list()[0]?.run.id);
    const run = id ? findRun(id) : undefined;
    if (!run) {
      void vscode.window.showInformationMessage('No result to open: run a block first (or pick one from "AMI: Show Run History").');
      return undefined;
    }
    const uri = vscode.Uri.from({ scheme: RESULT_SCHEME, path: `/${resultDocumentName(run)}`, query: run.id });
    const document = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Active });
  };

  /** Runs a history entry's block again from its document (the block as it is now, if it still matches). */
  const rerun = async (entry: HistoryEntry): Promise<RunOutcome[]> => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(entry.uri));
    const script = getScript(document);
    const textOf = (block: (typeof script.blocks)[number]): string =>
      document.getText(new vscode.Range(block.range.start.line, 0, block.range.end.line, block.range.end.character));
    const block =
      script.blocks.find((candidate) => textOf(candidate) === entry.blockText) ??
      script.blocks.find((candidate) => candidate.index === entry.blockIndex && candidate.action?.toLowerCase() === entry.run.action.toLowerCase());
    if (!block) {
      void vscode.window.showWarningMessage(`The block of "${entry.run.title}" is no longer in ${vscode.workspace.asRelativePath(document.uri)}: not re-run.`);
      return [];
    }
    const start = new vscode.Position(block.range.start.line, 0);
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(start, start) });
    return [await runner.runOne(document, script, block, false)];
  };

  const showHistory = async (): Promise<void> => {
    const entries = history.list();
    if (entries.length === 0) {
      void vscode.window.showInformationMessage('No run in the history yet: run a block first.');
      return;
    }
    const icon = (status: string): string => (status === 'success' ? '$(pass)' : status === 'pending' ? '$(watch)' : status === 'refused' ? '$(circle-slash)' : '$(error)');
    const picked = await vscode.window.showQuickPick(
      entries.map((entry) => {
        const status = displayStatus(entry.run);
        return {
          label: `${icon(status)} ${entry.run.title}`,
          description: `${status} · ${entry.run.action} · ${entry.run.connection} · ${new Date(entry.run.startedAt).toLocaleString()}`,
          detail: entry.run.source,
          entry,
        };
      }),
      { placeHolder: `The last ${entries.length} runs (secrets redacted; kept across restarts)`, matchOnDescription: true, matchOnDetail: true },
    );
    if (!picked) return;
    const open = 'Open result as text';
    const again = 'Run the block again';
    const choice = await vscode.window.showQuickPick([open, again], { placeHolder: picked.entry.run.title });
    if (choice === open) await openResultAsText(picked.entry.run.id);
    if (choice === again) await rerun(picked.entry);
  };
  const lenses = new RunCodeLensProvider();

  const runAt = async (withEvents: boolean, uri?: unknown, blockIndex?: unknown): Promise<RunOutcome[]> => {
    const document = await documentFor(uri);
    if (!document) return [];
    const script = getScript(document);
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
    vscode.languages.registerCodeLensProvider({ language: 'ami' }, lenses),
    vscode.workspace.onDidGrantWorkspaceTrust(() => lenses.refresh()),
    vscode.commands.registerCommand(Commands.runBlock, (uri?: unknown, index?: unknown) => runAt(false, uri, index)),
    vscode.commands.registerCommand(Commands.runBlockWithEvents, (uri?: unknown, index?: unknown) => runAt(true, uri, index)),
    vscode.commands.registerCommand(Commands.runSelection, async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.document.languageId !== 'ami') return [];
      const blocks = blocksInSelections(getScript(editor.document), editor.selections);
      const stopOnFailure = vscode.workspace.getConfiguration('ami.run', editor.document.uri).get<boolean>('stopOnFailure', true);
      return runner.runBlocks(editor.document, blocks, { stopOnFailure });
    }),
    vscode.commands.registerCommand(Commands.runFile, async (uri?: unknown) => {
      const document = await documentFor(uri);
      if (!document) return [];
      const blocks = getScript(document).blocks.filter((b) => b.action !== undefined);
      const stopOnFailure = vscode.workspace.getConfiguration('ami.run', document.uri).get<boolean>('stopOnFailure', true);
      // The whole file runs again: results and Problems entries of its earlier runs go first.
      runner.clearResults(document);
      return runner.runBlocks(document, blocks, { stopOnFailure });
    }),
    vscode.commands.registerCommand(Commands.connect, () => connections.connect()),
    vscode.commands.registerCommand(Commands.disconnect, () => connections.disconnect()),
    vscode.commands.registerCommand(Commands.selectConnection, () => connections.select()),
    vscode.commands.registerCommand(Commands.setPassword, () => connections.setPassword()),
    vscode.commands.registerCommand(Commands.showPanel, () => panel.show(false)),
    vscode.commands.registerCommand(Commands.clearResults, () => runner.clearResults()),
    vscode.workspace.registerTextDocumentContentProvider(RESULT_SCHEME, {
      provideTextDocumentContent: (uri) => {
        const run = findRun(uri.query);
        return run ? runAsDocument(run) : `# This result is no longer kept (run id ${uri.query}).\n`;
      },
    }),
    vscode.commands.registerCommand(Commands.openResultAsText, (runId?: unknown) => openResultAsText(runId)),
    vscode.commands.registerCommand(Commands.showHistory, () => showHistory()),
    timelineTabs,
    // Not in the palette: the panel's "Show call" and "Open in editor tab" call it with a Linkedid.
    vscode.commands.registerCommand('ami.openCallTimeline', (linkedid?: unknown) => {
      if (typeof linkedid === 'string' && linkedid !== '') timelineTabs.show(linkedid);
    }),
    vscode.commands.registerCommand(Commands.copyAsCode, async (uri?: unknown, blockIndex?: unknown, target?: unknown) => {
      const document = await documentFor(uri);
      if (!document) return undefined;
      const script = getScript(document);
      const editor = vscode.window.activeTextEditor;
      const line = editor && editor.document === document ? editor.selection.active.line : -1;
      const block = typeof blockIndex === 'number' ? script.blocks[blockIndex] : script.blocks.find((b) => b.range.start.line <= line && line <= b.range.end.line);
      if (!block) {
        void vscode.window.showInformationMessage('Put the cursor in a block to copy it as code.');
        return undefined;
      }
      const known = CODE_TARGETS.find((entry) => entry.target === target)?.target;
      return runner.copyAsCode(document, block, known);
    }),
  );
  return { connections, panel, runner, history, timelineTabs };
}
