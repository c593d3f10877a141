/**
 * The LSP adapter: wires a connection to core's LanguageService. Holds documents, settings and the live-server
 * info, schedules diagnostics, and keeps every handler from taking the process down on a bad document or request.
 */
import {
  CodeActionKind,
  DiagnosticSeverity,
  MarkupKind,
  DidChangeConfigurationNotification,
  ErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type CompletionItem,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type Position,
  type Range,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LanguageService, LanguageSettings } from '../../core/src/language/types';
import { RenameError } from '../../core/src/language/navigation';
import { DiagnosticCode } from '../../core/src/language/diagnosticCodes';
import { LiveIndex } from '../../core/src/live/liveIndex';
import { LIVE_KINDS, type LiveKind, type LiveValue, type LiveValueKey, type LiveValuesDelta } from '../../core/src/live/types';
import { LiveServerInfoNotification, LiveValuesNotification, type LiveServerInfoParams } from '../../protocol/src/lspExtensions';
import { getCatalogue } from '../../core/src/catalogue/index';
import { targetBranch } from '../../core/src/catalogue/queries';
import { releaseLastMatch } from '../../core/src/text/detach';
import { clientFeaturesOf, minimalClientFeatures, type ClientFeatures } from './clientFeatures';
import { CompletionShaper } from './completionShaper';
import { DiagnosticsScheduler } from './diagnosticsScheduler';
import { lineDocuments } from './lineDocument';
import { markdownToPlainText } from './plainText';
import { SettingsStore } from './settingsStore';

/** Characters after which the client should ask for completions. */
export const completionTriggerCharacters = [':', ' ', '{', '@', '=', '('];

/** Options for {@link startLanguageServer}. */
export interface LanguageServerOptions {
  /** Delay between the last change and the diagnostics run, in ms (opening a document validates at once). */
  diagnosticsDelayMs?: number;
  /** Reported in `serverInfo`. */
  version?: string;
  /** Least time between two revalidations caused by live values, in ms (default 2000). */
  liveRevalidateMs?: number;
}

/**
 * Registers every handler on `connection` and starts listening.
 * The connection may come from `createConnection(ProposedFeatures.all)` (IPC or `--stdio`) or from a test.
 */
