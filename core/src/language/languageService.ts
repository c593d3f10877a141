import { getCatalogue, type Catalogue } from '../catalogue/index';
import { computeCodeActions } from './codeActions';
import { doComplete } from './completion';
import { computeDiagnostics } from './diagnostics';
import { getScript } from '../script/scriptCache';
import { getFoldingRanges } from './folding';
import { format } from './format';
import { doHover } from './hover';
import { doRename, findDefinition, prepareRename } from './navigation';
import { findDocumentSymbols } from './symbols';
import type { LanguageService } from './types';

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
    doValidation: (document, settings) => computeDiagnostics(document, settings, getScript(document), catalogue),
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
