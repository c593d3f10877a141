/**
 * Runs blocks from the editor: trust check, connection, variables, confirmation of dangerous actions and of
 * state-changing actions on production profiles, then the core runner; the result goes next to the block
 * (inline decoration) and to the panel.
 */
import * as vscode from 'vscode';
import { parseScript } from '../../../core/src/script/parser';
import type { Block, Script } from '../../../core/src/script/types';
import { runBlock, namedResultOf, type BlockRunResult } from '../../../core/src/run/runner';
import { isReadOnlyAction } from '../../../core/src/run/actionKinds';
import type { NamedResult, VariableSources } from '../../../core/src/run/variables';
import type { RunView } from '../../../protocol/src/webviewMessages';
import { ConnectionManager } from '../connections/connectionManager';
import { describeTarget, type ConnectionProfile } from '../connections/profiles';
import type { PanelHost } from '../panel/panelHost';
import { assessRisk } from './risk';

export type RunOutcome = 'success' | 'error' | 'failed' | 'refused' | 'cancelled';

interface DecorationEntry {
  blockIndex: number;
  text: string;
  status: RunView['status'];
}

/** Per document: named results and the decorations to draw. */
interface DocumentRuns {
  named: Map<string, { result: BlockRunResult; actionId: string }>;
  decorations: Map<number, DecorationEntry>;
  /** Blocks in the document when the decorations were made: if it changes, indices no longer match. */
  blockCount: number;
}

let runCounter = 0;

