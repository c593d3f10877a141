import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Block, Script } from '../script/types';
import { blockLabel } from '../script/blockLabel';
import { getScript } from './documents';

/**
 * The outline: one Function symbol per block (name: title, `@name` or action; detail: the action) with its
 * headers as Field and its expectations as Event children, and the file variables as Variable symbols.
 */
export function findDocumentSymbols(document: TextDocument, script: Script = getScript(document)): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  for (const variable of script.fileVariables) {
    symbols.push({
      name: `@${variable.name}`,
      detail: variable.value,
      kind: SymbolKind.Variable,
      range: variable.range,
      selectionRange: variable.nameRange,
    });
  }
  for (const block of script.blocks) {
    const children: DocumentSymbol[] = [];
    for (const line of block.lines) {
      if (line.kind === 'header') {
        children.push({
          name: line.name,
          detail: line.value,
          kind: SymbolKind.Field,
          range: line.range,
          selectionRange: line.nameRange,
        });
      } else if (line.kind === 'expect') {
        children.push({ name: `@expect ${line.text}`, kind: SymbolKind.Event, range: line.range, selectionRange: line.range });
      }
    }
    const label = blockLabel(block);
    symbols.push({
      name: label,
      detail: block.action ?? 'no Action',
      kind: SymbolKind.Function,
      range: block.range,
      selectionRange: block.actionHeader?.range ?? block.range,
      children,
    });
  }
  return symbols.sort((a, b) => a.range.start.line - b.range.start.line);
}
