/**
 * Fits the language service's completion answers to the client: plain text without snippet support, plain
 * documentation without Markdown, no client-side commands the client cannot run, no tags it does not know, and lean items (documentation
 * and detail on completionItem/resolve, one shared edit range) where the client supports that. The full list of
 * actions with Markdown docs is 100+ KB of JSON per keystroke, of which the editor shows one item's docs.
 */
import { CompletionItemTag, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionList, type MarkupContent, type Range } from 'vscode-languageserver/node';
import type { ClientFeatures } from './clientFeatures';
import { markdownToPlainText, snippetToPlainText } from './plainText';

/** `data` of a lean item: [answer number, index of the item in that answer]. */
type DeferredData = [answer: number, index: number];

function isDeferredData(value: unknown): value is DeferredData {
  return Array.isArray(value) && value.length === 2 && Number.isInteger(value[0]) && Number.isInteger(value[1]);
}

interface Deferred {
  documentation?: string | MarkupContent;
  detail?: string;
}

/** The text of the cursor's line up to the cursor, for narrowing a list to what was typed. */
export interface TypedText {
  line: number;
  /** The line's text from its start to the cursor. */
  beforeCursor: string;
}

/** Completion answers shaped for one client; keeps the deferred parts of the latest answer only. */
export class CompletionShaper {
  private answer = 0;
  private deferred: Deferred[] = [];
  private readonly deferDocumentation: boolean;
  private readonly deferDetail: boolean;

  constructor(private readonly features: ClientFeatures) {
    this.deferDocumentation = features.resolvable.has('documentation');
    this.deferDetail = this.deferDocumentation && features.resolvable.has('detail');
  }

  /** True when the server should announce `resolveProvider`. */
  get resolves(): boolean {
    return this.deferDocumentation;
  }

  /**
   * The answer as this client should get it. A client that cannot fetch documentation later gets it inline, so
   * its list is narrowed to the items that match what was typed (`typed`), marked incomplete: the action list
   * with its docs is 120 KB of JSON per keystroke, of which the client would show the matches only.
   */
  shape(list: CompletionList, typed?: TypedText): CompletionList {
    this.answer++;
    this.deferred = [];
    const items: CompletionItem[] = [];
    let narrowed = false;
    for (const original of list.items) {
      if (!this.deferDocumentation && typed && !matchesTyped(original, typed)) {
        narrowed = true;
        continue;
      }
      const item = this.fitItem(original);
      if (!item) continue;
      if (this.deferDocumentation && item.data === undefined && (item.documentation !== undefined || (this.deferDetail && item.detail !== undefined))) {
        const index = items.length;
        const deferred: Deferred = { documentation: item.documentation };
        delete item.documentation;
        if (this.deferDetail) {
          deferred.detail = item.detail;
          delete item.detail;
        }
        this.deferred[index] = deferred;
        item.data = [this.answer, index] satisfies DeferredData;
      }
      items.push(item);
    }
    return this.withSharedRange({ ...list, isIncomplete: list.isIncomplete || narrowed, items });
  }

  /** The item with its documentation (and detail) back, when it comes from the latest answer. */
  resolve(item: CompletionItem): CompletionItem {
    if (!isDeferredData(item.data) || item.data[0] !== this.answer) return item;
    const deferred = this.deferred[item.data[1]];
    if (!deferred) return item;
    const resolved = { ...item };
    if (deferred.documentation !== undefined) resolved.documentation = this.fitDocumentation(deferred.documentation);
    if (deferred.detail !== undefined) resolved.detail = deferred.detail;
    return resolved;
  }

  /** A copy of the item this client can use, or undefined when it cannot insert it as meant. */
  private fitItem(original: CompletionItem): CompletionItem | undefined {
    const item = { ...original };
    if (item.command && !this.features.commands.has(item.command.command)) delete item.command;
    if (item.tags && !this.features.deprecatedTag) {
      if (this.features.deprecatedProperty && item.tags.includes(CompletionItemTag.Deprecated)) item.deprecated = true;
      delete item.tags;
    }
    if (item.insertTextFormat === InsertTextFormat.Snippet && !this.features.snippets) {
      const plain = (text: string): string => snippetToPlainText(text);
      const newText = item.textEdit ? plain(item.textEdit.newText) : plain(item.insertText ?? item.label);
      // A multi-line plain insert is not a template any more, and Vim's completion turns its newlines into NULs.
      if (newText.includes('\n')) return undefined;
      if (item.textEdit) item.textEdit = { ...item.textEdit, newText };
      else item.insertText = newText;
      delete item.insertTextFormat;
    }
    if (item.documentation !== undefined && !this.deferDocumentation) item.documentation = this.fitDocumentation(item.documentation);
    return item;
  }

  private fitDocumentation(documentation: string | MarkupContent): string | MarkupContent {
    if (typeof documentation === 'string' || documentation.kind !== MarkupKind.Markdown || this.features.completionMarkdown) {
      return documentation;
    }
    return { kind: MarkupKind.PlainText, value: markdownToPlainText(documentation.value) };
  }

  /** Moves a range that every item edits into `itemDefaults.editRange` (items keep only their text). */
  private withSharedRange(list: CompletionList): CompletionList {
    if (!this.features.itemDefaults.has('editRange') || list.items.length < 2) return list;
    let shared: Range | undefined;
    for (const item of list.items) {
      const edit = item.textEdit;
      if (!edit || !('range' in edit) || item.insertText !== undefined) return list;
      if (!shared) shared = edit.range;
      else if (!sameRange(shared, edit.range)) return list;
    }
    const items = list.items.map((item) => {
      const { textEdit, ...rest } = item;
      const newText = textEdit!.newText;
      return newText === item.label ? rest : { ...rest, textEditText: newText };
    });
    return { ...list, itemDefaults: { ...list.itemDefaults, editRange: shared }, items };
  }
}

/**
 * True when the text typed over the item's edit range (from the range's start to the cursor) could select the
 * item in any client: its characters appear in order, ignoring case, in the item's filter text, label or insert
 * text. That is looser than every client's own filter (prefix, fuzzy), so narrowing never hides a match.
 */
function matchesTyped(item: CompletionItem, typed: TypedText): boolean {
  const edit = item.textEdit;
  if (!edit) return true;
  const start = 'range' in edit ? edit.range.start : edit.insert.start;
  if (start.line !== typed.line || start.character > typed.beforeCursor.length) return true;
  const text = typed.beforeCursor.slice(start.character).toLowerCase();
  if (text === '') return true;
  return [item.filterText, item.label, edit.newText].some((word) => word !== undefined && isSubsequence(text, word.toLowerCase()));
}

/** True when the characters of `part` appear in `whole` in order. */
function isSubsequence(part: string, whole: string): boolean {
  let index = 0;
  for (let at = 0; at < whole.length && index < part.length; at++) if (whole.charCodeAt(at) === part.charCodeAt(index)) index++;
  return index === part.length;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
