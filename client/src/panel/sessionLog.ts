/**
 * What the panel shows and what "Save session" writes: runs and a bounded window of events, all redacted on
 * the way in. Pure (no vscode): the panel host feeds it and flushes batches at most 10 times a second.
 */
import { redactHeaders, redactSecretsDeep } from '../../../core/src/wire/redact';
import {
  SAVED_SESSION_FORMAT,
  type FieldDocs,
  type HeaderPair,
  type RunView,
  type SavedSession,
  type StreamEvent,
} from '../../../protocol/src/webviewMessages';

/** Field descriptions of one event, lower-cased names, or undefined when the catalogue does not know it. */
export type FieldDocLookup = (eventName: string) => Record<string, string> | undefined;

export const MAX_RUNS = 500;
/** Events a run keeps (later events tied by ActionID); more are counted in the stream only. */
export const MAX_EVENTS_PER_RUN = 1000;

export class SessionLog {
  private events: StreamEvent[] = [];
  private pending: StreamEvent[] = [];
  private runs = new Map<string, RunView>();
  private nextSeq = 1;
  private docsSent = new Set<string>();
  private docsPending: FieldDocs = {};
  private docsAll: FieldDocs = {};
  droppedBySession = 0;

  constructor(
    private readonly capacity: number,
    private readonly docLookup: FieldDocLookup,
  ) {}

  /** Records one event (headers as received, redacted here); returns it as the panel will see it. */
  addEvent(headers: ReadonlyArray<readonly [string, string]>, time = Date.now()): StreamEvent {
    const clean = redactHeaders(headers);
    const name = clean.find(([key]) => key.toLowerCase() === 'event')?.[1] ?? '(no Event header)';
    const event: StreamEvent = { seq: this.nextSeq++, time, name, headers: clean };
    this.events.push(event);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
    this.pending.push(event);
    if (this.pending.length > this.capacity) this.pending.splice(0, this.pending.length - this.capacity);
    this.noteDocs(name);
    return event;
  }

  private noteDocs(name: string): void {
    const key = name.toLowerCase();
    if (this.docsSent.has(key)) return;
    this.docsSent.add(key);
    const fields = this.docLookup(name);
    if (fields) {
      this.docsPending[key] = fields;
      this.docsAll[key] = fields;
    }
  }

  /** Adds or replaces a run (by id). Sent headers and responses must already be redacted by the runner. */
  upsertRun(run: RunView): void {
    this.runs.delete(run.id);
    // Errors, list items and tied events can carry a secret too (a server's Message, an echoed UserEvent).
    this.runs.set(run.id, redactRun({ ...run, events: run.events.slice(0, MAX_EVENTS_PER_RUN) }));
    while (this.runs.size > MAX_RUNS) this.runs.delete(this.runs.keys().next().value as string);
    for (const event of run.events) this.noteDocs(event.name);
    const itemEvent = run.items[0]?.find(([key]) => key.toLowerCase() === 'event')?.[1];
    if (itemEvent) this.noteDocs(itemEvent);
  }

  /** Field docs noted since the last batch or call, or undefined; clears them. */
  takeDocs(): FieldDocs | undefined {
    if (Object.keys(this.docsPending).length === 0) return undefined;
    const docs = this.docsPending;
    this.docsPending = {};
    return docs;
  }

  get runList(): RunView[] {
    return [...this.runs.values()];
  }

  /** Events and docs gathered since the last call (what one batched post carries), or undefined if none. */
  takeBatch(): { events: StreamEvent[]; docs?: FieldDocs } | undefined {
    if (this.pending.length === 0) return undefined;
    const events = this.pending;
    this.pending = [];
    const docs = Object.keys(this.docsPending).length > 0 ? this.docsPending : undefined;
    this.docsPending = {};
    return { events, docs };
  }

  /** Everything kept now (no side effect). */
  snapshot(): { runs: RunView[]; events: StreamEvent[]; docs: FieldDocs } {
    return { runs: this.runList, events: [...this.events], docs: { ...this.docsAll } };
  }

  /** The snapshot for a panel that (re)loads: it includes the pending batch, which is therefore cleared. */
  takeSnapshot(): { runs: RunView[]; events: StreamEvent[]; docs: FieldDocs } {
    this.pending = [];
    this.docsPending = {};
    return this.snapshot();
  }

  /** Forgets the event window (the panel's Clear); runs stay. */
  clearEvents(): void {
    this.events = [];
    this.pending = [];
  }

  /** The saved-session document. */
  toSaved(connection: string, savedAt = Date.now()): SavedSession {
    return {
      format: SAVED_SESSION_FORMAT,
      version: 1,
      savedAt,
      connection,
      runs: this.runList.map(redactRun),
      events: this.events.map((event) => redactSecretsDeep({ ...event, headers: redactHeaders(event.headers) })),
    };
  }
}

/** A run with secrets redacted by name in every header list and by value in every text. */
function redactRun(run: RunView): RunView {
  return redactSecretsDeep({
    ...run,
    sent: redactHeaders(run.sent),
    response: run.response && redactHeaders(run.response),
    items: run.items.map((item) => redactHeaders(item)),
    events: run.events.map((event) => ({ ...event, headers: redactHeaders(event.headers) })),
  });
}

/** Field descriptions of an event from a catalogue-like lookup, trimmed to plain short text for a tooltip. */
export function fieldDocsOf(
  fields: ReadonlyArray<{ name: string; description?: string; enum?: ReadonlyArray<{ name: string }> }> | undefined,
): Record<string, string> | undefined {
  if (!fields || fields.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const field of fields) {
    const parts: string[] = [];
    if (field.description) parts.push(plainText(field.description));
    if (field.enum && field.enum.length > 0) parts.push(`One of: ${field.enum.map((value) => value.name).join(', ')}.`);
    if (parts.length === 0) continue;
    const text = parts.join(' ');
    out[field.name.toLowerCase()] = text.length > 600 ? `${text.slice(0, 597)}...` : text;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Catalogue Markdown as tooltip text: links become their text, emphasis and code marks go, spaces collapse. */
function plainText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|`)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Copies headers into plain pairs (from an AmiMessage's headers() or anything pair-like). */
export function toPairs(headers: ReadonlyArray<readonly [string, string]>): HeaderPair[] {
  return headers.map(([name, value]) => [name, value]);
}
