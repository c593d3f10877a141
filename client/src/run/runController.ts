/**
 * Runs blocks from the editor: trust check, connection, variables, confirmation of dangerous actions and of
 * state-changing actions on production profiles, then the core runner; the result goes next to the block
 * (inline decoration) and to the panel.
 */
import * as vscode from 'vscode';
import { parseScript } from '../../../core/src/script/parser';
import type { Block, Script } from '../../../core/src/script/types';
import { namedResultOf, type BlockRunResult } from '../../../core/src/run/runner';
import { isReadOnlyAction } from '../../../core/src/safety/actionKinds';
import type { NamedResult } from '../../../core/src/run/variables';
import { runScript } from '../../../core/src/run/scriptRunner';
import type { ExpectationOutcome } from '../../../core/src/expect/types';
import type { RunView } from '../../../protocol/src/webviewMessages';
import { ConnectionManager } from '../connections/connectionManager';
import { describeTarget, type ConnectionProfile } from '../../../core/src/profiles/profiles';
import type { PanelHost } from '../panel/panelHost';
import { assessRisk } from './risk';
import { EXPECT_DIAGNOSTIC_CODE, EXPECT_DIAGNOSTIC_SOURCE, expectMarks, expectProblems, expectSummary, runOutcome, type RunOutcome } from './expectView';

export type { RunOutcome } from './expectView';

/** A block's expectation outcomes as last known (pending ones still being waited for). */
interface ExpectState {
  outcomes: ExpectationOutcome[];
  startedAt: number;
}

interface DecorationEntry {
  blockIndex: number;
  text: string;
  status: RunView['status'];
}

