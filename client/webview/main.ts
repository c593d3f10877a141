/**
 * The AMI Workbench panel (browser bundle → dist/webview.js). Two views: block results and the live event stream.
 * Every server value is set with textContent or title, never parsed as HTML. Messages from the extension are
 * validated before use. UI state survives hiding through getState/setState; data is replayed by the extension.
 */
import {
  headersAsText,
  parseFilterText,
  parseToWebview,
  type ConnectionView,
  type FieldDocs,
  type FromWebview,
  type HeaderPair,
  type RunView,
  type StreamEvent,
  type ToWebview,
} from '../../protocol/src/webviewMessages';
import { EventStore, itemColumns, sortItems } from './eventStore';
import { CallIndex } from '../../core/src/timeline';
import { TimelineView } from './timeline';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** What survives the panel being hidden (kept small: the data itself is replayed by the extension). */
interface PanelState {
  tab: 'results' | 'events' | 'timeline';
  /** Linkedid of the call the timeline shows. */
  timelineCall?: string;
  filterText: string;
  pausedAt?: number;
  selectedSeq?: number;
}

const ROW_HEIGHT = 20;
const OVERSCAN = 10;
const MAX_RUNS = 200;
const MAX_ITEM_ROWS = 2000;
const STORE_CAPACITY = 100_000;

const vscode = acquireVsCodeApi();
const store = new EventStore(STORE_CAPACITY);
const runs: RunView[] = [];
const docs: FieldDocs = {};
let state: PanelState = restoreState(vscode.getState());
let connection: ConnectionView | null = null;
let offline: string | undefined;
let renderQueued = false;
let followTail = true;

function post(message: FromWebview): void {
  vscode.postMessage(message);
}

function restoreState(raw: unknown): PanelState {
  const fallback: PanelState = { tab: 'results', filterText: '' };
  if (typeof raw !== 'object' || raw === null) return fallback;
  const value = raw as Record<string, unknown>;
  return {
    tab: value.tab === 'events' || value.tab === 'timeline' ? value.tab : 'results',
    timelineCall: typeof value.timelineCall === 'string' ? value.timelineCall.slice(0, 200) : undefined,
    filterText: typeof value.filterText === 'string' ? value.filterText.slice(0, 4000) : '',
    pausedAt: typeof value.pausedAt === 'number' ? value.pausedAt : undefined,
    selectedSeq: typeof value.selectedSeq === 'number' ? value.selectedSeq : undefined,
  };
}

function saveState(): void {
  vscode.setState(state);
}

// ---------------------------------------------------------------- DOM helpers

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; title?: string; id?: string } = {},
  ...children: Array<Node | null | undefined>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title !== undefined) node.title = props.title;
  if (props.id) node.id = props.id;
  for (const child of children) if (child) node.append(child);
  return node;
}

function button(text: string, id: string, onClick: () => void, title?: string): HTMLButtonElement {
  const node = el('button', { text, id, title });
  node.type = 'button';
  node.addEventListener('click', onClick);
  return node;
}