export function startLanguageServer(
  connection: Connection,
  service: LanguageService,
  options: LanguageServerOptions = {},
): void {
  // Lines, not one string: a keystroke in a large file rebuilds only the lines it touches (lineDocument.ts).
  const documents = new TextDocuments(lineDocuments);
  const settings = new SettingsStore(connection);
  let live: LiveServerInfoParams = {};
  let liveAllowedActions: ReadonlySet<string> | undefined;
  const liveIndex = new LiveIndex();
  let liveRevalidateTimer: ReturnType<typeof setTimeout> | undefined;
  let lastLiveRevalidate = 0;
  let features: ClientFeatures = minimalClientFeatures;
  let completionShaper = new CompletionShaper(features);

  const logError = (feature: string, error: unknown): void => {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    connection.console.error(`${feature} failed: ${detail}`);
  };

  /** Runs a handler; on an exception logs it and answers `fallback`, so a bad input never kills the server. */
  const guard =
    <P, R>(feature: string, fallback: R, run: (params: P, token: CancellationToken) => R | Promise<R>) =>
    async (params: P, token: CancellationToken): Promise<R> => {
      try {
        return await run(params, token);
      } catch (error) {
        if (error instanceof ResponseError) throw error;
        logError(feature, error);
        return fallback;
      }
    };

  /** Effective language settings of a document: its `ami.*` settings, overridden by the live server. */
  const languageSettings = async (uri: string): Promise<LanguageSettings> => {
    const documentSettings = await settings.forDocument(uri);
    const liveBranch = settings.checkBranch(live.branch, 'the connected server');
    const effective: LanguageSettings = {
      asteriskVersion: liveBranch ?? documentSettings.asteriskVersion,
      allowedActions: liveAllowedActions,
      profileVariables: live.profileVariables ?? undefined,
      live: liveIndex,
      liveDiagnostics: documentSettings.liveDiagnostics,
    };
    settings.reportBranch(
      targetBranch(getCatalogue(), effective.asteriskVersion),
      effective.asteriskVersion,
      liveBranch !== undefined ? 'the connected server' : documentSettings.source,
    );
    return effective;
  };

  /** The latest validation started per document: an older one still running stops at its next pause. */
  const validationRuns = new Map<string, number>();
  let validationCount = 0;

  /** Live values change often (every call): documents are revalidated at most every liveRevalidateMs. */
  const revalidateForLive = (): void => {
    if (liveRevalidateTimer) return;
    const gap = options.liveRevalidateMs ?? 2000;
    const wait = Math.max(0, lastLiveRevalidate + gap - Date.now());
    liveRevalidateTimer = setTimeout(() => {
      liveRevalidateTimer = undefined;
      lastLiveRevalidate = Date.now();
      revalidateAll();
    }, wait);
  };

  const validate = async (document: TextDocument): Promise<void> => {
    const uri = document.uri;
    const version = document.version;
    const run = ++validationCount;
    validationRuns.set(uri, run);
    const current = (): TextDocument | undefined => {
      const latest = documents.get(uri);
      return latest && latest.version === version && validationRuns.get(uri) === run ? latest : undefined;
    };
    if (!current()) return; // a newer version is scheduled
    const documentSettings = await languageSettings(uri);
    const latest = current();
    if (!latest) return;
    // In slices with a turn of the event loop between them, so requests are answered while a large file is
    // checked; a newer version (or run) stops this one.
    const sliced = await service.doValidationInSlices(latest, documentSettings, () => new Promise<boolean>((resolve) => setImmediate(() => resolve(current() !== undefined))));
    if (!sliced || !current()) return;
    // In the editor the confirmation dialog guards a dangerous action; a Problems entry on every Command block
    // that never goes away is noise, so it is a hint (a marker with its hover). `ami lint` keeps it a warning.
    const diagnostics = sliced.map((diagnostic) => (diagnostic.code === DiagnosticCode.dangerousAction ? { ...diagnostic, severity: DiagnosticSeverity.Hint } : diagnostic));
    validationRuns.delete(uri);
    scheduler.markValidated(uri, version);
    await connection.sendDiagnostics({ uri, version, diagnostics });
  };

  const scheduler = new DiagnosticsScheduler(options.diagnosticsDelayMs ?? 150, (uri) => {
    const document = documents.get(uri);
    if (!document) return;
    validate(document).catch((error: unknown) => logError(`Diagnostics of ${uri}`, error));
  });

  const revalidateAll = (): void => {
    for (const document of documents.all()) scheduler.runNow(document.uri);
  };

  /** The open document `uri`, or undefined; requests for unknown documents answer their empty result. */
  const documentOf = (uri: string): TextDocument | undefined => documents.get(uri);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    settings.initialize(params);
    features = clientFeaturesOf(params);
    completionShaper = new CompletionShaper(features);
    const prepareSupport = params.capabilities.textDocument?.rename?.prepareSupport === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: completionTriggerCharacters, resolveProvider: completionShaper.resolves },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentSymbolProvider: { label: 'AMI' },
        foldingRangeProvider: true,
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        definitionProvider: true,
        renameProvider: prepareSupport ? { prepareProvider: true } : true,
      },
      serverInfo: { name: 'ami-language-server', version: options.version },
    };
  });

  connection.onInitialized(() => {
    if (settings.canRegisterConfigurationChange) {
      // Lets clients that only send didChangeConfiguration on registration (Neovim, Helix) tell us about edits.
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'ami' });
    }
  });

  connection.onDidChangeConfiguration((params) => {
    try {
      settings.configurationChanged(params.settings);
      revalidateAll();
    } catch (error) {
      logError('Configuration change', error);
    }
  });

  // By method name: the server's vscode-languageserver carries its own copy of the protocol package.
  connection.onNotification(LiveServerInfoNotification.method, (params: unknown) => {
    try {
      live = sanitizeLiveServerInfo(params);
      liveAllowedActions = live.allowedActions ? new Set(live.allowedActions.map((name) => name.toLowerCase())) : undefined;
      revalidateAll();
    } catch (error) {
      logError('Live server info', error);
    }
  });

  connection.onNotification(LiveValuesNotification.method, (params: unknown) => {
    try {
      liveIndex.apply(sanitizeLiveValues(params));
      revalidateForLive();
    } catch (error) {
      logError('Live values', error);
    }
  });

  documents.onDidOpen((event) => {
    scheduler.markValidated(event.document.uri, event.document.version);
    scheduler.runNow(event.document.uri);
  });
  documents.onDidChangeContent((event) => {
    // Opening fires this too; the open is validated by onDidOpen.
    if (!scheduler.isValidated(event.document.uri, event.document.version)) scheduler.schedule(event.document.uri);
  });
  documents.onDidClose((event) => {
    validationRuns.delete(event.document.uri);
    scheduler.forget(event.document.uri);
    settings.forget(event.document.uri);
    // The last regex run on the document's text would otherwise keep all of it alive (a 20 MB file: 20 MB more).
    releaseLastMatch();
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  connection.onCompletion(
    guard('Completion', null, async (params) => {
      checkLocation(params, 'position');
      const document = documentOf(params.textDocument.uri);
      if (!document) return null;
      const list = service.doComplete(document, params.position, await languageSettings(document.uri));
      const beforeCursor = document.getText({ start: { line: params.position.line, character: 0 }, end: params.position });
      return completionShaper.shape(list, { line: params.position.line, beforeCursor });
    }),
  );

  connection.onCompletionResolve((item: CompletionItem) => {
    try {
      return completionShaper.resolve(item);
    } catch (error) {
      logError('Completion resolve', error);
      return item;
    }
  });

  connection.onHover(
    guard('Hover', null, async (params) => {
      checkLocation(params, 'position');
      const document = documentOf(params.textDocument.uri);
      if (!document) return null;
      const hover = service.doHover(document, params.position, await languageSettings(document.uri));
      if (!hover || features.hoverMarkdown || typeof hover.contents !== 'object' || !('kind' in hover.contents)) return hover;
      return { ...hover, contents: { kind: MarkupKind.PlainText, value: markdownToPlainText(hover.contents.value) } };
    }),
  );

  connection.onCodeAction(
    guard('Code actions', [], async (params) => {
      checkLocation(params, 'range');
      const document = documentOf(params.textDocument.uri);
      if (!document) return [];
      const only = params.context.only;
      if (only && !only.some((kind) => CodeActionKind.QuickFix === kind || CodeActionKind.QuickFix.startsWith(`${kind}.`))) {
        return [];
      }
      const diagnostics = params.context.diagnostics.map((diagnostic) => ({
        ...diagnostic,
        // LSP 3.18 allows Markdown messages; the language service works with plain text.
        message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value,
      }));
      return service.getCodeActions(document, params.range, diagnostics, await languageSettings(document.uri));
    }),
  );

  connection.onDocumentSymbol(
    guard('Document symbols', [], (params) => {
      const document = documentOf(params.textDocument.uri);
      return document ? service.findDocumentSymbols(document) : [];
    }),
  );

  connection.onFoldingRanges(
    guard('Folding ranges', [], (params) => {
      const document = documentOf(params.textDocument.uri);
      return document ? service.getFoldingRanges(document) : [];
    }),
  );

  connection.onDocumentFormatting(
    guard('Formatting', [], (params) => {
      const document = documentOf(params.textDocument.uri);
      return document ? service.format(document, undefined, params.options) : [];
    }),
  );

  connection.onDocumentRangeFormatting(
    guard('Range formatting', [], (params) => {
      checkLocation(params, 'range');
      const document = documentOf(params.textDocument.uri);
      return document ? service.format(document, params.range, params.options) : [];
    }),
  );

  connection.onDefinition(
    guard('Definition', [], (params) => {
      checkLocation(params, 'position');
      const document = documentOf(params.textDocument.uri);
      if (!document) return [];
      const links = service.findDefinition(document, params.position);
      if (features.definitionLinks) return links;
      return links.map((link) => ({ uri: link.targetUri, range: link.targetSelectionRange }));
    }),
  );

  connection.onPrepareRename(
    guard('Prepare rename', null, (params) => {
      checkLocation(params, 'position');
      const document = documentOf(params.textDocument.uri);
      if (!document) return null;
      const range = service.prepareRename(document, params.position);
      if (!range) {
        throw new ResponseError(
          ErrorCodes.InvalidRequest,
          'Only file variables (`@name = value`, `{{name}}`) and named blocks (`# @name x`, `{{x.Header}}`) can be renamed: put the cursor on one.',
        );
      }
      return range;
    }),
  );

  connection.onRenameRequest(
    guard('Rename', null, (params) => {
      checkLocation(params, 'position');
      const document = documentOf(params.textDocument.uri);
      if (!document) return null;
      let edit: WorkspaceEdit | null;
      try {
        edit = service.doRename(document, params.position, params.newName);
      } catch (error) {
        // The message of a RenameError says what name to type instead: show it to the user.
        if (error instanceof RenameError) throw new ResponseError(ErrorCodes.InvalidParams, error.message);
        throw error;
      }
      if (!edit) {
        throw new ResponseError(
          ErrorCodes.InvalidRequest,
          `Cannot rename to "${params.newName}" here: put the cursor on a file variable or a named block, and use a name of letters, digits, "_" or "-".`,
        );
      }
      return edit;
    }),
  );

  documents.listen(connection);
  connection.listen();
}

function isPosition(value: unknown): value is Position {
  const position = value as Position | null | undefined;
  return (
    typeof position === 'object' &&
    position !== null &&
    Number.isInteger(position.line) &&
    Number.isInteger(position.character) &&
    position.line >= 0 &&
    position.character >= 0
  );
}

/** Rejects a request whose `position` (or `range`) is not LSP-shaped, saying which field is wrong. */
export function checkLocation(params: unknown, field: 'position' | 'range'): void {
  const value = (params as Record<string, unknown> | null | undefined)?.[field];
  const valid = field === 'position' ? isPosition(value) : isPosition((value as Range | undefined)?.start) && isPosition((value as Range | undefined)?.end);
  if (!valid) {
    const shape = field === 'position' ? '{ line, character }' : '{ start: { line, character }, end: { line, character } }';
    throw new ResponseError(ErrorCodes.InvalidParams, `"${field}" must be ${shape} with non-negative integers; got ${JSON.stringify(value)}.`);
  }
}

/** Keeps only well-typed fields of a client's live-server info (it is JSON from another process). */
export function sanitizeLiveServerInfo(params: unknown): LiveServerInfoParams {
  if (typeof params !== 'object' || params === null) return {};
  const raw = params as Record<string, unknown>;
  const info: LiveServerInfoParams = {};
  if (Array.isArray(raw.allowedActions)) {
    info.allowedActions = raw.allowedActions.filter((name): name is string => typeof name === 'string');
  }
  if (typeof raw.branch === 'string' || typeof raw.branch === 'number') info.branch = String(raw.branch);
  if (typeof raw.profileVariables === 'object' && raw.profileVariables !== null && !Array.isArray(raw.profileVariables)) {
    info.profileVariables = Object.fromEntries(
      Object.entries(raw.profileVariables).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  }
  return info;
}

const liveKinds = new Set<string>(LIVE_KINDS);

/** Keeps only well-typed entries of a client's live values (JSON from another process); bad entries are left out. */
export function sanitizeLiveValues(params: unknown): LiveValuesDelta {
  if (typeof params !== 'object' || params === null) return {};
  const raw = params as Record<string, unknown>;
  const delta: LiveValuesDelta = {};
  if (raw.reset === true) delta.reset = true;
  if (typeof raw.connection === 'string' || raw.connection === null) delta.connection = raw.connection;
  const isKind = (kind: unknown): kind is LiveKind => typeof kind === 'string' && liveKinds.has(kind);
  if (Array.isArray(raw.complete)) delta.complete = raw.complete.filter(isKind);
  if (typeof raw.dropped === 'object' && raw.dropped !== null) {
    delta.dropped = Object.fromEntries(Object.entries(raw.dropped).filter(([kind, count]) => isKind(kind) && typeof count === 'number'));
  }
  const optionalString = (value: unknown): value is string | undefined => value === undefined || typeof value === 'string';
  if (Array.isArray(raw.upsert)) {
    delta.upsert = raw.upsert.filter((entry): entry is LiveValue => {
      const value = entry as LiveValue | null;
      return (
        typeof value === 'object' && value !== null && isKind(value.kind) && typeof value.value === 'string' &&
        optionalString(value.scope) && optionalString(value.state) && optionalString(value.app) &&
        (value.since === undefined || typeof value.since === 'number') &&
        (value.facts === undefined || (Array.isArray(value.facts) && value.facts.every((fact) => Array.isArray(fact) && fact.length === 2 && fact.every((part) => typeof part === 'string'))))
      );
    });
  }
  if (Array.isArray(raw.remove)) {
    delta.remove = raw.remove.filter((entry): entry is LiveValueKey => {
      const key = entry as LiveValueKey | null;
      return typeof key === 'object' && key !== null && isKind(key.kind) && typeof key.value === 'string' && optionalString(key.scope);
    });
  }
  return delta;
}