/** Per document: named results and the decorations to draw. */
interface DocumentRuns {
  named: Map<string, { result: BlockRunResult; actionId: string }>;
  decorations: Map<number, DecorationEntry>;
  /** Expectation outcomes per block index (inline marks and Problems entries). */
  expectations: Map<number, ExpectState>;
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
  private readonly expectDecorationType = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', fontStyle: 'italic' },
  });
  /** Failed expectations, in the Problems view. */
  readonly expectDiagnostics = vscode.languages.createDiagnosticCollection('ami-expect');
  /** Redraws pending expectations once a second so their elapsed time moves. */
  private pendingTicker: ReturnType<typeof setInterval> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly connections: ConnectionManager,
    private readonly panel: PanelHost,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((editor) => this.redraw(editor))),
      vscode.workspace.onDidChangeTextDocument((event) => {
        this.forgetEdited(event);
        for (const editor of vscode.window.visibleTextEditors) if (editor.document === event.document) this.redraw(editor);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.documents.delete(document.uri.toString());
        this.expectDiagnostics.delete(document.uri);
      }),
    );
  }

  private runsOf(document: vscode.TextDocument): DocumentRuns {
    const key = document.uri.toString();
    let runs = this.documents.get(key);
    if (!runs) {
      runs = { named: new Map(), decorations: new Map(), expectations: new Map(), blockCount: parseScript(document.getText()).blocks.length };
      this.documents.set(key, runs);
    }
    return runs;
  }

  /** Runs blocks in order; stops at the first one that does not pass when `stopOnFailure`. */
  async runBlocks(document: vscode.TextDocument, blocks: Block[], options: { withEvents?: boolean; stopOnFailure?: boolean } = {}): Promise<RunOutcome[]> {
    return this.runWithEngine(document, parseScript(document.getText()), blocks, options.withEvents === true, options.stopOnFailure !== false);
  }

  /** Runs one block of a document (the block as parsed now). */
  async runOne(document: vscode.TextDocument, script: Script, block: Block, withEvents: boolean): Promise<RunOutcome> {
    const [outcome] = await this.runWithEngine(document, script, [block], withEvents, true);
    return outcome ?? 'refused';
  }

  /**
   * The one engine for Run Block, Run Selection and Run File: core's `runScript` (the CLI's), so named results
   * chain, a block waits for a named block's late event, and `@expect` lines are checked. The editor adds the
   * trust check, confirmations, the panel, inline marks and the Problems entries.
   */
  private async runWithEngine(document: vscode.TextDocument, script: Script, blocks: Block[], withEvents: boolean, stopOnFailure: boolean): Promise<RunOutcome[]> {
    if (!ConnectionManager.checkTrust()) return ['refused'];
    const first = blocks[0];
    if (!first) return [];
    if (blocks.length === 1 && (!first.action || !first.actionHeader)) {
      void vscode.window.showErrorMessage(`Block ${first.index + 1} cannot run: its first header must be "Action:".`);
      return ['refused'];
    }
    // While reconnecting, the send below fails at once saying when the next attempt is (no extra attempt).
    if (!this.connections.isConnected && !this.connections.isReconnecting) {
      const connected = await this.connections.connect();
      if (!connected) return ['refused'];
    }
    const client = this.connections.connection;
    const profile = this.connections.activeProfile;
    if (!client || !profile) return ['refused'];

    const runs = this.runsOf(document);
    const config = vscode.workspace.getConfiguration('ami.run', document.uri);
    const timeoutMs = config.get<number>('timeoutSeconds', 10) * 1000;
    const followMs = withEvents ? config.get<number>('followEventsSeconds', 30) * 1000 : 0;
    const views = new Map<Block, RunView>();
    const refusedBySecret = new Set<Block>();
    const sourceOf = (block: Block): string => `${vscode.workspace.asRelativePath(document.uri)}:${(block.actionHeader ?? block).range.start.line + 1}`;

    /** The block's answer: into the panel (tracked for its events), the named results and the summary mark. */
    const showAnswer = (block: Block, result: BlockRunResult): void => {
      const pending = views.get(block);
      if (!pending) return;
      let view: RunView = {
        ...pending,
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
      views.delete(block);
      if (block.name && result.actionId) runs.named.set(block.name, { result, actionId: result.actionId });
      this.setDecoration(document, block.index, result.status, this.summary(result));
    };

    const report = await runScript(script, client, {
      blocks,
      timeoutMs,
      chainWaitMs: Math.max(5000, timeoutMs),
      continueOnFailure: !stopOnFailure,
      named: this.namedResults(runs),
      sources: {
        profileVariables: profile.variables,
        env: (name) => process.env[name],
        prompt: (label) => Promise.resolve(vscode.window.showInputBox({ title: label, prompt: `Value for {{$prompt ${label}}}`, ignoreFocusOut: true })),
      },
      shouldStop: () => this.connections.connection !== client,
      beforeSend: async (block, headers) => {
        const secretLine = block.headers.find((h) => /^(secret|key)$/i.test(h.name));
        if (secretLine || /^(login|challenge)$/i.test(block.action ?? '')) {
          refusedBySecret.add(block);
          void vscode.window.showErrorMessage(
            `Block ${block.index + 1} is not sent: ${secretLine ? `a "${secretLine.name}:" line` : `"${block.action}"`} would put a secret in the file. The connection logs in for you with the password from "AMI: Set Password".`,
          );
          return false;
        }
        // Confirmation sees the headers as they will be sent: a {{variable}} cannot hide a dangerous value.
        return this.confirm(block.action ?? '', headers, profile);
      },
      onBlockStart: (block) => {
        const title = block.title || block.name || block.action || `block ${block.index + 1}`;
        const pendingView: RunView = {
          id: `run-${++runCounter}`, title, action: block.action ?? '', source: sourceOf(block), connection: profile.name, actionId: '',
          startedAt: Date.now(), status: 'pending', sent: block.headers.map((h) => [h.name, h.value]), items: [], events: [],
        };
        views.set(block, pendingView);
        this.setExpectations(document, block.index, block.expectations.length > 0 ? { outcomes: [], startedAt: Date.now() } : undefined);
        this.setDecoration(document, block.index, 'pending', '… running');
        this.panel.showRun(pendingView);
        if (vscode.workspace.getConfiguration('ami.panel').get<boolean>('revealOnRun', true)) this.panel.show(true);
      },
      onBlockProgress: (block, result, outcomes) => {
        showAnswer(block, result);
        this.setExpectations(document, block.index, { outcomes: [...outcomes], startedAt: runs.expectations.get(block.index)?.startedAt ?? Date.now() });
      },
      onBlockDone: (blockReport) => {
        const block = blocks.find((b) => b.index === blockReport.index);
        if (!block) return;
        const result = blockReport.run;
        if (result) showAnswer(block, result);
        const pending = views.get(block);
        if (pending) {
          // Not sent (unresolved variable, bad @expect...): the panel and the block say why.
          views.delete(block);
          this.panel.showRun({ ...pending, status: 'refused', error: blockReport.reason });
        }
        this.setExpectations(document, block.index, { outcomes: blockReport.outcomes, startedAt: runs.expectations.get(block.index)?.startedAt ?? Date.now() });
        if (result && result.status !== 'refused') {
          const status = blockReport.verdict === 'passed' ? 'success' : result.status === 'success' ? 'failed' : result.status;
          this.setDecoration(document, block.index, status, this.summary(result) + expectSummary(blockReport.outcomes));
        } else {
          const reason = blockReport.reason ?? 'not sent';
          this.setDecoration(document, block.index, 'refused', `⊘ ${reason.length > 100 ? `${reason.slice(0, 97)}...` : reason}`);
        }
        this.connections.info(`run ${block.action ?? '?'} (${sourceOf(block)}) → ${blockReport.verdict}${blockReport.reason ? `: ${blockReport.reason}` : ''}`);
        if (!refusedBySecret.has(block) && !result?.cancelled && (blockReport.verdict === 'error' || result?.status === 'failed')) {
          void vscode.window.showErrorMessage(`${block.action ?? `Block ${block.index + 1}`}: ${blockReport.reason ?? result?.error ?? blockReport.verdict}`);
        }
      },
    });

    const outcomes: RunOutcome[] = [];
    for (const blockReport of report.blocks) {
      if (blockReport.verdict === 'skipped') break;
      const block = blocks.find((b) => b.index === blockReport.index);
      outcomes.push(block && refusedBySecret.has(block) ? 'refused' : runOutcome(blockReport));
    }
    const skipped = report.blocks.filter((b) => b.verdict === 'skipped').length;
    const stoppedAt = report.blocks[outcomes.length - 1];
    if (skipped > 0 && stoppedAt) {
      void vscode.window.showWarningMessage(
        `Stopped: block ${stoppedAt.index + 1} (${stoppedAt.action || 'no action'}) did not pass; ${skipped} block(s) not run. Set "ami.run.stopOnFailure" to false to run on.`,
      );
    }
    return outcomes;
  }

  /** Named results of earlier runs in this document; their events are read live from the panel's tracker. */
  private namedResults(runs: DocumentRuns): Map<string, NamedResult> {
    const named = new Map<string, NamedResult>();
    const tracker = this.panel.tracker;
    for (const [name, entry] of runs.named) {
      const base = namedResultOf(entry.result, []);
      named.set(name, {
        ...base,
        get events() {
          return tracker.get(entry.actionId)?.events ?? [];
        },
      });
    }
    return named;
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

  /** Records a block's expectation outcomes (undefined forgets them) and redraws marks and Problems entries. */
  private setExpectations(document: vscode.TextDocument, blockIndex: number, state: ExpectState | undefined): void {
    const runs = this.runsOf(document);
    if (state) runs.expectations.set(blockIndex, state);
    else runs.expectations.delete(blockIndex);
    this.publish(document);
    for (const editor of vscode.window.visibleTextEditors) if (editor.document === document) this.redraw(editor);
    this.updateTicker();
  }

  /** An edited block's results no longer describe its text: its marks and Problems entries go. */
  private forgetEdited(event: vscode.TextDocumentChangeEvent): void {
    const runs = this.documents.get(event.document.uri.toString());
    if (!runs || event.contentChanges.length === 0 || (runs.expectations.size === 0 && runs.decorations.size === 0)) return;
    const script = parseScript(event.document.getText());
    if (script.blocks.length !== runs.blockCount) {
      runs.decorations.clear();
      runs.expectations.clear();
      runs.blockCount = script.blocks.length;
    } else {
      for (const change of event.contentChanges) {
        const first = change.range.start.line;
        const last = first + change.text.split('\n').length - 1;
        for (const block of script.blocks) {
          if (block.range.start.line <= last && first <= block.range.end.line) {
            runs.expectations.delete(block.index);
            runs.decorations.delete(block.index);
          }
        }
      }
    }
    this.publish(event.document);
  }

  /** Problems entries for every failed expectation of the document. */
  private publish(document: vscode.TextDocument): void {
    const runs = this.documents.get(document.uri.toString());
    if (!runs || runs.expectations.size === 0) {
      this.expectDiagnostics.delete(document.uri);
      return;
    }
    const script = parseScript(document.getText());
    const diagnostics: vscode.Diagnostic[] = [];
    for (const [blockIndex, state] of runs.expectations) {
      const block = script.blocks[blockIndex];
      if (!block) continue;
      for (const problem of expectProblems(block, state.outcomes)) {
        const diagnostic = new vscode.Diagnostic(
          new vscode.Range(problem.line, problem.startCharacter, problem.line, problem.endCharacter),
          problem.message,
          vscode.DiagnosticSeverity.Error,
        );
        diagnostic.source = EXPECT_DIAGNOSTIC_SOURCE;
        diagnostic.code = EXPECT_DIAGNOSTIC_CODE;
        diagnostics.push(diagnostic);
      }
    }
    this.expectDiagnostics.set(document.uri, diagnostics);
  }

  private updateTicker(): void {
    const pending = [...this.documents.values()].some((runs) =>
      [...runs.expectations.values()].some((state) => state.outcomes.some((outcome) => outcome.status === 'pending')),
    );
    if (pending && !this.pendingTicker) {
      this.pendingTicker = setInterval(() => {
        for (const editor of vscode.window.visibleTextEditors) this.redraw(editor);
      }, 1000);
    } else if (!pending && this.pendingTicker) {
      clearInterval(this.pendingTicker);
      this.pendingTicker = undefined;
    }
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
    if (!runs || (runs.decorations.size === 0 && runs.expectations.size === 0)) {
      editor.setDecorations(this.decorationType, []);
      editor.setDecorations(this.expectDecorationType, []);
      return;
    }
    const script = parseScript(editor.document.getText());
    if (script.blocks.length !== runs.blockCount) {
      // A block was added or removed: results could land on the wrong block, so they are dropped.
      runs.decorations.clear();
      runs.expectations.clear();
      runs.blockCount = script.blocks.length;
      editor.setDecorations(this.decorationType, []);
      editor.setDecorations(this.expectDecorationType, []);
      this.publish(editor.document);
      return;
    }
    const marks: vscode.DecorationOptions[] = [];
    const now = Date.now();
    for (const [blockIndex, state] of runs.expectations) {
      const block = script.blocks[blockIndex];
      if (!block) continue;
      for (const mark of expectMarks(block, state.outcomes, now - state.startedAt)) {
        const end = editor.document.lineAt(mark.line).range.end;
        const color = new vscode.ThemeColor(mark.status === 'pass' ? 'testing.iconPassed' : mark.status === 'fail' ? 'testing.iconFailed' : 'descriptionForeground');
        marks.push({ range: new vscode.Range(end, end), hoverMessage: mark.message, renderOptions: { after: { contentText: mark.text, color } } });
      }
    }
    editor.setDecorations(this.expectDecorationType, marks);
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
    this.expectDecorationType.dispose();
    this.expectDiagnostics.dispose();
    if (this.pendingTicker) clearInterval(this.pendingTicker);
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
