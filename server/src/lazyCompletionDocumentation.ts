/**
 * Sends completion items without their documentation and gives it back on completionItem/resolve: the full list
 * of actions or applications with Markdown docs is 100+ KB of JSON per keystroke, of which the editor shows one.
 */
import type { CompletionItem, CompletionList, MarkupContent } from 'vscode-languageserver/node';

/** `data` of a deferred item: which completion answer and which item in it. */
interface DeferredData {
  amiCompletion: number;
  index: number;
}

function isDeferredData(value: unknown): value is DeferredData {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as DeferredData).amiCompletion === 'number' &&
    typeof (value as DeferredData).index === 'number'
  );
}

/** Keeps the documentation of the latest completion answer only: older items resolve to themselves. */
export class LazyCompletionDocumentation {
  private answer = 0;
  private documentation: Array<string | MarkupContent | undefined> = [];

  /** Moves each item's documentation aside (items that already carry `data` are left whole). */
  defer(list: CompletionList): CompletionList {
    this.answer++;
    this.documentation = [];
    const items = list.items.map((item, index): CompletionItem => {
      if (item.documentation === undefined || item.data !== undefined) return item;
      this.documentation[index] = item.documentation;
      const { documentation: _documentation, ...rest } = item;
      return { ...rest, data: { amiCompletion: this.answer, index } satisfies DeferredData };
    });
    return { ...list, items };
  }

  /** The item with its documentation back, when it comes from the latest answer. */
  resolve(item: CompletionItem): CompletionItem {
    if (!isDeferredData(item.data) || item.data.amiCompletion !== this.answer) return item;
    const documentation = this.documentation[item.data.index];
    return documentation === undefined ? item : { ...item, documentation };
  }
}
