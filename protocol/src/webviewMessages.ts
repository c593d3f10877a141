/**
 * Messages between the extension host and the panel webview (client/webview/main.ts).
 * Both directions are discriminated unions on `type`; each side validates what it receives with the
 * `parse*` functions below before acting on it (SECURITY.md: every message from the webview is validated).
 * Pure TypeScript: bundled into the extension (node) and into the webview (browser).
 */

/** One header as received or sent, in order, repeats kept. */
export type HeaderPair = [name: string, value: string];

/** An event of the live stream, as the panel shows it. */
export interface StreamEvent {
  /** Monotonic sequence number assigned by the extension (per panel session). */
  seq: number;
  /** Milliseconds since the Unix epoch when the extension received it. */
  time: number;
  /** Value of the `Event:` header. */
  name: string;
  headers: HeaderPair[];
}

export type RunStatus = 'pending' | 'success' | 'error' | 'failed' | 'refused';

/** One run of one block: what was sent, what came back. Everything is already redacted. */
export interface RunView {
  id: string;
  /** Display title: block title or action name. */
  title: string;
  action: string;
  /** Where the block lives (`file.ami:12`). */
  source: string;
  connection: string;
  actionId: string;
  startedAt: number;
  /** Milliseconds from send to final response (or list completion). */
  durationMs?: number;
  status: RunStatus;
  /** Why it failed or was refused (unresolved variable, timeout, disconnected...). */
  error?: string;
  sent: HeaderPair[];
  response?: HeaderPair[];
  /** List item events (EventList actions). */
  items: HeaderPair[][];
  /** The list was started but never completed (cancelled, timeout or disconnect) or ListItems did not match. */
  listIncomplete?: string;
  /** Later events carrying this run's ActionID (OriginateResponse after an async Originate...). */
  events: StreamEvent[];
}

export type ConnectionStateName = 'disconnected' | 'connecting' | 'connected' | 'retrying' | 'failed' | 'offline';

export interface ConnectionView {
  name: string;
  state: ConnectionStateName;
  /** Human text: "Asterisk 23.4.1, AMI 12.0.0", "retrying in 4 s", "failed: authentication failed". */
  detail: string;
  production: boolean;
}

/** Counters the extension knows and the webview cannot: events dropped before reaching the panel. */
export interface StreamCounters {
  /** Events the session's bounded queue had to drop (the consumer fell behind). */
  droppedBySession: number;
}

/** Descriptions of event fields from the catalogue: event name (lower case) → field name (lower case) → text. */
export type FieldDocs = Record<string, Record<string, string>>;

/** A saved session file (sent and received, secrets redacted). */
export interface SavedSession {
  format: 'ami-workbench-session';
  version: 1;
  savedAt: number;
  connection: string;
  runs: RunView[];
  events: StreamEvent[];
}

export const SAVED_SESSION_FORMAT = 'ami-workbench-session';

/** A filter as the panel applies it: event names (any of) and header=value pairs (all of). */
export interface StreamFilter {
  eventNames: string[];
  headers: HeaderPair[];
}

// ---------------------------------------------------------------- extension → webview

export type ToWebview =
  | { type: 'events'; events: StreamEvent[]; counters: StreamCounters; docs?: FieldDocs }
  | { type: 'run'; run: RunView }
  | { type: 'connection'; connection: ConnectionView | null }
  | { type: 'reset'; runs: RunView[]; events: StreamEvent[]; counters: StreamCounters; docs: FieldDocs; offline?: string }
  | { type: 'notice'; level: 'info' | 'error'; text: string };

// ---------------------------------------------------------------- webview → extension

export type FromWebview =
  | { type: 'ready' }
  | { type: 'pushFilter'; filter: StreamFilter }
  | { type: 'copy'; text: string }
  | { type: 'saveSession' }
  | { type: 'openSession' }
  | { type: 'clear' }
  | { type: 'goLive' };

/** Longest text the webview may ask to copy (a whole run with a large list stays well below). */
export const MAX_COPY_CHARS = 8 * 1024 * 1024;
const MAX_FILTER_TERMS = 32;
const MAX_FILTER_TERM_CHARS = 1000;

