/**
 * The AMI Workbench panel (browser bundle → dist/webview.js), entry point: the toolbar and tabs, the three views
 * (block results, live events, call timeline) and the messages from the extension. Every server value is set with
 * textContent or title, never parsed as HTML. Messages from the extension are validated before use. UI state
 * survives hiding through getState/setState (state.ts); data is replayed by the extension.
 */
import { parseToWebview, unpackEvents, type ConnectionView, type ToWebview } from '../../protocol/src/webviewMessages';
import { CallIndex } from '../../core/src/timeline';
import { button, el } from './dom';
import { EventsView, STORE_CAPACITY } from './eventsView';
import { ResultsView, type ShowCall } from './resultsView';
import { PanelContext, type PanelState } from './state';
import { TimelineView } from './timeline';

const context = new PanelContext();
const state = context.state;
let connection: ConnectionView | null = null;
let offline: string | undefined;
let renderQueued = false;

// ---------------------------------------------------------------- layout

const app = document.getElementById('app') ?? document.body;
/** `timeline`: this page is one call's timeline in its own editor tab (no results, no event list). */
const timelineOnly = app.dataset.mode === 'timeline';
if (timelineOnly && app.dataset.call) state.timelineCall = app.dataset.call.slice(0, 200);
const tabResults = button('Results', 'tab-results', () => selectTab('results'));
const tabEvents = button('Events', 'tab-events', () => selectTab('events'));
const tabTimeline = button('Timeline', 'tab-timeline', () => selectTab('timeline'));
const connectionLabel = el('span', { id: 'connection', className: 'connection', text: 'not connected' });
const offlineBanner = el('div', { id: 'offline', className: 'offline-banner hidden' });
const offlineText = el('span');
offlineBanner.append(offlineText, button('Back to live', 'go-live', () => context.post({ type: 'goLive' })));
const noticeLine = el('div', { id: 'notice', className: 'notice hidden' });

const toolbar = el(
  'div',
  { className: 'toolbar' },
  el('div', { className: 'tabs' }, tabResults, tabEvents, tabTimeline),
  connectionLabel,
  el(
    'div',
    { className: 'actions' },
    button('Save session…', 'save-session', () => context.post({ type: 'saveSession' }), 'Save sent and received messages (secrets redacted)'),
    button('Open session…', 'open-session', () => context.post({ type: 'openSession' }), 'Open a saved session offline'),
  ),
);

// Timeline view (calls by Linkedid, one lane per channel)
// The calls keep at most as many events as the event list (ami.panel.maxEvents, set with every reset), so the
// page's memory follows that one setting.
const timeline = new TimelineView(new CallIndex({ maxCalls: 5000, maxEventsPerCall: 2000, maxEvents: STORE_CAPACITY }), {
  copy: (text) => context.post({ type: 'copy', text }),
  saveFile: (format, name, data) => context.post({ type: 'saveFile', format, name, data }),
  notice: (level, text) => showNotice(level, text),
  fieldDoc: (eventName, field) => context.fieldDoc(eventName, field),
  onSelect: (linkedid) => {
    state.timelineCall = linkedid;
    context.save();
  },
  openInTab: timelineOnly ? undefined : (linkedid) => context.post({ type: 'openTimeline', linkedid }),
});

/** Opens the timeline on the call these headers belong to (an event row, a block's response, items or events). */
const showCallOf: ShowCall = (headerSets) => {
  const call = timeline.callOf(headerSets);
  if (!call) {
    showNotice('error', 'No call of the timeline matches: it names no channel (Uniqueid/Linkedid) the panel has seen, or it was evicted.');
    return;
  }
  timeline.select(call.linkedid);
  selectTab('timeline');
  // The panel beside the editor is narrow: the call also opens at full width in its own editor tab.
  if (!timelineOnly) context.post({ type: 'openTimeline', linkedid: call.linkedid });
};

const results = new ResultsView(context, showCallOf);
const events = new EventsView(context, { requestRender: () => queueRender(), showCallOf, onClear: () => timeline.reset() });

app.append(toolbar, offlineBanner, noticeLine, results.element, events.element, timeline.element);
if (timelineOnly) {
  // One call at full width: the tabs and session buttons belong to the panel.
  toolbar.classList.add('hidden');
  app.classList.add('timeline-only');
}

// ---------------------------------------------------------------- tabs, notices, rendering

function selectTab(requested: PanelState['tab']): void {
  const tab = timelineOnly ? 'timeline' : requested;
  state.tab = tab;
  context.save();
  results.element.classList.toggle('hidden', tab !== 'results');
  events.element.classList.toggle('hidden', tab !== 'events');
  timeline.element.classList.toggle('hidden', tab !== 'timeline');
  tabResults.classList.toggle('active', tab === 'results');
  tabEvents.classList.toggle('active', tab === 'events');
  tabTimeline.classList.toggle('active', tab === 'timeline');
  if (tab !== 'results') queueRender();
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined;
/** How long an info notice ("Saved 3 runs...", "Copied") stays; errors stay until dismissed or replaced. */
const INFO_NOTICE_MS = 8000;

function showNotice(level: 'info' | 'error', text: string): void {
  if (noticeTimer !== undefined) clearTimeout(noticeTimer);
  noticeTimer = undefined;
  const dismiss = button('×', 'notice-dismiss', () => hideNotice(), 'Dismiss');
  noticeLine.replaceChildren(el('span', { className: 'notice-text', text }), dismiss);
  noticeLine.className = `notice ${level}`;
  if (level === 'info') noticeTimer = setTimeout(() => hideNotice(), INFO_NOTICE_MS);
}

function hideNotice(): void {
  if (noticeTimer !== undefined) clearTimeout(noticeTimer);
  noticeTimer = undefined;
  noticeLine.replaceChildren();
  noticeLine.className = 'notice hidden';
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

/** One redraw per animation frame, however many events arrived. */
function queueRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    events.render();
    if (state.tab === 'timeline') timeline.refresh();
  });
}

// ---------------------------------------------------------------- messages from the extension

function handle(message: ToWebview): void {
  switch (message.type) {
    case 'events': {
      const batch = unpackEvents(message.events);
      context.addDocs(message.docs);
      events.store.setDroppedBySession(message.counters.droppedBySession);
      events.store.append(batch);
      timeline.add(batch);
      queueRender();
      break;
    }
    case 'run':
      context.addDocs(message.docs);
      results.upsert(message.run);
      break;
    case 'connection':
      connection = message.connection;
      renderConnection();
      break;
    case 'reset': {
      offline = message.offline;
      offlineText.textContent = offline === undefined ? '' : `Viewing a saved session: ${offline}`;
      offlineBanner.classList.toggle('hidden', offline === undefined);
      context.addDocs(message.docs);
      if (message.maxEvents !== undefined) {
        events.store.setCapacity(message.maxEvents);
        timeline.index.setMaxEvents(message.maxEvents);
      }
      const replayed = unpackEvents(message.events);
      events.reset(replayed, message.counters.droppedBySession);
      timeline.reset(replayed);
      if (state.timelineCall !== undefined && timeline.selectedCall === undefined) timeline.select(state.timelineCall);
      results.replaceAll(message.runs);
      renderConnection();
      events.renderDetail();
      queueRender();
      break;
    }
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
window.addEventListener('resize', () => queueRender());

// ---------------------------------------------------------------- start

events.restore();
selectTab(state.tab);
renderConnection();
events.renderDetail();
results.render();
context.post({ type: 'ready' });
