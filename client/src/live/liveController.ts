/**
 * The live side of the connection in VS Code: a LiveSync per logged-in session (started once the server's
 * permissions are known, stopped on loss, so a reconnect resyncs), its deltas to the language server, and the
 * PBX sidebar view with row actions that insert a prefilled block or run it through Run Block's confirmations.
 */
import * as vscode from 'vscode';
import { LiveSync } from '../../../core/src/live/liveSync';
import type { LiveValuesDelta } from '../../../core/src/live/types';
import { getScript } from '../../../core/src/script/scriptCache';
import type { ConnectionManager, ServerFacts } from '../connections/connectionManager';
import type { AmiClient } from '../../../node/src/amiClient';
import type { RunController, RunOutcome } from '../run/runController';
import type { PanelHost } from '../panel/panelHost';
import type { RunFeatures } from '../run/index';
import { LiveValuesNotification } from '../../../protocol/src/lspExtensions';
import type { LanguageClient } from 'vscode-languageclient/node';
import { buildPbxTree, reconcileRows, rowActionBlock, type PbxRow, type RowActionId } from './pbxTree';

/** Command ids of the view (also in package.json). */
export const PbxCommands = {
  refresh: 'ami.pbx.refresh',
  hangup: 'ami.pbx.hangup',
  redirect: 'ami.pbx.redirect',
  park: 'ami.pbx.park',
  mixMonitor: 'ami.pbx.mixMonitor',
  queueAdd: 'ami.pbx.queueAdd',
  queueRemove: 'ami.pbx.queueRemove',
  queuePause: 'ami.pbx.queuePause',
  queueUnpause: 'ami.pbx.queueUnpause',
  showCall: 'ami.pbx.showCall',
} as const satisfies Record<'refresh' | RowActionId, string>;

export const PBX_VIEW_ID = 'ami.pbx';

/** What a row action does: insert the block into the active script, or run it (with Run Block's confirmations). */
export type RowActionMode = 'insert' | 'run';

/**
 * Row actions in "run" mode run from a read-only virtual document that holds the block in its URI: nothing is
 * left unsaved (an untitled document would ask to be saved on exit), and the history can re-run it later.
 */
export const ROW_ACTION_SCHEME = 'ami-row-action';

/** The virtual document of a row action's block, e.g. `ami-row-action:/PBX view/hangup.ami?Action: Hangup…`. */
export function rowActionUri(id: RowActionId, block: string): vscode.Uri {
  return vscode.Uri.from({ scheme: ROW_ACTION_SCHEME, path: `/PBX view/${id}.ami`, query: block });
}

