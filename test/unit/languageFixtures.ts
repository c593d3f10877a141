import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionItem, Position, TextEdit } from 'vscode-languageserver-types';

let documentCount = 0;

/** An in-memory `.ami` document. */
export function amiDocument(text: string): TextDocument {
  documentCount++;
  return TextDocument.create(`file:///test/doc${documentCount}.ami`, 'ami', 1, text);
}

/**
 * Text with one `|` cursor marker (the vscode-css-languageservice test style): the document without the
 * marker and the position where it stood.
 */
export function withCursor(textWithCursor: string): { document: TextDocument; position: Position } {
  const offset = textWithCursor.indexOf('|');
  if (offset === -1) throw new Error('test text needs a | cursor marker');
  const text = textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1);
  const document = amiDocument(text);
  return { document, position: document.positionAt(offset) };
}

/** The text a completion item inserts. */
export function insertedText(item: CompletionItem): string {
  const edit = item.textEdit;
  if (edit && 'newText' in edit) return edit.newText;
  return item.insertText ?? item.label;
}

/** Items in the order VS Code shows them before filtering (lower-cased sortText or label, compared as strings). */
export function sortedItems(items: CompletionItem[]): CompletionItem[] {
  const key = (item: CompletionItem): string => (item.sortText ?? item.label).toLowerCase();
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The document's text after applying edits. */
export function applyEdits(document: TextDocument, edits: TextEdit[]): string {
  return TextDocument.applyEdits(document, edits);
}
