/**
 * Drives the real language server (`node dist/server.js --stdio`, or `--node-ipc` as VS Code starts it) as an editor
 * would: a child process spoken to with vscode-languageserver-protocol's client side. Used by test/lsp/*.test.ts and
 * bench/lsp.ts.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_NODE_OPTIONS } from '../../protocol/src/serverLaunch';
import {
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  IPCMessageReader,
  IPCMessageWriter,
  InitializeRequest,
  InitializedNotification,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowMessageNotification,
  ShowMessageRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type ClientCapabilities,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
} from 'vscode-languageserver-protocol/node';

/**
 * The Node options the server is started with: those editors use (protocol/src/serverLaunch.ts), or
 * AMI_LSP_NODE_FLAGS instead, to compare runtime settings in the bench (an empty value starts plain `node`).
 */
export function serverNodeFlags(): string[] {
  const setting = process.env.AMI_LSP_NODE_FLAGS;
  return setting === undefined ? [...SERVER_NODE_OPTIONS] : setting.split(' ').filter((flag) => flag.length > 0);
}

/** The bundled server; AMI_LSP_SERVER points elsewhere (e.g. a server built from a branch) for the bench. */
export const serverPath = process.env.AMI_LSP_SERVER ?? join(__dirname, '..', '..', 'dist', 'server.js');

/** Default deadline for one awaited server event; generous because CI machines are shared and slow. */
const defaultWaitLimitMs = 20_000;

interface DiagnosticsWaiter {
  uri: string;
  accept: (params: PublishDiagnosticsParams) => boolean;
  resolve: (params: PublishDiagnosticsParams) => void;
}

/** What the VS Code client announces (vscode-languageclient 11) for the features the server has. */
export const vscodeCapabilities: ClientCapabilities = {
  workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true },
    completion: {
      completionItem: {
        snippetSupport: true,
        documentationFormat: ['markdown', 'plaintext'],
        deprecatedSupport: true,
        tagSupport: { valueSet: [1] },
        resolveSupport: { properties: ['documentation', 'detail', 'additionalTextEdits'] },
      },
      completionList: { itemDefaults: ['commitCharacters', 'editRange', 'insertTextFormat', 'insertTextMode', 'data'] },
    },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    definition: { linkSupport: true },
    rename: { prepareSupport: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
  },
};

/** The VS Code client's initializationOptions (client/src/languageClient.ts). */
export const vscodeInitializationOptions = { clientCommands: ['editor.action.triggerSuggest'] };

/** One server process and the client end of its connection. */
export class LspSession {
  readonly connection: ProtocolConnection;
  /** `ami` settings answered to workspace/configuration; change them, then call changeConfiguration(). */
  settings: Record<string, unknown> = {};
  /** Every window/logMessage and showMessage text, in order. */
  readonly logs: Array<{ type: number; message: string }> = [];
  readonly registrations: string[] = [];
  /** Deadline for one awaited server event (the bench raises it for its 20 MB file on a loaded machine). */
  waitLimitMs = defaultWaitLimitMs;
  private readonly latestDiagnostics = new Map<string, PublishDiagnosticsParams>();
  private waiters: DiagnosticsWaiter[] = [];
  private readonly versions = new Map<string, number>();
  private exited: Promise<number | null>;
  stderr = '';