export class RunController implements vscode.Disposable {
  private readonly documents = new Map<string, DocumentRuns>();
  private readonly decorationType = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', fontStyle: 'italic' },
    isWholeLine: false,
  });
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly connections: ConnectionManager,
    private readonly panel: PanelHost,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((editor) => this.redraw(editor))),
      vscode.workspace.onDidChangeTextDocument((event) => {
        for (const editor of vscode.window.visibleTextEditors) if (editor.document === event.document) this.redraw(editor);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.documents.delete(document.uri.toString())),
    );
  }

  private runsOf(document: vscode.TextDocument): DocumentRuns {
    const key = document.uri.toString();
    let runs = this.documents.get(key);
    if (!runs) {
      runs = { named: new Map(), decorations: new Map(), blockCount: parseScript(document.getText()).blocks.length };
      this.documents.set(key, runs);
    }
    return runs;
  }

  /** Runs blocks in order; stops at the first one that does not succeed when `stopOnFailure`. */
  async runBlocks(document: vscode.TextDocument, blocks: Block[], options: { withEvents?: boolean; stopOnFailure?: boolean } = {}): Promise<RunOutcome[]> {
    const outcomes: RunOutcome[] = [];
    const script = parseScript(document.getText());
    for (const block of blocks) {
      const outcome = await this.runOne(document, script, block, options.withEvents === true);
      outcomes.push(outcome);
      if (outcome !== 'success' && options.stopOnFailure !== false) {
        const left = blocks.length - outcomes.length;
        if (left > 0) void vscode.window.showWarningMessage(`Stopped: block ${block.index + 1} (${block.action ?? 'no action'}) did not succeed; ${left} block(s) not run. Set "ami.run.stopOnFailure" to false to run on.`);
        break;
      }
    }
    return outcomes;
  }

  /** Runs one block of a document (the block as parsed now). */
  async runOne(document: vscode.TextDocument, script: Script, block: Block, withEvents: boolean): Promise<RunOutcome> {
    if (!ConnectionManager.checkTrust()) return 'refused';
    if (!block.action || !block.actionHeader) {
      void vscode.window.showErrorMessage(`Block ${block.index + 1} cannot run: its first header must be "Action:".`);
      return 'refused';
    }
    const secretLine = block.headers.find((h) => /^(secret|key)$/i.test(h.name));
    if (secretLine || /^(login|challenge)$/i.test(block.action)) {
      void vscode.window.showErrorMessage(
        `Block ${block.index + 1} is not sent: ${secretLine ? `a "${secretLine.name}:" line` : `"${block.action}"`} would put a secret in the file. The connection logs in for you with the password from "AMI: Set Password".`,
      );
      return 'refused';
    }
    // While reconnecting, the send below fails at once saying when the next attempt is (no extra attempt).
    if (!this.connections.isConnected && !this.connections.isReconnecting) {
      const connected = await this.connections.connect();
      if (!connected) return 'refused';
    }
    const client = this.connections.connection;
    const profile = this.connections.activeProfile;
    if (!client || !profile) return 'refused';
    const headers: Array<[string, string]> = block.headers.map((h) => [h.name, h.value]);

    const runs = this.runsOf(document);
    const id = `run-${++runCounter}`;
    const source = `${vscode.workspace.asRelativePath(document.uri)}:${block.actionHeader.range.start.line + 1}`;
    const title = block.title || block.name || block.action;
    const startedAt = Date.now();
    this.setDecoration(document, block.index, 'pending', '… running');
    const pendingView: RunView = {
      id, title, action: block.action, source, connection: profile.name, actionId: '', startedAt,
      status: 'pending', sent: headers, items: [], events: [],
    };
    this.panel.showRun(pendingView);
    if (vscode.workspace.getConfiguration('ami.panel').get<boolean>('revealOnRun', true)) this.panel.show(true);

    const sources = this.variableSources(script, runs, profile);
    const timeoutMs = vscode.workspace.getConfiguration('ami.run').get<number>('timeoutSeconds', 10) * 1000;
    // Confirmation sees the headers as they will be sent: a {{variable}} cannot hide a dangerous value.
    const action = block.action;
    const result = await runBlock(headers, sources, client, {
      timeoutMs,
      beforeSend: (resolved) => this.confirm(action, resolved, profile),
    });
    const followMs = withEvents ? vscode.workspace.getConfiguration('ami.run').get<number>('followEventsSeconds', 30) * 1000 : 0;
    let view: RunView = {
      ...pendingView,
      actionId: result.actionId,
      userActionId: result.userActionId,
      durationMs: result.durationMs,
      status: result.status,
      error: result.error,
      sent: result.sent,
      response: result.response,
      items: result.items,
      listIncomplete: result.listIncomplete,
    };
    view = this.panel.tracker.track(view, followMs);
    this.panel.showRun(view);
    if (block.name && result.actionId) runs.named.set(block.name, { result, actionId: result.actionId });
    this.setDecoration(document, block.index, result.status, this.summary(result));
    this.connections.info(`run ${block.action} (${source}) → ${result.status}${result.error ? `: ${result.error}` : ''}`);
    if (result.cancelled) return 'cancelled';
    if (result.status === 'refused' || result.status === 'failed') void vscode.window.showErrorMessage(`${block.action}: ${result.error ?? result.status}`);
    return result.status;
  }

  private summary(result: BlockRunResult): string {
    const parts: string[] = [];
    const mark = result.status === 'success' ? '✔' : result.status === 'refused' ? '⊘' : '✘';
    const response = result.response?.find(([n]) => n.toLowerCase() === 'response')?.[1];
    parts.push(`${mark} ${response ?? result.status}`);
    if (result.durationMs !== undefined) parts.push(`${Math.round(result.durationMs)} ms`);
    if (result.items.length > 0 || result.response?.some(([n, v]) => n.toLowerCase() === 'eventlist' && v.toLowerCase() === 'start')) {
      parts.push(`${result.items.length} item${result.items.length === 1 ? '' : 's'}`);
    }
    if (result.listIncomplete) parts.push('list incomplete');
    if (result.error && result.status !== 'success') parts.push(result.error.length > 80 ? `${result.error.slice(0, 77)}...` : result.error);
    return parts.join(' · ');
  }

  private variableSources(script: Script, runs: DocumentRuns, profile: ConnectionProfile): VariableSources {
    const named = new Map<string, NamedResult>();
    for (const [name, entry] of runs.named) {
      const events = this.panel.tracker.get(entry.actionId)?.events ?? [];
      named.set(name, namedResultOf(entry.result, events));
    }
    const fileVariables: Record<string, string> = {};
    for (const variable of script.fileVariables) fileVariables[variable.name] = variable.value;
    return {
      named,
      fileVariables,
      profileVariables: profile.variables,
      env: (name) => process.env[name],
      prompt: (label) => Promise.resolve(vscode.window.showInputBox({ title: label, prompt: `Value for {{$prompt ${label}}}`, ignoreFocusOut: true })),
    };
  }

  /** Asks before dangerous actions and before state-changing actions on production profiles. */
  private async confirm(action: string, headers: ReadonlyArray<readonly [string, string]>, profile: ConnectionProfile): Promise<boolean> {
    const reasons: string[] = [];
    const risk = assessRisk(action, headers);
    if (risk) reasons.push(risk);
    if (profile.production && !isReadOnlyAction(action)) reasons.push(`"${profile.name}" is a production connection and ${action} changes state.`);
    if (reasons.length === 0) return true;
    const send = `Send ${action}`;
    const answer = await vscode.window.showWarningMessage(
      `Send ${action} to ${describeTarget(profile)} (connection "${profile.name}")?`,
      { modal: true, detail: reasons.join('\n') },
      send,
    );
    return answer === send;
  }

  private setDecoration(document: vscode.TextDocument, blockIndex: number, status: RunView['status'], text: string): void {
    const runs = this.runsOf(document);
    const blockCount = parseScript(document.getText()).blocks.length;
    if (blockCount !== runs.blockCount) {
      runs.decorations.clear();
      runs.blockCount = blockCount;
    }
    runs.decorations.set(blockIndex, { blockIndex, status, text });
    for (const editor of vscode.window.visibleTextEditors) if (editor.document === document) this.redraw(editor);
  }

  private redraw(editor: vscode.TextEditor): void {
    const runs = this.documents.get(editor.document.uri.toString());
    if (!runs || runs.decorations.size === 0) {
      editor.setDecorations(this.decorationType, []);
      return;
    }
    const script = parseScript(editor.document.getText());
    if (script.blocks.length !== runs.blockCount) {
      // A block was added or removed: results could land on the wrong block, so they are dropped.
      runs.decorations.clear();
      runs.blockCount = script.blocks.length;
      editor.setDecorations(this.decorationType, []);
      return;
    }
    const options: vscode.DecorationOptions[] = [];
    for (const entry of runs.decorations.values()) {
      const block = script.blocks[entry.blockIndex];
      const line = block?.actionHeader?.range.start.line;
      if (line === undefined) continue;
      const end = editor.document.lineAt(line).range.end;
      const color =
        entry.status === 'success'
          ? new vscode.ThemeColor('testing.iconPassed')
          : entry.status === 'pending'
            ? new vscode.ThemeColor('descriptionForeground')
            : new vscode.ThemeColor('testing.iconFailed');
      options.push({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: entry.text, color } } });
    }
    editor.setDecorations(this.decorationType, options);
  }

  dispose(): void {
    this.decorationType.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Blocks with an action whose range meets any of the selections (all blocks of the line for an empty one). */
export function blocksInSelections(script: Script, selections: readonly vscode.Selection[]): Block[] {
  return script.blocks.filter((block) =>
    block.action !== undefined &&
    selections.some((selection) => selection.start.line <= block.range.end.line && selection.end.line >= block.range.start.line),
  );
}
