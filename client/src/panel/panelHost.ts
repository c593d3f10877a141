/**
 * Hosts the panel webview: CSP with a nonce, local resources from media/ and dist/ only, typed messages
 * validated both ways, and the event pump that drains the connection's bounded queue into the session log
 * and posts batches at most 10 times a second. retainContextWhenHidden is off: the extension keeps the data
 * (it needs it for "Save session" anyway) and replays it when the webview comes back; the webview keeps its
 * UI state with setState.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { getCatalogue } from '../../../core/src/catalogue';
import type { AmiClient } from '../../../node/src/amiClient';
import {
  packEvents,
  parseFromWebview,
  parseSavedSession,
  type EventBatch,
  type FromWebview,
  type RunView,
  type StreamFilter,
  type ToWebview,
} from '../../../protocol/src/webviewMessages';
import { makeNonce, renderPanelHtml } from './html';
import { fieldDocsOf, SessionLog } from './sessionLog';
import { RunTracker } from './runTracker';
import { EventPump } from './eventPump';

const VIEW_TYPE = 'ami.panel';
const FLUSH_MS = 100;
const MAX_SESSION_FILE_BYTES = 512 * 1024 * 1024;

/** What the panel needs from the connection side. */
export interface PanelConnection {
  readonly connection: AmiClient | undefined;
  readonly onDidChange: vscode.Event<void>;
  view(): import('../../../protocol/src/webviewMessages').ConnectionView | null;
  info(line: string): void;
}

