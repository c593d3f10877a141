/**
 * The last runs, kept across restarts in the extension's storage (globalState): bounded in count and size,
 * secrets redacted again on the way in, each with what is needed to re-run its block. Pure: the storage is
 * injected, so it is unit-tested.
 */
import { redactHeaders } from '../../../core/src/wire/redact';
import { parseToWebview, type RunView } from '../../../protocol/src/webviewMessages';

export const HISTORY_KEY = 'ami.history';
export const MAX_HISTORY = 50;
/** Rows of a list and events kept per entry (the rest is counted). */
export const MAX_ROWS_PER_ENTRY = 200;
/** Upper bound of the stored JSON (globalState is loaded at every start). */
export const MAX_HISTORY_CHARS = 2_000_000;

export interface HistoryEntry {
  /** The run as the card showed it (trimmed: see `trimmed`). */
  run: RunView;
  /** The document the block came from, and the block's index and text then (to re-run it). */
  uri: string;
  blockIndex: number;
  blockText: string;
  /** Rows and events left out to stay bounded. */
  trimmed?: { items: number; events: number };
}

/** Where the history lives (vscode.Memento fits). */
export interface HistoryStorage {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

function isEntry(value: unknown): value is HistoryEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.uri === 'string' &&
    typeof entry.blockIndex === 'number' &&
    typeof entry.blockText === 'string' &&
    parseToWebview({ type: 'run', run: entry.run }).ok
  );
}

export class RunHistory {
  private entries: HistoryEntry[];

  constructor(private readonly storage: HistoryStorage) {
    const stored = storage.get<unknown>(HISTORY_KEY);
    // Whatever is stored is checked like a message: a damaged entry is dropped, not trusted.
    this.entries = Array.isArray(stored) ? stored.filter(isEntry).slice(-MAX_HISTORY) : [];
  }

  /** Newest first. */
  list(): readonly HistoryEntry[] {
    return [...this.entries].reverse();
  }

  get(runId: string): HistoryEntry | undefined {
    return this.entries.find((entry) => entry.run.id === runId);
  }

  /** Records (or replaces, by run id) a finished run and saves. */
  async record(run: RunView, uri: string, blockIndex: number, blockText: string): Promise<void> {
    const items = run.items.length - MAX_ROWS_PER_ENTRY;
    const events = run.events.length - MAX_ROWS_PER_ENTRY;
    const entry: HistoryEntry = {
      run: {
        ...run,
        sent: redactHeaders(run.sent),
        response: run.response && redactHeaders(run.response),
        items: run.items.slice(0, MAX_ROWS_PER_ENTRY).map((item) => redactHeaders(item)),
        events: run.events.slice(0, MAX_ROWS_PER_ENTRY).map((event) => ({ ...event, headers: redactHeaders(event.headers) })),
      },
      uri,
      blockIndex,
      blockText: redactText(blockText),
      trimmed: items > 0 || events > 0 ? { items: Math.max(0, items), events: Math.max(0, events) } : undefined,
    };
    this.entries = this.entries.filter((known) => known.run.id !== run.id);
    this.entries.push(entry);
    while (this.entries.length > MAX_HISTORY) this.entries.shift();
    while (this.entries.length > 1 && JSON.stringify(this.entries).length > MAX_HISTORY_CHARS) this.entries.shift();
    await this.storage.update(HISTORY_KEY, this.entries);
  }

  async clear(): Promise<void> {
    this.entries = [];
    await this.storage.update(HISTORY_KEY, []);
  }
}

/** A block's text with `Secret:`/`Key:` values masked (such a block is never sent, but its text is kept). */
function redactText(text: string): string {
  return text.replace(/^(\s*(?:secret|key)\s*:).*$/gim, '$1 ********');
}