class PbxTreeProvider implements vscode.TreeDataProvider<PbxRow> {
  private readonly changed = new vscode.EventEmitter<PbxRow[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  rows: PbxRow[] = [];

  constructor(private readonly build: () => PbxRow[]) {}

  /** Rebuilds the rows and redraws only those that changed, so an open row menu keeps its row (reconcileRows). */
  refresh(): void {
    const next = this.build();
    const redraw = reconcileRows(this.rows, next);
    if (redraw === undefined) {
      this.rows = next;
      this.changed.fire(undefined);
    } else if (redraw.length) this.changed.fire(redraw);
  }

  getTreeItem(row: PbxRow): vscode.TreeItem {
    // Groups open, even while empty: VS Code keeps an id's first state, and a group first shown as a leaf would
    // stay closed once it fills. A call's channels open too while there are few calls.
    const group = row.id.startsWith('group:');
    const expanded = group || (row.id.startsWith('call:') && (this.rows[0]?.children?.length ?? 0) <= 20);
    const state = !group && !row.children?.length ? vscode.TreeItemCollapsibleState.None : expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(row.label, state);
    item.id = row.id;
    item.description = row.description;
    item.tooltip = row.tooltip;
    if (row.icon) item.iconPath = new vscode.ThemeIcon(row.icon);
    // `when` clauses in package.json match ` hangup ` etc.: only actions the user may run appear.
    item.contextValue = `pbx ${row.id.split(':')[0]} ${row.actions.join(' ')} `;
    return item;
  }

  getChildren(row?: PbxRow): PbxRow[] {
    if (!row) return this.rows.length ? this.rows : (this.rows = this.build());
    return row.children ?? [];
  }
}

/** Live sync, PBX view and row actions. */
export class LiveController implements vscode.Disposable {
  private sync: LiveSync | undefined;
  private syncedFor: { client: AmiClient; facts: ServerFacts } | undefined;
  /** The facts of a session that was lost: after a reconnect, wait for the new session's (ListCommands again). */
  private staleFacts: ServerFacts | undefined;
  private readonly provider: PbxTreeProvider;
  private readonly view: vscode.TreeView<PbxRow>;
  private readonly disposables: vscode.Disposable[] = [];
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly connections: ConnectionManager,
    private readonly runner: RunController,
    private readonly panel: PanelHost,
    private readonly publish: (delta: LiveValuesDelta) => Promise<void>,
  ) {
    this.provider = new PbxTreeProvider(() => this.rows());
    this.view = vscode.window.createTreeView(PBX_VIEW_ID, { treeDataProvider: this.provider, showCollapseAll: true });
    this.disposables.push(
      this.view,
      connections.onDidChange(() => this.update()),
      this.view.onDidChangeVisibility(() => this.updateTicker()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('ami.live.enabled')) {
          this.stopSync();
          this.update();
        }
      }),
      vscode.commands.registerCommand(PbxCommands.refresh, () => this.sync?.resync()),
      vscode.workspace.registerTextDocumentContentProvider(ROW_ACTION_SCHEME, { provideTextDocumentContent: (uri) => uri.query }),
    );
    for (const id of Object.keys(PbxCommands) as Array<keyof typeof PbxCommands>) {
      if (id === 'refresh') continue;
      this.disposables.push(vscode.commands.registerCommand(PbxCommands[id], (row?: PbxRow, mode?: RowActionMode) => this.rowAction(id, row, mode)));
    }
    this.update();
  }

  /** The current sync (undefined when not connected); for tests and the API. */
  get liveSync(): LiveSync | undefined {
    return this.sync;
  }

  /** The view's rows as shown now (tests read them like a user reads the view). */
  get rowsShown(): PbxRow[] {
    return this.provider.rows;
  }

  private allowed(): ReadonlySet<string> | undefined {
    const actions = this.syncedFor?.facts.allowedActions ?? this.connections.serverFacts?.allowedActions;
    return actions ? new Set(actions.map((name) => name.toLowerCase())) : undefined;
  }

  private rows(): PbxRow[] {
    if (!this.sync) return [];
    return buildPbxTree(this.sync.state, this.allowed(), { connection: this.connections.activeProfile?.name, stats: this.sync.stats, now: Date.now() });
  }

  /** Starts a sync once connected with known permissions; stops it on loss. */
  private update(): void {
    const client = this.connections.connection;
    const facts = this.connections.serverFacts;
    const enabled = vscode.workspace.getConfiguration('ami.live').get<boolean>('enabled', true);
    const connected = client !== undefined && this.connections.isConnected;
    if (!connected) this.staleFacts = facts;
    const ready = enabled && connected && facts !== undefined && facts !== this.staleFacts;
    if (!ready) {
      if (this.sync) this.stopSync();
      return;
    }
    if (this.syncedFor?.client === client && this.syncedFor.facts === facts) return;
    this.stopSync();
    const profile = this.connections.activeProfile;
    const refreshSeconds = vscode.workspace.getConfiguration('ami.live').get<number>('refreshSeconds', 300);
    this.syncedFor = { client, facts };
    const sync = new LiveSync({
      connection: client,
      allowedActions: this.allowed(),
      connectionName: profile?.name,
      refreshMs: refreshSeconds * 1000,
      publish: (delta) => {
        this.publish(delta).catch((error: unknown) => this.connections.log.warn(`live values not sent to the language server: ${String(error)}`));
      },
      onChange: () => this.provider.refresh(),
      log: (line) => this.connections.info(line),
    });
    this.sync = sync;
    void vscode.commands.executeCommand('setContext', 'ami.pbx.connected', true);
    sync.start().then(
      () => this.connections.info(`live: ${sync.state.channels.size} channels, ${sync.state.dialplan.size} contexts, ${sync.state.queues.size} queues (${sync.stats.resyncActions} lists read)`),
      (error: unknown) => this.connections.log.warn(`live resync failed: ${String(error)}`),
    );
    this.updateTicker();
  }

  private stopSync(): void {
    this.sync?.stop();
    this.sync = undefined;
    this.syncedFor = undefined;
    void vscode.commands.executeCommand('setContext', 'ami.pbx.connected', false);
    this.provider.refresh();
  }

  /** While the view is visible, ages and durations move once a second. */
  private updateTicker(): void {
    const want = this.view.visible && this.sync !== undefined;
    if (want && !this.ticker) this.ticker = setInterval(() => this.provider.refresh(), 1000);
    else if (!want && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  /** A row action: insert the block (default) or run it after Run Block's confirmations. */
  async rowAction(id: RowActionId, row: PbxRow | undefined, mode?: RowActionMode): Promise<RunOutcome | 'inserted' | 'shown' | undefined> {
    if (!row?.target) {
      // The commands are only in the view's row menus (or a user's keybinding), so from a menu a missing row means
      // VS Code could not resolve it: the row's call came or went (its parent was redrawn) while the menu was open.
      void vscode.window.showInformationMessage('No row of the AMI: PBX view reached this action. Choose it from a row\'s menu in the view; if you just did, the view was redrawing its calls at that moment: choose it again.');
      return undefined;
    }
    if (!row.actions.includes(id)) {
      void vscode.window.showWarningMessage(`"${id}" is not offered for ${row.label}: the connected user may not run it.`);
      return undefined;
    }
    if (id === 'showCall') {
      this.panel.show(false);
      if (row.target.linkedid) this.panel.showCall(row.target.linkedid);
      return 'shown';
    }
    const block = rowActionBlock(id, row.target);
    if (!block) return undefined;
    const chosen = mode ?? vscode.workspace.getConfiguration('ami.pbx').get<RowActionMode>('rowAction', 'insert');
    if (chosen === 'run') {
      const document = await vscode.workspace.openTextDocument(rowActionUri(id, block));
      if (document.languageId !== 'ami') await vscode.languages.setTextDocumentLanguage(document, 'ami');
      const script = getScript(document);
      const runnable = script.blocks[0];
      if (!runnable) return undefined;
      return this.runner.runOne(document, script, runnable, false);
    }
    await insertBlock(block);
    return 'inserted';
  }

  dispose(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.sync?.stop();
    for (const d of this.disposables) d.dispose();
  }
}

/** Inserts a block after the block under the cursor of the active `.ami` editor (or into a new script). */
async function insertBlock(block: string): Promise<void> {
  let editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'ami') {
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.languageId === 'ami');
    if (visible) editor = await vscode.window.showTextDocument(visible.document, visible.viewColumn);
    else {
      const document = await vscode.workspace.openTextDocument({ language: 'ami', content: block });
      await vscode.window.showTextDocument(document);
      return;
    }
  }
  const document = editor.document;
  const line = editor.selection.active.line;
  const current = getScript(document).blocks.find((b) => b.range.start.line <= line && line <= b.range.end.line);
  const at = current ? current.range.end.line + 1 : line;
  const position = at >= document.lineCount ? document.lineAt(document.lineCount - 1).range.end : new vscode.Position(at, 0);
  const atEnd = at >= document.lineCount;
  const text = atEnd ? `${document.getText().endsWith('\n') || document.getText() === '' ? '' : '\n'}\n${block}` : `\n${block}`;
  await editor.edit((edit) => edit.insert(position, text));
  const insertedAt = atEnd ? position.line + (text.startsWith('\n\n') ? 2 : 1) : at + 1;
  const cursor = new vscode.Position(Math.min(insertedAt + 1, editor.document.lineCount - 1), 0);
  editor.selection = new vscode.Selection(cursor, cursor);
  editor.revealRange(new vscode.Range(cursor, cursor));
}

/** Live values for the language server (`ami/setLiveValues`) and the PBX view, on the run features' connections. */
export function registerLiveFeatures(context: vscode.ExtensionContext, client: LanguageClient, run: RunFeatures): LiveController {
  const live = new LiveController(run.connections, run.runner, run.panel, (delta) =>
    client.isRunning() ? client.sendNotification(LiveValuesNotification.type, delta) : Promise.resolve(),
  );
  context.subscriptions.push(live);
  return live;
}