export class PanelHost implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  readonly log: SessionLog;
  readonly tracker = new RunTracker();
  private readonly eventPump: EventPump;
  private readonly dirtyRuns = new Map<string, RunView>();
  private pump: NodeJS.Timeout | undefined;
  private offline: { name: string; runs: RunView[]; events: import('../../../protocol/src/webviewMessages').StreamEvent[] } | undefined;
  private ready = false;
  /** ami.panel.maxEvents: what the session log keeps, and so the webview too. */
  private readonly maxEvents: number;
  private pendingShowCall: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly batches = new vscode.EventEmitter<EventBatch>();
  /** Every batch of live events as it is flushed, packed for a webview (the call timeline tabs follow it). */
  readonly onDidFlushEvents = this.batches.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly connections: PanelConnection,
  ) {
    const capacity = vscode.workspace.getConfiguration('ami.panel').get<number>('maxEvents', 50_000);
    this.maxEvents = Math.max(1000, capacity);
    this.log = new SessionLog(this.maxEvents, (name) => fieldDocsOf(getCatalogue().event(name)?.fields));
    this.eventPump = new EventPump(this.log, this.tracker);
    this.disposables.push(connections.onDidChange(() => this.post({ type: 'connection', connection: connections.view() })));
    this.pump = setInterval(() => this.tick(), FLUSH_MS);
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => {
          this.adopt(panel);
        },
      }),
    );
  }

  /** Opens (or reveals) the panel beside the editor. */
  show(preserveFocus = true): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      'AMI Workbench',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      this.webviewOptions(),
    );
    this.adopt(panel);
  }

  /** The HTML of a webview of this extension (the panel, or one call's timeline tab). */
  pageHtml(webview: vscode.Webview, mode: 'panel' | 'timeline' = 'panel', call?: string): string {
    return renderPanelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce((size) => randomBytes(size)),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'media', 'panel.css')).toString(),
      extraStyleUris: [webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'media', 'timeline.css')).toString()],
      mode,
      call,
    });
  }

  webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'media'), vscode.Uri.joinPath(this.context.extensionUri, 'dist')],
    };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.webview.options = this.webviewOptions();
    const webview = panel.webview;
    webview.html = this.pageHtml(webview);
    const subscriptions = [
      webview.onDidReceiveMessage((message: unknown) => void this.handleMessage(message)),
      panel.onDidChangeViewState(() => {
        // A hidden webview is torn down (no retained context); it says "ready" again when shown.
        if (!panel.visible) this.ready = false;
      }),
    ];
    panel.onDidDispose(() => {
      for (const s of subscriptions) s.dispose();
      if (this.panel === panel) {
        this.panel = undefined;
        this.ready = false;
      }
    });
  }

  /** True when the panel exists. */
  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  private post(message: ToWebview): void {
    if (!this.panel || !this.ready) return;
    void this.panel.webview.postMessage(message);
  }

  /** Opens the timeline on one call (Linkedid); sent once the panel is ready. */
  showCall(linkedid: string): void {
    if (this.ready) this.post({ type: 'showCall', linkedid });
    else this.pendingShowCall = linkedid;
  }

  /** Adds or updates a run (shown at once; runs are rare compared to events). */
  showRun(run: RunView): void {
    this.log.upsertRun(run);
    if (!this.offline && this.panel && this.ready) this.post({ type: 'run', run, docs: this.log.takeDocs() });
  }

  /** Drains the connection's queue, routes events to runs, and flushes one batch to the webview. */
  private tick(): void {
    for (const run of this.eventPump.pump(this.connections.connection?.events)) this.dirtyRuns.set(run.id, run);
    for (const run of this.dirtyRuns.values()) this.showRun(run);
    this.dirtyRuns.clear();
    if (this.offline) return;
    const batch = this.log.takeBatch();
    if (!batch) return;
    // Packed once for the panel and every timeline tab.
    const events = packEvents(batch.events);
    this.batches.fire(events);
    if (this.panel && this.ready) {
      this.post({ type: 'events', events, counters: { droppedBySession: this.log.droppedBySession }, docs: batch.docs });
    }
  }

  private sendReset(): void {
    if (this.offline) {
      this.post({
        type: 'reset',
        runs: this.offline.runs,
        events: packEvents(this.offline.events),
        counters: { droppedBySession: 0 },
        docs: this.docsFor(this.offline.events.map((e) => e.name).concat(this.offline.runs.flatMap((r) => r.events.map((e) => e.name)))),
        offline: this.offline.name,
        maxEvents: this.maxEvents,
      });
      return;
    }
    const snapshot = this.log.takeSnapshot();
    this.post({ type: 'reset', ...snapshot, events: packEvents(snapshot.events), counters: { droppedBySession: this.log.droppedBySession }, maxEvents: this.maxEvents });
    this.post({ type: 'connection', connection: this.connections.view() });
  }

  private docsFor(names: string[]): Record<string, Record<string, string>> {
    const docs: Record<string, Record<string, string>> = {};
    for (const name of new Set(names.map((n) => n.toLowerCase()))) {
      const fields = fieldDocsOf(getCatalogue().event(name)?.fields);
      if (fields) docs[name] = fields;
    }
    return docs;
  }

  /** A run the panel knows (live, or of the saved session shown offline), by id. */
  findRun(runId: string): RunView | undefined {
    return this.offline?.runs.find((run) => run.id === runId) ?? this.log.runList.find((run) => run.id === runId);
  }

  /** Name of the saved session being shown offline, or undefined when live. */
  get offlineName(): string | undefined {
    return this.offline?.name;
  }

  /** Acts on a message from the webview after validating it (public so tests can drive the panel's actions). */
  async handleMessage(raw: unknown): Promise<void> {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      this.connections.info(`panel: ignored a malformed message: ${parsed.error}`);
      return;
    }
    const message: FromWebview = parsed.value;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sendReset();
        if (this.pendingShowCall !== undefined) this.post({ type: 'showCall', linkedid: this.pendingShowCall });
        this.pendingShowCall = undefined;
        break;
      case 'pushFilter':
        await this.pushFilter(message.filter);
        break;
      case 'copy':
        await vscode.env.clipboard.writeText(message.text);
        this.post({ type: 'notice', level: 'info', text: 'Copied to the clipboard.' });
        break;
      case 'saveSession':
        await this.saveSession();
        break;
      case 'openSession':
        await this.openSession();
        break;
      case 'clear':
        this.log.clearEvents();
        break;
      case 'goLive':
        this.offline = undefined;
        this.sendReset();
        break;
      case 'setEventMask':
        await this.setEventMask();
        break;
      case 'saveFile':
        await this.saveFile(message.format, message.name, message.data);
        break;
      case 'openTimeline':
        await vscode.commands.executeCommand('ami.openCallTimeline', message.linkedid);
        break;
      case 'openAsText':
        await vscode.commands.executeCommand('ami.openResultAsText', message.runId);
        break;
      default: {
        const unhandled: never = message;
        this.connections.info(`panel: unhandled message ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** Sends the panel's filter to Asterisk: one `Filter` action per term (Asterisk ORs whitelist filters). */
  private async pushFilter(filter: StreamFilter): Promise<void> {
    const client = this.connections.connection;
    if (!vscode.workspace.isTrusted || !client) {
      this.post({ type: 'notice', level: 'error', text: 'Not connected: connect first ("AMI: Connect") to push a filter to the server.' });
      return;
    }
    const filters = [
      ...filter.eventNames.map((name) => `Event: ${name}`),
      ...filter.headers.map(([name, value]) => `${name}: ${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    ];
    const answers: string[] = [];
    for (const text of filters) {
      try {
        const result = await client.send([
          ['Action', 'Filter'],
          ['Operation', 'Add'],
          ['Filter', text],
        ]);
        answers.push(`${text}: ${result.success ? 'added' : `refused (${result.response.get('Message') ?? 'error'})`}`);
      } catch (error) {
        answers.push(`${text}: not sent (${(error as Error).message})`);
      }
    }
    const failed = answers.some((a) => !a.endsWith('added'));
    this.post({
      type: 'notice',
      level: failed ? 'error' : 'info',
      text: `Server-side filter (lasts for this session; Asterisk passes an event that matches any filter): ${answers.join('; ')}`,
    });
  }

  /** Sends `Action: Events` with the classes the user picks (all, none, or some). */
  private async setEventMask(): Promise<void> {
    const client = this.connections.connection;
    if (!vscode.workspace.isTrusted || !client) {
      this.post({ type: 'notice', level: 'error', text: 'Not connected: connect first ("AMI: Connect") to change which events the server sends.' });
      return;
    }
    const all = 'All events (on)';
    const none = 'No events (off)';
    const classes = ['system', 'call', 'log', 'verbose', 'command', 'agent', 'user', 'config', 'dtmf', 'reporting', 'cdr', 'dialplan', 'originate', 'agi', 'cc', 'aoc', 'test', 'security', 'message'];
    const picked = await vscode.window.showQuickPick([all, none, ...classes], {
      canPickMany: true,
      title: 'Events the server sends to this session (Action: Events)',
      placeHolder: 'Pick "All", "No events", or some classes',
    });
    if (!picked || picked.length === 0) return;
    const mask = picked.includes(all) ? 'on' : picked.includes(none) ? 'off' : picked.join(',');
    try {
      const result = await client.send([
        ['Action', 'Events'],
        ['EventMask', mask],
      ]);
      this.post({
        type: 'notice',
        level: result.success ? 'info' : 'error',
        text: result.success ? `The server now sends: ${mask} (until reconnect).` : `Events refused: ${result.response.get('Message') ?? 'error'}`,
      });
    } catch (error) {
      this.post({ type: 'notice', level: 'error', text: `Events not sent: ${(error as Error).message}` });
    }
  }

  /** Saves a timeline export where the user picks (PNG arrives as base64); `reply` gets the notice (default: the panel). */
  async saveFile(format: 'svg' | 'png' | 'txt', name: string, data: string, reply: (message: ToWebview) => void = (m) => this.post(m)): Promise<void> {
    const labels = { svg: 'SVG picture', png: 'PNG picture', txt: 'Text' } as const;
    const target = await vscode.window.showSaveDialog({
      title: `Save the call timeline (${labels[format]})`,
      filters: { [labels[format]]: [format] },
      defaultUri: defaultSaveUri(name),
    });
    if (!target) return;
    try {
      await writeFile(target.fsPath, format === 'png' ? Buffer.from(data, 'base64') : data, format === 'png' ? undefined : 'utf8');
      reply({ type: 'notice', level: 'info', text: `Saved ${target.fsPath}` });
    } catch (error) {
      void vscode.window.showErrorMessage(`Could not save ${target.fsPath}: ${(error as Error).message}`);
    }
  }

  private async saveSession(): Promise<void> {
    const name = this.connections.view()?.name ?? 'offline';
    const target = await vscode.window.showSaveDialog({
      title: 'Save the AMI session (secrets redacted)',
      filters: { 'AMI session': ['json'] },
      defaultUri: defaultSaveUri(`ami-session-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    });
    if (!target) return;
    const saved = this.offline
      ? { format: 'ami-workbench-session' as const, version: 1 as const, savedAt: Date.now(), connection: this.offline.name, runs: this.offline.runs, events: this.offline.events }
      : this.log.toSaved(name);
    try {
      await writeFile(target.fsPath, JSON.stringify(saved, null, 1), 'utf8');
      this.post({ type: 'notice', level: 'info', text: `Saved ${saved.runs.length} runs and ${saved.events.length} events to ${target.fsPath}` });
    } catch (error) {
      void vscode.window.showErrorMessage(`Could not save the session to ${target.fsPath}: ${(error as Error).message}`);
    }
  }

  private async openSession(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({ title: 'Open a saved AMI session', filters: { 'AMI session': ['json'] }, canSelectMany: false });
    const file = picked?.[0];
    if (!file) return;
    try {
      const text = await readFile(file.fsPath, 'utf8');
      if (text.length > MAX_SESSION_FILE_BYTES) throw new Error('the file is larger than 512 MB');
      const parsed = parseSavedSession(JSON.parse(text));
      if (!parsed.ok) throw new Error(parsed.error);
      this.offline = { name: file.fsPath.split(/[\\/]/).pop() ?? file.fsPath, runs: parsed.value.runs, events: parsed.value.events };
      this.sendReset();
    } catch (error) {
      void vscode.window.showErrorMessage(`Could not open ${file.fsPath} as a saved AMI session: ${(error as Error).message}`);
    }
  }

  dispose(): void {
    this.batches.dispose();
    if (this.pump) clearInterval(this.pump);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Where a save dialog starts: the first workspace folder (a bare file name would mean the file system root), else home. */
export function defaultSaveUri(fileName: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder ? vscode.Uri.joinPath(folder, fileName) : vscode.Uri.file(join(homedir(), fileName));
}
