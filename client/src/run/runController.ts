/**
 * Runs blocks from the editor: trust check, connection, variables, confirmation of dangerous actions and of
 * state-changing actions on production profiles, then the core runner; the result goes next to the block
 * (inline decoration) and to the panel.
 */
import * as vscode from 'vscode';
import { getScript } from '../../../core/src/script/scriptCache';
import type { Block, Script } from '../../../core/src/script/types';
import { namedResultOf, type BlockRunResult } from '../../../core/src/run/runner';
import { isReadOnlyAction } from '../../../core/src/safety/actionKinds';
import { fileVariableValues, substituteHeaders, type NamedResult } from '../../../core/src/run/variables';
import { blockAsCode, CODE_TARGETS, type CodeTarget } from './codeExport';
import type { RunHistory } from './history';
import { runScript } from '../../../core/src/run/scriptRunner';
import type { ExpectationOutcome } from '../../../core/src/expect/types';
import type { RunView } from '../../../protocol/src/webviewMessages';
import { ConnectionManager } from '../connections/connectionManager';
import { describeTarget, type ConnectionProfile } from '../../../core/src/profiles/profiles';
import type { PanelHost } from '../panel/panelHost';
import { assessRisk } from './risk';
import { EXPECT_DIAGNOSTIC_CODE, EXPECT_DIAGNOSTIC_SOURCE, expectationViews, expectMarks, expectProblems, expectSummary, isConnectionFailure, runOutcome, type RunOutcome } from './expectView';

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
/** Run ids stay unique across restarts (the history keeps runs of earlier sessions). */
const SESSION_ID = Date.now().toString(36);

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
    private readonly history?: RunHistory,
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
      runs = { named: new Map(), decorations: new Map(), expectations: new Map(), blockCount: getScript(document).blocks.length };
      this.documents.set(key, runs);
    }
    return runs;
  }

  /** Forgets the inline results and Problems entries of runs (of one document, or of all). */
  clearResults(document?: vscode.TextDocument): void {
    const keys = document ? [document.uri.toString()] : [...this.documents.keys()];
    for (const key of keys) {
      const runs = this.documents.get(key);
      if (!runs) continue;
      runs.decorations.clear();
      runs.expectations.clear();
      this.expectDiagnostics.delete(vscode.Uri.parse(key));
    }
    if (!document) this.expectDiagnostics.clear();
    for (const editor of vscode.window.visibleTextEditors) this.redraw(editor);
    this.updateTicker();
  }

  /** Runs blocks in order; stops at the first one that does not pass when `stopOnFailure`. */
  async runBlocks(document: vscode.TextDocument, blocks: Block[], options: { withEvents?: boolean; stopOnFailure?: boolean } = {}): Promise<RunOutcome[]> {
    return this.runWithEngine(document, getScript(document), blocks, options.withEvents === true, options.stopOnFailure !== false);
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
    // While the client waits to retry, a run tries at once rather than failing with a stale countdown.
    if (!this.connections.isConnected) {
      const connected = this.connections.isReconnecting ? await this.connections.retryNow() : await this.connections.connect();
      if (!connected) {
        // An earlier ✔ would claim the block still works: its marks say it was not sent (the toast says why).
        for (const block of blocks) {
          if (!block.action) continue;
          this.setExpectations(document, block.index, undefined);
          this.setDecoration(document, block.index, 'refused', `⊘ not sent: not connected (${this.connections.downReason})`);
        }
        return ['refused'];
      }
    }
    const client = this.connections.connection;
    const profile = this.connections.activeProfile;
    if (!client || !profile) return ['refused'];

    const runs = this.runsOf(document);
    const config = vscode.workspace.getConfiguration('ami.run', document.uri);
    const timeoutMs = config.get<number>('timeoutSeconds', 10) * 1000;
    const followMs = withEvents ? config.get<number>('followEventsSeconds', 30) * 1000 : 0;
    const views = new Map<Block, RunView>();
    /** The card last shown per block, so its expectations can be updated as they are decided. */
    const shown = new Map<Block, RunView>();
    const showExpectations = (block: Block, outcomes: readonly ExpectationOutcome[]): void => {
      const last = shown.get(block);
      const expectations = expectationViews(outcomes);
      if (!last || expectations.length === 0) return;
      const updated = (last.actionId ? this.panel.tracker.patch(last.actionId, (run) => ({ ...run, expectations })) : undefined) ?? { ...last, expectations };
      shown.set(block, updated);
      this.panel.showRun(updated);
    };
    const refusedBySecret = new Set<Block>();
    // A virtual document (a PBX view row action) is named by its path, not by a URI that carries the whole block.
    const documentName = document.uri.scheme === 'file' || document.isUntitled ? vscode.workspace.asRelativePath(document.uri) : document.uri.path.replace(/^\//, '');
    const sourceOf = (block: Block): string => `${documentName}:${(block.actionHeader ?? block).range.start.line + 1}`;

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
        complete: result.complete,
        listIncomplete: result.listIncomplete,
      };
      view = this.panel.tracker.track(view, followMs);
      this.panel.showRun(view);
      shown.set(block, view);
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
          id: `run-${SESSION_ID}-${++runCounter}`, title, action: block.action ?? '', source: sourceOf(block), connection: profile.name, actionId: '',
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
        showExpectations(block, outcomes);
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
        const connectionLost = isConnectionFailure(result);
        if (connectionLost) {
          // Nothing was checked: a lost connection is not an expectation failure (no Problems entry).
          this.setExpectations(document, block.index, undefined);
        } else {
          showExpectations(block, blockReport.outcomes);
          this.setExpectations(document, block.index, { outcomes: blockReport.outcomes, startedAt: runs.expectations.get(block.index)?.startedAt ?? Date.now() });
        }
        if (connectionLost && result) {
          this.setDecoration(document, block.index, 'failed', `✘ ${result.errorCode === 'not-connected' ? 'not sent' : 'connection lost'}: ${this.connections.downReason}`);
        } else if (result && result.status !== 'refused') {
          const status = blockReport.verdict === 'passed' ? 'success' : result.status === 'success' ? 'failed' : result.status;
          this.setDecoration(document, block.index, status, this.summary(result) + expectSummary(blockReport.outcomes));
        } else {
          const reason = blockReport.reason ?? 'not sent';
          this.setDecoration(document, block.index, 'refused', `⊘ ${reason.length > 100 ? `${reason.slice(0, 97)}...` : reason}`);
        }
        this.connections.info(`run ${block.action ?? '?'} (${sourceOf(block)}) → ${blockReport.verdict}${blockReport.reason ? `: ${blockReport.reason}` : ''}`);
        const final = shown.get(block) ?? (pending ? { ...pending, status: 'refused' as const, error: blockReport.reason } : undefined);
        if (final && this.history && !refusedBySecret.has(block)) {
          const latest = (final.actionId ? this.panel.tracker.get(final.actionId) : undefined) ?? final;
          const text = document.getText(new vscode.Range(block.range.start.line, 0, block.range.end.line, block.range.end.character));
          void this.history.record(latest, document.uri.toString(), block.index, text);
        }
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

  /**
   * "Copy as code": the block with its variables resolved (profile, file, earlier named results, $env, $prompt)
   * as code for the picked library, on the clipboard. The secret is never in it. Resolves with the code, or
   * undefined when cancelled or a variable did not resolve (said in a message).
   */
  async copyAsCode(document: vscode.TextDocument, block: Block, target?: CodeTarget): Promise<string | undefined> {
    if (!block.action || !block.actionHeader) {
      void vscode.window.showErrorMessage(`Block ${block.index + 1} has no "Action:" line to copy as code.`);
      return undefined;
    }
    const profile = this.connections.activeProfile;
    if (!profile) {
      void vscode.window.showInformationMessage('Pick a connection first ("AMI: Select Connection"): the code connects to its host and user.');
      return undefined;
    }
    const chosen =
      target ??
      (await vscode.window.showQuickPick(CODE_TARGETS.map((entry) => ({ label: entry.label, detail: entry.detail, target: entry.target })), {
        placeHolder: `Copy ${block.action} as code for ${describeTarget(profile)} (the secret is read from AMI_SECRET)`,
      }))?.target;
    if (!chosen) return undefined;
    const script = getScript(document);
    const fileVariables = fileVariableValues(script.fileVariables);
    const substituted = await substituteHeaders(
      block.headers.map((h) => [h.name, h.value] as [string, string]),
      {
        named: this.namedResults(this.runsOf(document)),
        fileVariables,
        profileVariables: profile.variables,
        env: (name) => process.env[name],
        prompt: (label) => Promise.resolve(vscode.window.showInputBox({ title: label, prompt: `Value for {{$prompt ${label}}}`, ignoreFocusOut: true })),
      },
    );
    if (!substituted.ok) {
      void vscode.window.showErrorMessage(`Not copied: ${substituted.errors.map((e) => `${e.header}: ${e.error}`).join('; ')}`);
      return undefined;
    }
    const code = blockAsCode(chosen, substituted.headers, profile);
    await vscode.env.clipboard.writeText(code);
    const label = CODE_TARGETS.find((entry) => entry.target === chosen)?.label ?? chosen;
    void vscode.window.showInformationMessage(`Copied ${block.action} as ${label} (variables resolved; the secret is read from AMI_SECRET, never copied).`);
    return code;
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
    const script = getScript(event.document);
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
    const script = getScript(document);
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
    const blockCount = getScript(document).blocks.length;
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
    const script = getScript(editor.document);
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
