/**
 * The Events tab: the live event stream as a virtualised list (a pool of rows moved into place), pause/resume
 * without loss, filters (applied here, or pushed to Asterisk), counters of received / shown / dropped, and the
 * selected event's headers.
 */
import { headersAsText, parseFilterText, type HeaderPair, type StreamEvent } from '../../protocol/src/webviewMessages';
import { button, el, headerTable } from './dom';
import { EventStore } from './eventStore';
import { eventTime, eventTimeTitle } from './eventTime';
import type { ShowCall } from './resultsView';
import type { PanelContext } from './state';

const ROW_HEIGHT = 20;
const OVERSCAN = 10;
/** Until the extension sends ami.panel.maxEvents (with every reset). */
export const STORE_CAPACITY = 100_000;

function eventSummary(headers: readonly HeaderPair[]): string {
  const parts: string[] = [];
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === 'event' || lower === 'privilege') continue;
    parts.push(`${name}=${value}`);
    if (parts.length === 4) break;
  }
  return parts.join('  ');
}

export interface EventsViewHooks {
  /** Asks for a redraw on the next animation frame (the entry batches the events list and the timeline). */
  requestRender(): void;
  showCallOf: ShowCall;
  /** The user cleared the events: the other views forget them too. */
  onClear(): void;
}

export class EventsView {
  readonly element: HTMLElement;
  readonly store = new EventStore(STORE_CAPACITY);
  private followTail = true;
  private readonly rowPool: HTMLDivElement[] = [];
  private readonly filterInput = el('input', { id: 'filter', title: 'Event names and Header=value terms, separated by spaces' });
  private readonly filterError = el('span', { id: 'filter-error', className: 'filter-error' });
  private readonly pauseButton = button('Pause', 'pause', () => this.togglePause());
  private readonly counterReceived = el('span', { id: 'count-received', text: '0' });
  private readonly counterShown = el('span', { id: 'count-shown', text: '0' });
  private readonly counterDropped = el('span', { id: 'count-dropped', text: '0' });
  private readonly counters = el(
    'span',
    { className: 'counters' },
    document.createTextNode('received '),
    this.counterReceived,
    document.createTextNode(' · shown '),
    this.counterShown,
    document.createTextNode(' · dropped '),
    this.counterDropped,
  );
  private readonly pendingLabel = el('span', { id: 'pending', className: 'pending' });
  private readonly viewport = el('div', { id: 'event-list', className: 'event-list' });
  private readonly spacer = el('div', { className: 'spacer' });
  private readonly detail = el('div', { id: 'event-detail', className: 'event-detail' });

  constructor(
    private readonly context: PanelContext,
    private readonly hooks: EventsViewHooks,
  ) {
    this.filterInput.placeholder = 'Filter: Hangup Newchannel Channel=PJSIP/100';
    this.filterInput.spellcheck = false;
    const toolbar = el(
      'div',
      { className: 'toolbar events-toolbar' },
      this.filterInput,
      button('Push to server', 'push-filter', () => this.pushFilter(), 'Send this filter to Asterisk as Filter actions (server-side)'),
      button('Server events…', 'event-mask', () => context.post({ type: 'setEventMask' }), 'Choose which event classes Asterisk sends (Events action)'),
      this.pauseButton,
      button('Clear', 'clear', () => this.clear()),
      this.counters,
      this.pendingLabel,
      this.filterError,
    );
    this.viewport.append(this.spacer);
    this.element = el('section', { id: 'events-view', className: 'view' }, toolbar, el('div', { className: 'split' }, this.viewport, this.detail));
    this.listen();
  }

  /** Restores the filter and the pause from the saved state. */
  restore(): void {
    const state = this.context.state;
    this.filterInput.value = state.filterText;
    this.applyFilterText();
    if (state.pausedAt !== undefined) {
      this.store.pause(state.pausedAt);
      this.pauseButton.textContent = 'Resume';
    }
  }

  /** Replaces the stream (a saved session opened, or the live one again). */
  reset(events: readonly StreamEvent[], droppedBySession: number): void {
    this.store.reset(events, droppedBySession);
    this.followTail = true;
  }