/** Result of a parse: the typed message or a reason it was refused. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown, max = Number.MAX_SAFE_INTEGER): value is string {
  return typeof value === 'string' && value.length <= max;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isHeaderPair(value: unknown, max = Number.MAX_SAFE_INTEGER): value is HeaderPair {
  return Array.isArray(value) && value.length === 2 && isString(value[0], max) && isString(value[1], max);
}

function isHeaderList(value: unknown): value is HeaderPair[] {
  return Array.isArray(value) && value.every((pair) => isHeaderPair(pair));
}

function parseFilter(value: unknown): Parsed<StreamFilter> {
  if (!isRecord(value)) return { ok: false, error: 'filter must be an object' };
  const { eventNames, headers } = value;
  if (!Array.isArray(eventNames) || eventNames.length > MAX_FILTER_TERMS) {
    return { ok: false, error: `filter.eventNames must be a list of at most ${MAX_FILTER_TERMS} names` };
  }
  if (!eventNames.every((name) => isString(name, MAX_FILTER_TERM_CHARS))) {
    return { ok: false, error: 'filter.eventNames must hold strings' };
  }
  if (!Array.isArray(headers) || headers.length > MAX_FILTER_TERMS) {
    return { ok: false, error: `filter.headers must be a list of at most ${MAX_FILTER_TERMS} pairs` };
  }
  if (!headers.every((pair) => isHeaderPair(pair, MAX_FILTER_TERM_CHARS))) {
    return { ok: false, error: 'filter.headers must hold [name, value] string pairs' };
  }
  return { ok: true, value: { eventNames: [...eventNames], headers: headers.map(([n, v]) => [n, v]) } };
}

/** Validates a message that claims to come from the webview. Never throws. */
export function parseFromWebview(message: unknown): Parsed<FromWebview> {
  if (!isRecord(message) || typeof message.type !== 'string') {
    return { ok: false, error: 'message must be an object with a string "type"' };
  }
  const type = message.type as FromWebview['type'];
  switch (type) {
    case 'ready':
    case 'saveSession':
    case 'openSession':
    case 'clear':
    case 'goLive':
      return { ok: true, value: { type } };
    case 'copy':
      if (!isString(message.text, MAX_COPY_CHARS)) {
        return { ok: false, error: `copy.text must be a string of at most ${MAX_COPY_CHARS} characters` };
      }
      return { ok: true, value: { type, text: message.text } };
    case 'pushFilter': {
      const filter = parseFilter(message.filter);
      return filter.ok ? { ok: true, value: { type, filter: filter.value } } : filter;
    }
    default: {
      const unknownType: never = type;
      return { ok: false, error: `unknown message type ${JSON.stringify(unknownType)}` };
    }
  }
}

function isStreamEvent(value: unknown): value is StreamEvent {
  return (
    isRecord(value) &&
    isFiniteNumber(value.seq) &&
    isFiniteNumber(value.time) &&
    isString(value.name) &&
    isHeaderList(value.headers)
  );
}

const RUN_STATUSES: readonly RunStatus[] = ['pending', 'success', 'error', 'failed', 'refused'];

function isRunView(value: unknown): value is RunView {
  if (!isRecord(value)) return false;
  return (
    isString(value.id) &&
    isString(value.title) &&
    isString(value.action) &&
    isString(value.source) &&
    isString(value.connection) &&
    isString(value.actionId) &&
    isFiniteNumber(value.startedAt) &&
    (value.durationMs === undefined || isFiniteNumber(value.durationMs)) &&
    RUN_STATUSES.includes(value.status as RunStatus) &&
    (value.error === undefined || isString(value.error)) &&
    isHeaderList(value.sent) &&
    (value.response === undefined || isHeaderList(value.response)) &&
    Array.isArray(value.items) &&
    value.items.every(isHeaderList) &&
    (value.listIncomplete === undefined || isString(value.listIncomplete)) &&
    Array.isArray(value.events) &&
    value.events.every(isStreamEvent)
  );
}

const CONNECTION_STATES: readonly ConnectionStateName[] = [
  'disconnected',
  'connecting',
  'connected',
  'retrying',
  'failed',
  'offline',
];

function isConnectionView(value: unknown): value is ConnectionView {
  return (
    isRecord(value) &&
    isString(value.name) &&
    CONNECTION_STATES.includes(value.state as ConnectionStateName) &&
    isString(value.detail) &&
    typeof value.production === 'boolean'
  );
}

function isCounters(value: unknown): value is StreamCounters {
  return isRecord(value) && isFiniteNumber(value.droppedBySession);
}

function isFieldDocs(value: unknown): value is FieldDocs {
  return isRecord(value) && Object.values(value).every((fields) => isRecord(fields) && Object.values(fields).every((d) => isString(d)));
}

