import type { TextDocument } from 'vscode-languageserver-textdocument';
import { getCatalogue, type Catalogue } from '../catalogue/index';
import { peekScript, setScript } from '../script/scriptCache';
import { computeCodeActions } from './codeActions';
import { doComplete } from './completion';
import { CheckingParse, computeDiagnostics, diagnosticsJob } from './diagnostics';
import { getFoldingRanges } from './folding';
import { format } from './format';
import { doHover } from './hover';
import { liveDiagnostics } from './live';
import { doRename, findDefinition, prepareRename } from './navigation';
import { findDocumentSymbols } from './symbols';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { Script } from '../script/types';
import type { LanguageService, LanguageSettings } from './types';

export interface LanguageServiceOptions {
  /** Catalogue used by diagnostics, completion, hover and formatting; defaults to the one shipped with the extension. */
  catalogue?: Catalogue;
}

/**
 * The `.ami` language service: every feature as a plain function over a TextDocument (the
 * vscode-css-languageservice shape). Whole-document features share one parse per document version;
 * completion and hover parse only the block around the cursor.
 */
export function getLanguageService(options: LanguageServiceOptions = {}): LanguageService {
  const catalogue = options.catalogue ?? getCatalogue();
  return {
    doValidation: (document, settings) => {
      const cached = peekScript(document);
      if (cached) return withLiveDiagnostics(computeDiagnostics(document, settings, cached, catalogue), cached, settings, catalogue);
      const checking = new CheckingParse(document, settings ?? {}, catalogue);
      while (!checking.step(Number.POSITIVE_INFINITY));
      setScript(document, checking.script);
      return withLiveDiagnostics(checking.result(), checking.script, settings, catalogue);
    },
    doValidationInSlices: (document, settings, pause) => validateInSlices(document, settings, pause, catalogue),
    doComplete: (document, position, settings) => doComplete(document, position, settings, catalogue),
    doHover: (document, position, settings) => doHover(document, position, settings, catalogue),
    getCodeActions: (document, range, diagnostics, settings) => computeCodeActions(document, range, diagnostics, settings),
    findDocumentSymbols: (document) => findDocumentSymbols(document),
    getFoldingRanges: (document) => getFoldingRanges(document),
    format: (document, range, formattingOptions) => format(document, range, formattingOptions, catalogue),
    findDefinition: (document, position) => findDefinition(document, position),
    prepareRename: (document, position) => prepareRename(document, position),
    doRename: (document, position, newName) => doRename(document, position, newName),
  };
}

/** Lines parsed and checked between two pauses: a few milliseconds of work. */
const SLICE_LINES = 8_192;
const CHECK_SLICE_BLOCKS = 2_048;

async function validateInSlices(
  document: TextDocument,
  settings: LanguageSettings | undefined,
  pause: () => Promise<boolean>,
  catalogue: Catalogue,
): Promise<Diagnostic[] | undefined> {
  const cached = peekScript(document);
  if (cached) {
    const job = diagnosticsJob(document, settings ?? {}, cached, catalogue);
    while (!job.step(CHECK_SLICE_BLOCKS)) if (!(await pause())) return undefined;
    return withLiveDiagnostics(job.result(), cached, settings, catalogue);
  }
  // Parse and check as the parse goes; a check that needs the rest of the file parses it first.
  const checking = new CheckingParse(document, settings ?? {}, catalogue);
  while (!checking.step(SLICE_LINES)) if (!(await pause())) return undefined;
  setScript(document, checking.script);
  return withLiveDiagnostics(checking.result(), checking.script, settings, catalogue);
}

/** Adds the information-level checks against the connected server's live values (unless turned off). */
function withLiveDiagnostics(diagnostics: Diagnostic[], script: Script, settings: LanguageSettings | undefined, catalogue: Catalogue): Diagnostic[] {
  const live = settings?.live;
  if (live && !live.isEmpty && settings?.liveDiagnostics !== false) {
    for (const block of script.blocks) diagnostics.push(...liveDiagnostics(block, live, catalogue));
  }
  return diagnostics;
}
