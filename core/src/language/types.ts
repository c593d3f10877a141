import type {
  CodeAction,
  CompletionList,
  Diagnostic,
  DocumentSymbol,
  FoldingRange,
  FormattingOptions,
  Hover,
  LocationLink,
  Position,
  Range,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LiveIndex } from '../live/liveIndex';

/** What the language features need to know beyond the text. */
export interface LanguageSettings {
  /** Target Asterisk branch (`ami.asteriskVersion`); defaults to the catalogue's newest. */
  asteriskVersion?: string;
  /**
   * Actions the connected user may run (from ListCommands), lower-cased. Undefined when not connected:
   * then nothing is flagged for permission.
   */
  allowedActions?: ReadonlySet<string>;
  /** Variables of the active connection profile (resolve `{{name}}`). */
  profileVariables?: Readonly<Record<string, string>>;
  /** Most diagnostics listed per document before one summary (default MAX_DIAGNOSTICS); Infinity lists all. */
  maxDiagnostics?: number;
  /** Values of the connected server (channels, dialplan, queues...); undefined or empty when not connected. */
  live?: LiveIndex;
  /** Information diagnostics against the live values (`ami.live.diagnostics`, default true). */
  liveDiagnostics?: boolean;
  /** Clock for the age of live values (tests); defaults to Date.now. */
  now?: () => number;
}

/**
 * The `.ami` language features as plain functions over a TextDocument: LSP types in and out,
 * no transport, no editor (the vscode-css-languageservice shape).
 */
export interface LanguageService {
  doValidation(document: TextDocument, settings?: LanguageSettings): Diagnostic[];
  /**
   * doValidation in slices of work: `pause` is awaited between slices (so a server can answer requests) and
   * resolves false to stop (a newer version came); then the result is undefined. The parse is cached as getScript's.
   */
  doValidationInSlices(document: TextDocument, settings: LanguageSettings | undefined, pause: () => Promise<boolean>): Promise<Diagnostic[] | undefined>;
  doComplete(document: TextDocument, position: Position, settings?: LanguageSettings): CompletionList;
  doHover(document: TextDocument, position: Position, settings?: LanguageSettings): Hover | null;
  getCodeActions(document: TextDocument, range: Range, diagnostics: Diagnostic[], settings?: LanguageSettings): CodeAction[];
  findDocumentSymbols(document: TextDocument): DocumentSymbol[];
  getFoldingRanges(document: TextDocument): FoldingRange[];
  format(document: TextDocument, range: Range | undefined, options: FormattingOptions): TextEdit[];
  /** As links: the caller turns them into Locations (of `targetSelectionRange`) for clients without linkSupport. */
  findDefinition(document: TextDocument, position: Position): LocationLink[];
  prepareRename(document: TextDocument, position: Position): Range | null;
  doRename(document: TextDocument, position: Position, newName: string): WorkspaceEdit | null;
}