function formatTime(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function fieldDoc(eventName: string, field: string): string | undefined {
  return docs[eventName.toLowerCase()]?.[field.toLowerCase()];
}

/** A two-column table of headers; with an event name, each header name carries its catalogue description. */
function headerTable(headers: readonly HeaderPair[], eventName?: string): HTMLTableElement {
  const table = el('table', { className: 'headers' });
  const body = el('tbody');
  for (const [name, value] of headers) {
    const nameCell = el('th', { text: name });
    const description = eventName ? fieldDoc(eventName, name) : undefined;
    if (description) {
      nameCell.title = description;
      nameCell.classList.add('documented');
    }
    body.append(el('tr', {}, nameCell, el('td', { text: value })));
  }
  table.append(body);
  return table;
}

// ---------------------------------------------------------------- layout

const app = document.getElementById('app') ?? document.body;
const tabResults = button('Results', 'tab-results', () => selectTab('results'));
const tabEvents = button('Events', 'tab-events', () => selectTab('events'));
const tabTimeline = button('Timeline', 'tab-timeline', () => selectTab('timeline'));
const connectionLabel = el('span', { id: 'connection', className: 'connection', text: 'not connected' });
const offlineBanner = el('div', { id: 'offline', className: 'offline-banner hidden' });
const offlineText = el('span');
offlineBanner.append(offlineText, button('Back to live', 'go-live', () => post({ type: 'goLive' })));
const noticeLine = el('div', { id: 'notice', className: 'notice hidden' });

const toolbar = el(
  'div',
  { className: 'toolbar' },
  el('div', { className: 'tabs' }, tabResults, tabEvents, tabTimeline),
  connectionLabel,
  el(
    'div',
    { className: 'actions' },
    button('Save session…', 'save-session', () => post({ type: 'saveSession' }), 'Save sent and received messages (secrets redacted)'),
    button('Open session…', 'open-session', () => post({ type: 'openSession' }), 'Open a saved session offline'),
  ),
);

// Results view
const runsList = el('div', { id: 'runs', className: 'runs' });
const runsEmpty = el('div', { className: 'empty', text: 'No block has run yet. Use ▶ Run above a block or Ctrl+Enter.' });
const resultsView = el('section', { id: 'results-view', className: 'view' }, runsEmpty, runsList);

// Events view
const filterInput = el('input', { id: 'filter', title: 'Event names and Header=value terms, separated by spaces' });
filterInput.placeholder = 'Filter: Hangup Newchannel Channel=PJSIP/100';
filterInput.spellcheck = false;
const filterError = el('span', { id: 'filter-error', className: 'filter-error' });
const pauseButton = button('Pause', 'pause', () => togglePause());
const counterReceived = el('span', { id: 'count-received', text: '0' });
const counterShown = el('span', { id: 'count-shown', text: '0' });
const counterDropped = el('span', { id: 'count-dropped', text: '0' });
const pendingLabel = el('span', { id: 'pending', className: 'pending' });
const eventsToolbar = el(
  'div',
  { className: 'toolbar events-toolbar' },
  filterInput,
  button('Push to server', 'push-filter', () => pushFilter(), 'Send this filter to Asterisk as Filter actions (server-side)'),
  button('Server events…', 'event-mask', () => post({ type: 'setEventMask' }), 'Choose which event classes Asterisk sends (Events action)'),
  pauseButton,
  button('Clear', 'clear', () => clearEvents()),
  el(
    'span',
    { className: 'counters' },
    document.createTextNode('received '),
    counterReceived,
    document.createTextNode(' · shown '),
    counterShown,
    document.createTextNode(' · dropped '),
    counterDropped,
  ),
  pendingLabel,
  filterError,
);
const viewport = el('div', { id: 'event-list', className: 'event-list' });
const spacer = el('div', { className: 'spacer' });
viewport.append(spacer);
const detail = el('div', { id: 'event-detail', className: 'event-detail' });
const eventsView = el(
  'section',
  { id: 'events-view', className: 'view' },
  eventsToolbar,
  el('div', { className: 'split' }, viewport, detail),
);

// Timeline view (calls by Linkedid, one lane per channel)
const timeline = new TimelineView(new CallIndex({ maxCalls: 5000, maxEventsPerCall: 2000 }), {
  copy: (text) => post({ type: 'copy', text }),
  saveFile: (format, name, data) => post({ type: 'saveFile', format, name, data }),
  notice: (level, text) => showNotice(level, text),
  fieldDoc: (eventName, field) => fieldDoc(eventName, field),
  onSelect: (linkedid) => {
    state.timelineCall = linkedid;
    saveState();
  },
});

/** Opens the timeline on the call these headers belong to (an event row, a block's response, items or events). */
function showCallOf(headerSets: ReadonlyArray<ReadonlyArray<readonly [string, string]>>): void {
  const call = timeline.callOf(headerSets);
  if (!call) {
    showNotice('error', 'No call of the timeline matches: it names no channel (Uniqueid/Linkedid) the panel has seen, or it was evicted.');
    return;
  }
  timeline.select(call.linkedid);
  selectTab('timeline');
}

app.append(toolbar, offlineBanner, noticeLine, resultsView, eventsView, timeline.element);

// ---------------------------------------------------------------- tabs and notices

function selectTab(tab: PanelState['tab']): void {
  state.tab = tab;
  saveState();
  resultsView.classList.toggle('hidden', tab !== 'results');
  eventsView.classList.toggle('hidden', tab !== 'events');
  timeline.element.classList.toggle('hidden', tab !== 'timeline');
  tabResults.classList.toggle('active', tab === 'results');
  tabEvents.classList.toggle('active', tab === 'events');
  tabTimeline.classList.toggle('active', tab === 'timeline');
  if (tab !== 'results') queueRender();
}

function showNotice(level: 'info' | 'error', text: string): void {
  noticeLine.textContent = text;
  noticeLine.className = `notice ${level}`;
}

function renderConnection(): void {
  if (offline !== undefined) {
    connectionLabel.textContent = `offline: ${offline}`;
    connectionLabel.className = 'connection offline';
    return;
  }
  if (!connection) {
    connectionLabel.textContent = 'not connected';
    connectionLabel.className = 'connection';
    return;
  }
  connectionLabel.textContent = `${connection.name}: ${connection.state}${connection.detail ? ` (${connection.detail})` : ''}`;
  connectionLabel.className = `connection state-${connection.state}${connection.production ? ' production' : ''}`;
}

// ---------------------------------------------------------------- results

function runSummary(run: RunView): string {
  const parts: string[] = [run.status];
  if (run.durationMs !== undefined) parts.push(`${Math.round(run.durationMs)} ms`);
  if (run.items.length > 0) parts.push(`${run.items.length} item${run.items.length === 1 ? '' : 's'}`);
  if (run.events.length > 0) parts.push(`${run.events.length} event${run.events.length === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

function itemsTable(run: RunView): HTMLElement {
  const columns = itemColumns(run.items);
  const wrapper = el('div', { className: 'items' });
  let sortColumn: string | undefined;
  let sortDirection: 'asc' | 'desc' = 'asc';
  const table = el('table', { className: 'list-items' });
  const head = el('thead');
  const headRow = el('tr');
  const body = el('tbody');
  const note = el('div', { className: 'note' });
  const fill = (): void => {
    const rows = sortColumn ? sortItems(run.items, sortColumn, sortDirection) : run.items;
    body.replaceChildren();
    for (const item of rows.slice(0, MAX_ITEM_ROWS)) {
      const values = new Map(item.map(([name, value]) => [name.toLowerCase(), value]));
      body.append(el('tr', {}, ...columns.map((column) => el('td', { text: values.get(column.toLowerCase()) ?? '' }))));
    }
    note.textContent = rows.length > MAX_ITEM_ROWS ? `showing the first ${MAX_ITEM_ROWS} of ${rows.length} items` : '';
  };
  const itemEvent = run.items[0]?.find(([name]) => name.toLowerCase() === 'event')?.[1];
  for (const column of columns) {
    const description = itemEvent ? fieldDoc(itemEvent, column) : undefined;
    const th = el('th', { text: column, title: description ? `${description}\n(click to sort)` : 'Sort by this column' });
    th.addEventListener('click', () => {
      sortDirection = sortColumn === column && sortDirection === 'asc' ? 'desc' : 'asc';
      sortColumn = column;
      for (const cell of Array.from(headRow.children)) cell.classList.remove('sorted-asc', 'sorted-desc');
      th.classList.add(`sorted-${sortDirection}`);
      fill();
    });
    headRow.append(th);
  }
  head.append(headRow);
  table.append(head, body);
  fill();
  wrapper.append(table, note);
  return wrapper;
}

function section(title: string, content: Node): HTMLElement {
  return el('div', { className: 'section' }, el('h4', { text: title }), content);
}

function renderRun(run: RunView): HTMLElement {
  const card = el('details', { className: `run status-${run.status}` });
  card.dataset.runId = run.id;
  card.open = true;
  const summary = el(
    'summary',
    {},
    el('span', { className: `badge ${run.status}`, text: run.status }),
    el('span', { className: 'run-title', text: run.title }),
    el('span', {
      className: 'run-meta',
      text:
        `${runSummary(run)} · ${run.source} · ${run.connection}` +
        (run.actionId ? ` · ActionID ${run.actionId}` : '') +
        (run.userActionId ? ` (written: ${run.userActionId})` : ''),
    }),
  );
  card.append(summary);
  if (run.error) card.append(el('div', { className: 'run-error', text: run.error }));
  if (run.listIncomplete) card.append(el('div', { className: 'list-incomplete', text: `List incomplete: ${run.listIncomplete}` }));
  const copyRun = button('Copy as text', '', () => post({ type: 'copy', text: runAsText(run) }));
  copyRun.className = 'copy-run';
  card.append(copyRun);
  const callHeaders = [...run.events.map((e) => e.headers), ...run.items, ...(run.response ? [run.response] : [])];
  if (callHeaders.some((headers) => headers.some(([name]) => /uniqueid$|^linkedid$/i.test(name)))) {
    const showCall = button('Show call', '', () => showCallOf(callHeaders), 'Open the call this result names on the Timeline tab');
    showCall.className = 'show-call';
    card.append(showCall);
  }
  card.append(section('Sent', headerTable(run.sent)));
  if (run.response) card.append(section('Response', headerTable(run.response)));
  if (run.items.length > 0) card.append(section(`List items (${run.items.length})`, itemsTable(run)));
  if (run.events.length > 0) {
    const events = el('div', { className: 'run-events' });
    for (const event of run.events) {
      const item = el('details', {}, el('summary', { text: `${formatTime(event.time)} ${event.name}` }));
      item.append(headerTable(event.headers, event.name));
      events.append(item);
    }
    card.append(section(`Events (${run.events.length})`, events));
  }
  return card;
}

function runAsText(run: RunView): string {
  let text = `# ${run.title} (${run.source}) on ${run.connection}: ${runSummary(run)}\n`;
  if (run.error) text += `# ${run.error}\n`;
  text += headersAsText(run.sent) + '\n';
  if (run.response) text += headersAsText(run.response) + '\n';
  for (const item of run.items) text += headersAsText(item) + '\n';
  for (const event of run.events) text += headersAsText(event.headers) + '\n';
  return text;
}

function upsertRun(run: RunView): void {
  const index = runs.findIndex((existing) => existing.id === run.id);
  if (index >= 0) runs[index] = run;
  else {
    runs.unshift(run);
    if (runs.length > MAX_RUNS) runs.length = MAX_RUNS;
  }
  const node = renderRun(run);
  const existing = runsList.querySelector<HTMLElement>(`[data-run-id="${CSS.escape(run.id)}"]`);
  if (existing) existing.replaceWith(node);
  else runsList.prepend(node);
  while (runsList.children.length > MAX_RUNS) runsList.lastElementChild?.remove();
  runsEmpty.classList.toggle('hidden', runs.length > 0);
}

function renderAllRuns(): void {
  runsList.replaceChildren(...runs.map(renderRun));
  runsEmpty.classList.toggle('hidden', runs.length > 0);
}

// ---------------------------------------------------------------- live events

const rowPool: HTMLDivElement[] = [];

function eventSummary(event: StreamEvent): string {
  const parts: string[] = [];
  for (const [name, value] of event.headers) {
    const lower = name.toLowerCase();
    if (lower === 'event' || lower === 'privilege') continue;
    parts.push(`${name}=${value}`);
    if (parts.length === 4) break;
  }
  return parts.join('  ');
}

function queueRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderEvents();
    if (state.tab === 'timeline') timeline.refresh();
  });
}

