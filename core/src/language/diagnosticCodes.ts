/**
 * The stable codes of the `.ami` diagnostics (shown in the Problems view, matched by quick fixes and by users'
 * settings) and the data a diagnostic carries to its quick fix.
 */

/** The stable diagnostic codes. */
export const DiagnosticCode = {
  unknownAction: 'ami-unknown-action',
  actionNotInVersion: 'ami-action-not-in-version',
  actionNotAllowed: 'ami-action-not-allowed',
  actionCase: 'ami-action-case',
  missingAction: 'ami-missing-action',
  actionNotFirst: 'ami-action-not-first',
  textBeforeAction: 'ami-text-before-action',
  invalidLine: 'ami-invalid-line',
  missingHeader: 'ami-missing-header',
  emptyRequiredHeader: 'ami-empty-required-header',
  unknownHeader: 'ami-unknown-header',
  headerNotInVersion: 'ami-header-not-in-version',
  headerCase: 'ami-header-case',
  duplicateHeader: 'ami-duplicate-header',
  invalidValue: 'ami-invalid-value',
  controlCharacter: 'ami-control-character',
  bareCr: 'ami-bare-cr',
  lineTooLong: 'ami-line-too-long',
  tooManyHeaders: 'ami-too-many-headers',
  duplicateActionId: 'ami-duplicate-actionid',
  dangerousAction: 'ami-dangerous-action',
  secretInFile: 'ami-secret-in-file',
  connectionAction: 'ami-connection-action',
  unresolvedVariable: 'ami-unresolved-variable',
  unclosedVariable: 'ami-unclosed-variable',
  unknownBuiltin: 'ami-unknown-builtin',
  unsafeVariableValue: 'ami-unsafe-variable-value',
  duplicateName: 'ami-duplicate-name',
  invalidName: 'ami-invalid-name',
  invalidExpect: 'ami-invalid-expect',
  unknownEvent: 'ami-unknown-event',
  unknownAsteriskVersion: 'ami-unknown-asterisk-version',
  nulLine: 'ami-nul-line',
  binaryFile: 'ami-binary-file',
  tooManyProblems: 'ami-too-many-problems',
} as const;

export type DiagnosticCodeValue = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];

/**
 * Codes of the information diagnostics against the connected server (source `ami-live`, setting
 * `ami.live.diagnostics`): never errors, since a file may target another server.
 */
export const LiveDiagnosticCode = {
  unknownContext: 'ami-live-unknown-context',
  unknownExten: 'ami-live-unknown-exten',
  channelNotLive: 'ami-live-channel-not-live',
} as const;

/**
 * What a quick fix needs, attached as `Diagnostic.data`. Positions are re-derived from the document when the
 * fix is computed, so only names travel here.
 */
export type FixData =
  /** Replace the text in the diagnostic's range with one of these (best first). */
  | { fix: 'replace'; replacements: string[] }
  /** Insert these headers (with empty values) after the last header of the block at the diagnostic's line. */
  | { fix: 'insertHeaders'; headers: string[] }
  /** Delete the diagnostic's whole line. */
  | { fix: 'deleteLine' }
  /** Delete exactly the diagnostic's range. */
  | { fix: 'deleteRange' }
  /** Turn the diagnostic's line into a comment. */
  | { fix: 'commentLine' }
  /** Move the `Action:` line at the diagnostic's line to be the block's first header. */
  | { fix: 'moveActionFirst' }
  /** Insert a blank line before the diagnostic's line, ending the block there. */
  | { fix: 'splitBlock' }
  /** Add `@name = ` as a file variable at the top of the file. */
  | { fix: 'defineVariable'; name: string }
  /** Replace the lone CR in the diagnostic's range with the document's line break. */
  | { fix: 'lineBreak' };
