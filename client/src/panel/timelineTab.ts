/**
 * One call's timeline in its own editor tab (the panel beside the editor is too narrow for lanes and labels).
 * The same webview bundle in timeline mode: it gets the event window the panel keeps, then every live batch,
 * and selects its call. Messages from it are validated like the panel's.
 */
import * as vscode from 'vscode';
import { packEvents, parseFromWebview, type ToWebview } from '../../../protocol/src/webviewMessages';
import type { PanelHost } from './panelHost';

const VIEW_TYPE = 'ami.callTimeline';

export class TimelineTabs implements vscode.Disposable {
  private readonly open = new Map<string, vscode.WebviewPanel>();

  constructor(private readonly panel: PanelHost) {}

  /** Opens (or reveals) the tab of the call with this Linkedid. */
  show(linkedid: string): vscode.WebviewPanel {
    const existing = this.open.get(linkedid);
    if (existing) {
      existing.reveal(undefined, false);
      return existing;
    }
    const tab = vscode.window.createWebviewPanel(VIEW_TYPE, `Call ${linkedid}`, { viewColumn: vscode.ViewColumn.One, preserveFocus: false }, this.panel.webviewOptions());
    tab.webview.html = this.panel.pageHtml(tab.webview, 'timeline', linkedid);
    this.open.set(linkedid, tab);
    let ready = false;
    const post = (message: ToWebview): void => {
      if (ready) void tab.webview.postMessage(message);
    };
    const subscriptions = [
      this.panel.onDidFlushEvents((events) => post({ type: 'events', events, counters: { droppedBySession: this.panel.log.droppedBySession } })),
      tab.webview.onDidReceiveMessage(async (raw: unknown) => {
        const parsed = parseFromWebview(raw);
        if (!parsed.ok) return;
        const message = parsed.value;
        if (message.type === 'ready') {
          ready = true;
          const snapshot = this.panel.log.snapshot();
          post({ type: 'reset', runs: [], events: packEvents(snapshot.events), counters: { droppedBySession: this.panel.log.droppedBySession }, docs: snapshot.docs });
        } else if (message.type === 'copy') {
          await vscode.env.clipboard.writeText(message.text);
          post({ type: 'notice', level: 'info', text: 'Copied to the clipboard.' });
        } else if (message.type === 'saveFile') {
          await this.panel.saveFile(message.format, message.name, message.data, post);
        }
      }),
      tab.onDidChangeViewState(() => {
        if (!tab.visible) ready = false;
      }),
    ];
    tab.onDidDispose(() => {
      for (const subscription of subscriptions) subscription.dispose();
      this.open.delete(linkedid);
    });
    return tab;
  }

  /** Linkedids of the open tabs (tests). */
  get openCalls(): string[] {
    return [...this.open.keys()];
  }

  dispose(): void {
    for (const tab of this.open.values()) tab.dispose();
    this.open.clear();
  }
}
