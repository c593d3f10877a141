import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Block, Script } from '../script/types';
import { blockLabel } from '../script/blockLabel';
import { actionHeaderRange, lineKinds } from '../script/parser';
import { getScript } from '../script/scriptCache';

/** Symbols in an outline before the headers and expectations under each block are left out (blocks stay). */
export const MAX_OUTLINE_SYMBOLS = 20_000;

/**
 * The outline: one Function symbol per block (name: title, `@name` or action; detail: the action) with its
 * headers as Field and its expectations as Event children, and the file variables as Variable symbols. Over
 * MAX_OUTLINE_SYMBOLS the children are left out (a 20 MB file's full outline is 100+ MB of JSON) and a first
 * symbol says so.
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
  let childCount = 0;
  // Counted from the line kinds: reading the nodes of every block would build them all (parser.ts, LazyBlock).
  for (const block of script.blocks) childCount += countChildren(lineKinds(block));
  const withChildren = symbols.length + script.blocks.length + childCount <= MAX_OUTLINE_SYMBOLS;
  if (!withChildren) {
    const origin = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    symbols.push({
      name: `(${childCount} headers and expectations not listed: the outline keeps blocks only above ${MAX_OUTLINE_SYMBOLS} symbols)`,
      kind: SymbolKind.File,
      range: origin,
      selectionRange: origin,
    });
  }
  for (const block of script.blocks) {
    const symbol: DocumentSymbol = {
      name: blockLabel(block),
      detail: block.action ?? 'no Action',
      kind: SymbolKind.Function,
      range: block.range,
      selectionRange: actionHeaderRange(block) ?? block.range,
    };
    if (withChildren) symbol.children = blockChildren(block);
    symbols.push(symbol);
  }
  return symbols.sort((a, b) => a.range.start.line - b.range.start.line);
}

/** Headers and expectations among a block's line kinds. */
function countChildren(kinds: string): number {
  let count = 0;
  for (let index = 0; index < kinds.length; index++) {
    const kind = kinds.charCodeAt(index);
    if (kind === 104 /* h */ || kind === 101 /* e */) count++;
  }
  return count;
}

function blockChildren(block: Block): DocumentSymbol[] {
  const children: DocumentSymbol[] = [];
  for (const line of block.lines) {
    if (line.kind === 'header') {
      children.push({ name: line.name, detail: line.value, kind: SymbolKind.Field, range: line.range, selectionRange: line.nameRange });
    } else if (line.kind === 'expect') {
      children.push({ name: `@expect ${line.text}`, kind: SymbolKind.Event, range: line.range, selectionRange: line.range });
    }
  }
  return children;
}