  private constructor(
    readonly child: ChildProcess,
    transport: 'stdio' | 'ipc',
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.connection =
      transport === 'ipc'
        ? createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child))
        : createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.connection.onRequest(ConfigurationRequest.type, (params) =>
      params.items.map((item) => (item.section === 'ami' || item.section === undefined ? this.settings : null)),
    );
    this.connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(...params.registrations.map((registration) => registration.method));
    });
    this.connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params);
    });
    this.connection.onNotification(ShowMessageNotification.type, (params) => {
      this.logs.push(params);
    });
    this.connection.onRequest(ShowMessageRequest.type, (params) => {
      this.logs.push(params);
      return null;
    });
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.latestDiagnostics.set(params.uri, params);
      const ready = this.waiters.filter((waiter) => waiter.uri === params.uri && waiter.accept(params));
      this.waiters = this.waiters.filter((waiter) => !ready.includes(waiter));
      for (const waiter of ready) waiter.resolve(params);
    });
    this.connection.listen();
  }

  /** Spawns the server over stdio; call initialize() next. */
  static start(extraArgs: string[] = []): LspSession {
    if (!existsSync(serverPath)) throw new Error(`${serverPath} is missing: run "npm run build" first`);
    const child = spawn(process.execPath, [...serverNodeFlags(), serverPath, '--stdio', ...extraArgs], { stdio: ['pipe', 'pipe', 'pipe'] });
    return new LspSession(child, 'stdio');
  }

  /** Forks the server with Node's IPC channel (`--node-ipc`), the transport VS Code's client uses; then initialize(). */
  static startIpc(): LspSession {
    if (!existsSync(serverPath)) throw new Error(`${serverPath} is missing: run "npm run build" first`);
    // stdout is not read over IPC: ignored, so nothing the server prints there can fill a pipe and stall it.
    const child = fork(serverPath, ['--node-ipc'], { execArgv: serverNodeFlags(), stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    return new LspSession(child, 'ipc');
  }

  get pid(): number {
    return this.child.pid!;
  }

  /**
   * initialize + initialized. By default with the capabilities and initialization options the VS Code client
   * (vscode-languageclient 11) announces for the features under test; `capabilities` replaces them (another
   * editor), and then `initializationOptions` is all the server gets.
   */
  async initialize(
    settings: Record<string, unknown> = {},
    {
      configurationPull = true,
      initializationOptions,
      capabilities,
    }: { configurationPull?: boolean; initializationOptions?: unknown; capabilities?: ClientCapabilities } = {},
  ): Promise<InitializeResult> {
    this.settings = settings;
    const vscode = capabilities === undefined;
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: null,
      initializationOptions: vscode ? { ...vscodeInitializationOptions, ...(initializationOptions as object | undefined) } : initializationOptions,
      capabilities: capabilities ?? {
        ...vscodeCapabilities,
        workspace: configurationPull ? vscodeCapabilities.workspace : {},
      },
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  /** Opens a document; the server validates it at once. */
  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'ami', version: 1, text },
    });
  }

  /** Replaces `range` with `text` (incremental sync); returns the new version. */
  async edit(uri: string, range: Range, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range, text }],
    });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Tells the server the settings changed (it pulls them again with workspace/configuration). */
  async changeConfiguration(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { ami: settings } });
  }

  /** The next diagnostics published for `uri` that `accept` agrees with (optionally: already received ones). */
  diagnostics(
    uri: string,
    accept: (params: PublishDiagnosticsParams) => boolean = () => true,
    { includeLatest = false }: { includeLatest?: boolean } = {},
  ): Promise<PublishDiagnosticsParams> {
    const latest = this.latestDiagnostics.get(uri);
    if (includeLatest && latest && accept(latest)) return Promise.resolve(latest);
    return new Promise((resolve, reject) => {
      const waiter: DiagnosticsWaiter = { uri, accept, resolve };
      this.waiters.push(waiter);
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        reject(new Error(`no matching diagnostics for ${uri} within ${this.waitLimitMs} ms; latest: ${JSON.stringify(this.latestDiagnostics.get(uri))}`));
      }, this.waitLimitMs);
      waiter.resolve = (params) => {
        clearTimeout(timer);
        resolve(params);
      };
    });
  }

  /** Diagnostics for exactly `version` of `uri`. */
  diagnosticsFor(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    return this.diagnostics(uri, (params) => params.version === version, { includeLatest: true });
  }

  /** Resolves with the exit code once the process has ended. */
  get exit(): Promise<number | null> {
    return this.exited;
  }

  /** shutdown + exit; resolves with the exit code. */
  async shutdown(): Promise<number | null> {
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    return this.exited;
  }

  /** True while the process runs. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Ends the process whatever its state (for `after`). */
  dispose(): void {
    this.connection.dispose();
    if (this.alive) this.child.kill('SIGKILL');
  }
}

/** A diagnostic's message as text (LSP 3.18 also allows Markdown). */
export function messageOf(diagnostic: Diagnostic): string {
  return typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
}

/** Diagnostic codes as strings, for assertions. */
export function codesOf(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => String(diagnostic.code));
}

/** The position of the `offset`-th character of `text` (LSP line/character, UTF-16). */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** The position right after the first occurrence of `marker` in `text`. */
export function positionAfter(text: string, marker: string): { line: number; character: number } {
  const offset = text.indexOf(marker);
  if (offset < 0) throw new Error(`"${marker}" is not in the text`);
  return positionAt(text, offset + marker.length);
}