function renderCounters(): void {
  const counters = store.counters();
  counterReceived.textContent = String(counters.received);
  counterShown.textContent = String(counters.shown);
  counterDropped.textContent = String(counters.dropped);
  counterDropped.parentElement!.title =
    `dropped by the session queue: ${counters.droppedBySession}; evicted from the panel (over ${STORE_CAPACITY}): ${counters.evicted}`;
  const pending = store.pendingCount;
  pendingLabel.textContent = store.paused ? `paused · ${pending} new` : '';
}

function renderEvents(): void {
  renderCounters();
  if (state.tab !== 'events') return;
  const count = store.visibleCount;
  spacer.style.height = `${count * ROW_HEIGHT}px`;
  if (followTail && !store.paused) viewport.scrollTop = Math.max(0, count * ROW_HEIGHT - viewport.clientHeight);
  const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
  const visibleRows = Math.ceil(viewport.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
  const last = Math.min(count, first + visibleRows);
  const needed = last - first;
  while (rowPool.length < needed) {
    const row = el('div', { className: 'row' });
    row.setAttribute('role', 'option');
    row.append(el('span', { className: 'time' }), el('span', { className: 'name' }), el('span', { className: 'summary' }));
    row.addEventListener('click', () => selectEvent(Number(row.dataset.seq)));
    rowPool.push(row);
    spacer.append(row);
  }
  for (let i = 0; i < rowPool.length; i++) {
    const row = rowPool[i];
    const event = i < needed ? store.visibleAt(first + i) : undefined;
    if (!event) {
      row.classList.add('hidden');
      continue;
    }
    row.classList.remove('hidden');
    row.style.transform = `translateY(${(first + i) * ROW_HEIGHT}px)`;
    if (row.dataset.seq !== String(event.seq)) {
      row.dataset.seq = String(event.seq);
      (row.children[0] as HTMLElement).textContent = formatTime(event.time);
      (row.children[1] as HTMLElement).textContent = event.name;
      const summary = eventSummary(event);
      (row.children[2] as HTMLElement).textContent = summary;
      row.title = `${event.name}  ${summary}`;
    }
    row.classList.toggle('selected', event.seq === state.selectedSeq);
    row.setAttribute('aria-selected', String(event.seq === state.selectedSeq));
  }
}

function selectEvent(seq: number): void {
  if (!Number.isFinite(seq)) return;
  state.selectedSeq = seq;
  saveState();
  renderDetail();
  queueRender();
}

function renderDetail(): void {
  const event = state.selectedSeq === undefined ? undefined : store.bySeq(state.selectedSeq);
  if (!event) {
    detail.replaceChildren(el('div', { className: 'empty', text: 'Click an event to see all its headers.' }));
    return;
  }
  detail.replaceChildren(
    el('h4', { text: `${event.name} · #${event.seq} · ${formatTime(event.time)}` }),
    button('Copy as text', 'copy-event', () => post({ type: 'copy', text: headersAsText(event.headers) })),
    button('Show call', 'show-call', () => showCallOf([event.headers]), 'Open the call of this event on the Timeline tab'),
    headerTable(event.headers, event.name),
  );
}

function togglePause(): void {
  if (store.paused) {
    store.resume();
    state.pausedAt = undefined;
    followTail = true;
  } else {
    store.pause();
    state.pausedAt = store.pausedAtSeq;
  }
  pauseButton.textContent = store.paused ? 'Resume' : 'Pause';
  saveState();
  queueRender();
}

function applyFilterText(): boolean {
  const parsed = parseFilterText(filterInput.value);
  if (!parsed.ok) {
    filterError.textContent = parsed.error;
    filterInput.classList.add('invalid');
    return false;
  }
  filterError.textContent = '';
  filterInput.classList.remove('invalid');
  store.setFilter(parsed.value);
  state.filterText = filterInput.value;
  saveState();
  queueRender();
  return true;
}

function pushFilter(): void {
  if (!applyFilterText()) return;
  const filter = store.currentFilter;
  if (filter.eventNames.length === 0 && filter.headers.length === 0) {
    filterError.textContent = 'type a filter first (event names and/or Header=value)';
    return;
  }
  post({ type: 'pushFilter', filter });
}

function clearEvents(): void {
  store.clear();
  state.selectedSeq = undefined;
  state.pausedAt = store.pausedAtSeq;
  saveState();
  renderDetail();
  timeline.reset();
  post({ type: 'clear' });
  queueRender();
}

filterInput.addEventListener('input', () => applyFilterText());
viewport.tabIndex = 0;
viewport.setAttribute('role', 'listbox');
viewport.setAttribute('aria-label', 'Events');
viewport.addEventListener('keydown', (event) => {
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Home' && event.key !== 'End') return;
  event.preventDefault();
  const count = store.visibleCount;
  if (count === 0) return;
  let index = -1;
  for (let i = 0; i < count && state.selectedSeq !== undefined; i++) {
    if (store.visibleAt(i)?.seq === state.selectedSeq) {
      index = i;
      break;
    }
  }
  if (event.key === 'Home') index = 0;
  else if (event.key === 'End') index = count - 1;
  else index = Math.max(0, Math.min(count - 1, index + (event.key === 'ArrowDown' ? 1 : -1)));
  const target = store.visibleAt(index);
  if (!target) return;
  followTail = index === count - 1;
  const top = index * ROW_HEIGHT;
  if (top < viewport.scrollTop) viewport.scrollTop = top;
  else if (top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW_HEIGHT - viewport.clientHeight;
  selectEvent(target.seq);
});
viewport.addEventListener('scroll', () => {
  followTail = viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - ROW_HEIGHT;
  queueRender();
});
window.addEventListener('resize', () => queueRender());

// ---------------------------------------------------------------- messages from the extension

function handle(message: ToWebview): void {
  switch (message.type) {
    case 'events':
      if (message.docs) Object.assign(docs, message.docs);
      store.setDroppedBySession(message.counters.droppedBySession);
      store.append(message.events);
      timeline.add(message.events);
      queueRender();
      break;
    case 'run':
      if (message.docs) Object.assign(docs, message.docs);
      upsertRun(message.run);
      break;
    case 'connection':
      connection = message.connection;
      renderConnection();
      break;
    case 'reset':
      offline = message.offline;
      offlineText.textContent = offline === undefined ? '' : `Viewing a saved session: ${offline}`;
      offlineBanner.classList.toggle('hidden', offline === undefined);
      Object.assign(docs, message.docs);
      store.reset(message.events, message.counters.droppedBySession);
      timeline.reset(message.events);
      if (state.timelineCall !== undefined && timeline.selectedCall === undefined) timeline.select(state.timelineCall);
      followTail = true;
      runs.length = 0;
      runs.push(...message.runs.slice(-MAX_RUNS).reverse());
      renderAllRuns();
      renderConnection();
      renderDetail();
      queueRender();
      break;
    case 'notice':
      showNotice(message.level, message.text);
      break;
    case 'showCall':
      if (!timeline.select(message.linkedid)) {
        showNotice('error', `The timeline has no call ${message.linkedid} yet: its events arrive while the panel is open (or it was evicted).`);
      }
      selectTab('timeline');
      break;
    default: {
      const unhandled: never = message;
      throw new Error(`unhandled message ${JSON.stringify(unhandled)}`);
    }
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseToWebview(event.data);
  if (!parsed.ok) {
    showNotice('error', `Ignored a malformed message from the extension: ${parsed.error}`);
    return;
  }
  handle(parsed.value);
});

// ---------------------------------------------------------------- start

filterInput.value = state.filterText;
applyFilterText();
if (state.pausedAt !== undefined) {
  store.pause(state.pausedAt);
  pauseButton.textContent = 'Resume';
}
selectTab(state.tab);
renderConnection();
renderDetail();
renderAllRuns();
post({ type: 'ready' });
