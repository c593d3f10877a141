import type { TextDocument } from 'vscode-languageserver-textdocument';
import { getCatalogue, type Catalogue } from '../catalogue/index';
import { blockAtLine } from '../script/parser';
import { computeCodeActions } from './codeActions';
import { doComplete } from './completion';
import { computeDiagnostics } from './diagnostics';
import { getScript } from './documents';
import { getFoldingRanges } from './folding';
import { format } from './format';
import { doHover } from './hover';
import { liveDiagnostics } from './live';
import { doRename, findDefinition, prepareRename } from './navigation';
import { blockLabel } from '../script/blockLabel';
import { findDocumentSymbols } from './symbols';
import type { BlockAtPosition, LanguageService } from './types';

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
      const script = getScript(document);
      const diagnostics = computeDiagnostics(document, settings, script, catalogue);
      const live = settings?.live;
      if (live && !live.isEmpty && settings?.liveDiagnostics !== false) {
        for (const block of script.blocks) diagnostics.push(...liveDiagnostics(block, live, catalogue));
      }
      return diagnostics;
    },
    doComplete: (document, position, settings) => doComplete(document, position, settings, catalogue),
    doHover: (document, position, settings) => doHover(document, position, settings, catalogue),
    getCodeActions: (document, range, diagnostics, settings) => computeCodeActions(document, range, diagnostics, settings),
    findDocumentSymbols: (document) => findDocumentSymbols(document),
    getFoldingRanges: (document) => getFoldingRanges(document),
    format: (document, range, formattingOptions) => format(document, range, formattingOptions, catalogue),
    findDefinition: (document, position) => findDefinition(document, position),
    prepareRename: (document, position) => prepareRename(document, position),
    doRename: (document, position, newName) => doRename(document, position, newName),
    getBlockAt: (document, position) => getBlockAt(document, position),
  };
}

/**
 * The block under `position` as the client will run it: a position on a block's title comment or `# @name`
 * belongs to that block; a blank line between blocks, a separator or a file variable gives null.
 */
export function getBlockAt(document: TextDocument, position: { line: number }): BlockAtPosition | null {
  const block = blockAtLine(getScript(document), position.line);
  return block ? { block, label: blockLabel(block) } : null;
}