/** Validates a message that claims to come from the extension. Never throws. */
export function parseToWebview(message: unknown): Parsed<ToWebview> {
  if (!isRecord(message) || typeof message.type !== 'string') {
    return { ok: false, error: 'message must be an object with a string "type"' };
  }
  const type = message.type as ToWebview['type'];
  switch (type) {
    case 'events':
      if (!Array.isArray(message.events) || !message.events.every(isStreamEvent)) {
        return { ok: false, error: 'events.events must be a list of events' };
      }
      if (!isCounters(message.counters)) return { ok: false, error: 'events.counters is malformed' };
      if (message.docs !== undefined && !isFieldDocs(message.docs)) return { ok: false, error: 'events.docs is malformed' };
      return { ok: true, value: message as ToWebview };
    case 'run':
      return isRunView(message.run) ? { ok: true, value: message as ToWebview } : { ok: false, error: 'run.run is malformed' };
    case 'connection':
      return message.connection === null || isConnectionView(message.connection)
        ? { ok: true, value: message as ToWebview }
        : { ok: false, error: 'connection.connection is malformed' };
    case 'reset':
      if (!Array.isArray(message.runs) || !message.runs.every(isRunView)) return { ok: false, error: 'reset.runs is malformed' };
      if (!Array.isArray(message.events) || !message.events.every(isStreamEvent)) {
        return { ok: false, error: 'reset.events is malformed' };
      }
      if (!isCounters(message.counters)) return { ok: false, error: 'reset.counters is malformed' };
      if (!isFieldDocs(message.docs)) return { ok: false, error: 'reset.docs is malformed' };
      if (message.offline !== undefined && !isString(message.offline)) return { ok: false, error: 'reset.offline must be a string' };
      return { ok: true, value: message as ToWebview };
    case 'notice':
      if ((message.level !== 'info' && message.level !== 'error') || !isString(message.text)) {
        return { ok: false, error: 'notice needs level info|error and a text' };
      }
      return { ok: true, value: message as ToWebview };
    default: {
      const unknownType: never = type;
      return { ok: false, error: `unknown message type ${JSON.stringify(unknownType)}` };
    }
  }
}

/** Validates a saved session file's parsed JSON. The error names what is wrong with the file. */
export function parseSavedSession(value: unknown): Parsed<SavedSession> {
  if (!isRecord(value)) return { ok: false, error: 'the file is not a JSON object' };
  if (value.format !== SAVED_SESSION_FORMAT) {
    return { ok: false, error: `"format" is not "${SAVED_SESSION_FORMAT}": not a saved AMI Workbench session` };
  }
  if (value.version !== 1) return { ok: false, error: `unsupported session version ${JSON.stringify(value.version)} (expected 1)` };
  if (!isFiniteNumber(value.savedAt)) return { ok: false, error: '"savedAt" must be a number' };
  if (!isString(value.connection)) return { ok: false, error: '"connection" must be a string' };
  if (!Array.isArray(value.runs)) return { ok: false, error: '"runs" must be a list' };
  const badRun = value.runs.findIndex((run) => !isRunView(run));
  if (badRun >= 0) return { ok: false, error: `runs[${badRun}] is malformed` };
  if (!Array.isArray(value.events)) return { ok: false, error: '"events" must be a list' };
  const badEvent = value.events.findIndex((event) => !isStreamEvent(event));
  if (badEvent >= 0) return { ok: false, error: `events[${badEvent}] is malformed` };
  return { ok: true, value: value as unknown as SavedSession };
}

/** Does an event pass a filter? Event names match case-insensitively (any of); header values by substring (all of). */
export function matchesFilter(event: StreamEvent, filter: StreamFilter): boolean {
  if (filter.eventNames.length > 0) {
    const name = event.name.toLowerCase();
    if (!filter.eventNames.some((wanted) => wanted.toLowerCase() === name)) return false;
  }
  for (const [wantedName, wantedValue] of filter.headers) {
    const lowerName = wantedName.toLowerCase();
    const lowerValue = wantedValue.toLowerCase();
    let found = false;
    for (const [name, value] of event.headers) {
      if (name.toLowerCase() === lowerName && value.toLowerCase().includes(lowerValue)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

/**
 * Parses the filter box text: space-separated terms, `Name=value` is a header match, a bare word an event name.
 * Returns an error naming the bad term.
 */
export function parseFilterText(text: string): Parsed<StreamFilter> {
  const filter: StreamFilter = { eventNames: [], headers: [] };
  const terms = text.trim().split(/\s+/).filter((term) => term.length > 0);
  if (terms.length > MAX_FILTER_TERMS) return { ok: false, error: `at most ${MAX_FILTER_TERMS} filter terms` };
  for (const term of terms) {
    if (term.length > MAX_FILTER_TERM_CHARS) return { ok: false, error: 'a filter term is too long' };
    const eq = term.indexOf('=');
    if (eq === 0) return { ok: false, error: `"${term}": a header name is missing before "="` };
    if (eq > 0) {
      filter.headers.push([term.slice(0, eq), term.slice(eq + 1)]);
    } else if (/^[A-Za-z0-9_-]+$/.test(term)) {
      filter.eventNames.push(term);
    } else {
      return { ok: false, error: `"${term}" is not an event name (letters, digits, - and _) nor Header=value` };
    }
  }
  return { ok: true, value: filter };
}

/** Event text as on the wire (`Name: value` lines), for copying. */
export function headersAsText(headers: readonly HeaderPair[]): string {
  return headers.map(([name, value]) => `${name}: ${value}`).join('\n') + '\n';
}
