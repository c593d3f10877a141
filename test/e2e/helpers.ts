/** Shared helpers for the suites that run inside the extension host. */
import * as vscode from 'vscode';
import type { AmiExtensionApi } from '../../client/src/extension';

/** `publisher.name` from package.json. */
export const extensionId = 'ami-workbench.ami-workbench';

/** The extension under test (it is always loaded: the suite runs as its extensionTestsPath). */
export function amiExtension(): vscode.Extension<AmiExtensionApi> {
  const extension = vscode.extensions.getExtension<AmiExtensionApi>(extensionId);
  if (!extension) throw new Error(`extension ${extensionId} is not loaded: check publisher and name in package.json`);
  return extension;
}

/** Whether package.json contributes a command: suites for features that are not built yet are not registered. */
export function contributesCommand(command: string): boolean {
  const contributes = amiExtension().packageJSON.contributes as { commands?: Array<{ command: string }> } | undefined;
  return (contributes?.commands ?? []).some((entry) => entry.command === command);
}

/** URI of a file in the first workspace folder. */
export function workspaceFile(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the end-to-end tests need a workspace folder (test/e2e/fixtures/workspace)');
  return vscode.Uri.joinPath(folder.uri, relativePath);
}

/** Opens a workspace file in an editor. */
export async function openWorkspaceFile(relativePath: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(relativePath));
  return vscode.window.showTextDocument(document);
}

let untitledCount = 0;

/**
 * Opens an untitled `.ami` document with `content`, under a name never used before in this run. VS Code reuses
 * `untitled:Untitled-N` once the previous one is closed, and on a loaded machine the new document was restored from
 * the closed one's hot-exit backup instead of `content` (seen: "Action: Orig" came back for "Action: DBGet\n").
 */
export async function openAmiText(content: string): Promise<vscode.TextEditor> {
  untitledCount += 1;
  const uri = vscode.Uri.from({ scheme: 'untitled', path: `e2e-${process.pid}-${untitledCount}.ami` });
  let document = await vscode.workspace.openTextDocument(uri);
  if (document.languageId !== 'ami') document = await vscode.languages.setTextDocumentLanguage(document, 'ami');
  const editor = await vscode.window.showTextDocument(document);
  const inserted = await editor.edit((builder) => builder.insert(new vscode.Position(0, 0), content));
  if (!inserted || editor.document.getText() !== content) {
    throw new Error(`${uri.toString()} holds ${JSON.stringify(editor.document.getText())}, not ${JSON.stringify(content)}`);
  }
  return editor;
}

/** Position of the first occurrence of `text` in the document (offset `delta` characters into it). */
export function positionOf(document: vscode.TextDocument, text: string, delta = 0): vscode.Position {
  const offset = document.getText().indexOf(text);
  if (offset < 0) throw new Error(`"${text}" is not in ${document.uri.toString()}`);
  return document.positionAt(offset + delta);
}

/**
 * Re-evaluates `probe` until it returns something other than undefined; fails after `timeoutMs` naming what was
 * awaited and the last error. Used where the editor offers no event to await (no fixed sleeps).
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? `: last error ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Resolves with the document's diagnostics once `accept` returns true for them (event driven). */
export async function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: readonly vscode.Diagnostic[]) => boolean,
  timeoutMs = 15_000,
): Promise<readonly vscode.Diagnostic[]> {
  const current = vscode.languages.getDiagnostics(uri);
  if (accept(current)) return current;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      const seen = vscode.languages.getDiagnostics(uri).map((d) => `${String(typeof d.code === 'object' ? d.code.value : (d.code ?? ''))} ${d.message}`);
      reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for diagnostics on ${uri.path}; have: ${JSON.stringify(seen)}`));
    }, timeoutMs);
    const listener = vscode.languages.onDidChangeDiagnostics((event) => {
      if (!event.uris.some((changed) => changed.toString() === uri.toString())) return;
      const diagnostics = vscode.languages.getDiagnostics(uri);
      if (!accept(diagnostics)) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(diagnostics);
    });
  });
}

/** Plain text of hover contents (MarkdownString or MarkedString). */
export function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

/** Closes every editor, discarding unsaved edits (keeps one test's edits out of the next; never prompts). */
export async function closeAllEditors(): Promise<void> {
  const tabCount = (): number => vscode.window.tabGroups.all.reduce((sum, group) => sum + group.tabs.length, 0);
  for (let remaining = tabCount(); remaining > 0; remaining -= 1) {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** The AMI server the runner started for this suite (from `AMI_E2E_SIMULATOR`), if any. */
export interface SimulatorTarget {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** A secret the simulator rejects (the runner also checks that it never reaches a log). */
  wrongSecret: string;
}

/** Name of the connection profile the runner seeds in the user settings. */
export const simulatorProfileName = 'simulator';

/** The simulator target, or undefined when the runner did not start one. */
export function simulatorTarget(): SimulatorTarget | undefined {
  const raw = process.env.AMI_E2E_SIMULATOR;
  return raw ? (JSON.parse(raw) as SimulatorTarget) : undefined;
}

type WindowFunctions = Record<string, (...args: unknown[]) => unknown>;

/**
 * Replaces a `vscode.window` function for the extension too (the extension host gives one API object per
 * extension, and these tests run as part of the extension under test). Returns the calls seen and a restore.
 */
export function stubWindow(name: keyof typeof vscode.window, answer: (...args: unknown[]) => unknown): { calls: unknown[][]; restore(): void } {
  const target = vscode.window as unknown as WindowFunctions;
  const original = target[name];
  const calls: unknown[][] = [];
  target[name] = (...args: unknown[]) => {
    calls.push(args);
    return answer(...args);
  };
  return { calls, restore: () => void (target[name] = original) };
}

/** Stores the simulator's secret and connects its profile (for tests that are about something else). */
export async function connectToSimulator(api: AmiExtensionApi, target: SimulatorTarget): Promise<void> {
  const profile = api.run.connections.profiles().find((candidate) => candidate.name === simulatorProfileName);
  if (!profile) throw new Error(`no "${simulatorProfileName}" profile in ami.connections: the runner seeds it`);
  await api.run.connections.storeSecret(profile.name, target.secret);
  if (!(await api.run.connections.connect(profile))) throw new Error(`could not connect to the simulator at ${target.host}:${target.port}`);
}