  /** Counters always; the rows only while the Events tab shows. */
  render(): void {
    if (this.context.state.tab !== 'events') {
      this.renderCounters();
      return;
    }
    const { store, viewport, spacer, rowPool } = this;
    const selectedSeq = this.context.state.selectedSeq;
    const count = store.visibleCount;
    // Layout is read before anything changes, so the browser lays the page out once per frame, not per read.
    const viewHeight = viewport.clientHeight;
    const currentTop = viewport.scrollTop;
    const follow = this.followTail && !store.paused;
    const scrollTop = follow ? Math.max(0, count * ROW_HEIGHT - viewHeight) : currentTop;
    this.renderCounters();
    const spacerHeight = `${count * ROW_HEIGHT}px`;
    if (spacer.style.height !== spacerHeight) spacer.style.height = spacerHeight;
    if (follow && currentTop !== scrollTop) viewport.scrollTop = scrollTop;
    const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
    const visibleRows = Math.ceil(viewHeight / ROW_HEIGHT) + 2 * OVERSCAN;
    const last = Math.min(count, first + visibleRows);
    const needed = last - first;
    while (rowPool.length < needed) {
      const row = el('div', { className: 'row' });
      row.setAttribute('role', 'option');
      row.append(el('span', { className: 'time' }), el('span', { className: 'name' }), el('span', { className: 'summary' }));
      row.addEventListener('click', () => this.selectEvent(Number(row.dataset.seq)));
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
        // Packed events parse their headers on each read: once per row.
        const headers = event.headers;
        const time = eventTime({ time: event.time, headers });
        const timeCell = row.children[0] as HTMLElement;
        timeCell.textContent = time.text;
        timeCell.title = eventTimeTitle(time);
        timeCell.classList.toggle('received', time.source === 'received');
        (row.children[1] as HTMLElement).textContent = event.name;
        const summary = eventSummary(headers);
        (row.children[2] as HTMLElement).textContent = summary;
        row.title = `${event.name}  ${summary}`;
      }
      row.classList.toggle('selected', event.seq === selectedSeq);
      row.setAttribute('aria-selected', String(event.seq === selectedSeq));
    }
  }

  /** The selected event's headers, with a copy and a show-call button. */
  renderDetail(): void {
    const selectedSeq = this.context.state.selectedSeq;
    const event = selectedSeq === undefined ? undefined : this.store.bySeq(selectedSeq);
    if (!event) {
      this.detail.replaceChildren(el('div', { className: 'empty', text: 'Click an event to see all its headers.' }));
      return;
    }
    const time = eventTime(event);
    this.detail.replaceChildren(
      el('h4', { text: `${event.name} · #${event.seq} · ${time.source === 'server' ? 'server time' : 'received'} ${time.text}`, title: eventTimeTitle(time) }),
      button('Copy as text', 'copy-event', () => this.context.post({ type: 'copy', text: headersAsText(event.headers) })),
      button('Show call', 'show-call', () => this.hooks.showCallOf([event.headers]), 'Open the call of this event on the Timeline tab'),
      headerTable(event.headers, (field) => this.context.fieldDoc(event.name, field)),
    );
  }

  private renderCounters(): void {
    const counters = this.store.counters();
    this.counterReceived.textContent = String(counters.received);
    this.counterShown.textContent = String(counters.shown);
    this.counterDropped.textContent = String(counters.dropped);
    this.counters.title = `dropped by the session queue: ${counters.droppedBySession}; evicted from the panel (over ${this.store.capacity}): ${counters.evicted}`;
    this.pendingLabel.textContent = this.store.paused ? `paused · ${this.store.pendingCount} new` : '';
  }

  private selectEvent(seq: number): void {
    if (!Number.isFinite(seq)) return;
    this.context.state.selectedSeq = seq;
    this.context.save();
    this.renderDetail();
    this.hooks.requestRender();
  }

  private togglePause(): void {
    const state = this.context.state;
    if (this.store.paused) {
      this.store.resume();
      state.pausedAt = undefined;
      this.followTail = true;
    } else {
      this.store.pause();
      state.pausedAt = this.store.pausedAtSeq;
    }
    this.pauseButton.textContent = this.store.paused ? 'Resume' : 'Pause';
    this.context.save();
    this.hooks.requestRender();
  }

  private applyFilterText(): boolean {
    const parsed = parseFilterText(this.filterInput.value);
    if (!parsed.ok) {
      this.filterError.textContent = parsed.error;
      this.filterInput.classList.add('invalid');
      return false;
    }
    this.filterError.textContent = '';
    this.filterInput.classList.remove('invalid');
    this.store.setFilter(parsed.value);
    this.context.state.filterText = this.filterInput.value;
    this.context.save();
    this.hooks.requestRender();
    return true;
  }

  private pushFilter(): void {
    if (!this.applyFilterText()) return;
    const filter = this.store.currentFilter;
    if (filter.eventNames.length === 0 && filter.headers.length === 0) {
      this.filterError.textContent = 'type a filter first (event names and/or Header=value)';
      return;
    }
    this.context.post({ type: 'pushFilter', filter });
  }

  private clear(): void {
    this.store.clear();
    this.context.state.selectedSeq = undefined;
    this.context.state.pausedAt = this.store.pausedAtSeq;
    this.context.save();
    this.renderDetail();
    this.hooks.onClear();
    this.context.post({ type: 'clear' });
    this.hooks.requestRender();
  }

  private listen(): void {
    const { viewport, store } = this;
    this.filterInput.addEventListener('input', () => this.applyFilterText());
    viewport.tabIndex = 0;
    viewport.setAttribute('role', 'listbox');
    viewport.setAttribute('aria-label', 'Events');
    viewport.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Home' && event.key !== 'End') return;
      event.preventDefault();
      const count = store.visibleCount;
      if (count === 0) return;
      const selectedSeq = this.context.state.selectedSeq;
      let index = -1;
      for (let i = 0; i < count && selectedSeq !== undefined; i++) {
        if (store.visibleAt(i)?.seq === selectedSeq) {
          index = i;
          break;
        }
      }
      if (event.key === 'Home') index = 0;
      else if (event.key === 'End') index = count - 1;
      else index = Math.max(0, Math.min(count - 1, index + (event.key === 'ArrowDown' ? 1 : -1)));
      const target = store.visibleAt(index);
      if (!target) return;
      this.followTail = index === count - 1;
      const top = index * ROW_HEIGHT;
      if (top < viewport.scrollTop) viewport.scrollTop = top;
      else if (top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW_HEIGHT - viewport.clientHeight;
      this.selectEvent(target.seq);
    });
    viewport.addEventListener('scroll', () => {
      this.followTail = viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - ROW_HEIGHT;
      this.hooks.requestRender();
    });
  }
}
