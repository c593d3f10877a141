/**
 * The panel's call timeline: a list of calls (by Linkedid) and, for the selected one, one lane per channel drawn
 * as inline SVG built with DOM APIs (server values only ever as textContent or attribute values). Zoom with the
 * wheel or the buttons, click a mark for its event's headers, export the picture (SVG, PNG drawn on a canvas)
 * and the call's events as text.
 */
import { CallIndex, callAsText, clockTime, type TimelineCall, type TimelineInputEvent } from '../../core/src/timeline';
import { layoutCall, fitScale, LABEL_WIDTH, RIGHT_PAD, MARK_COLORS, MARK_KIND_NAMES, type Prim, type Scene, type SceneTheme } from './timelineScene';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Rows of the call list actually in the DOM (the rest is reachable by the search box). */
export const MAX_CALL_ROWS = 300;
const MIN_ZOOM = 0.05;
const MAX_ZOOM = 5000;
/** Widest picture zooming may make (ticks and marks stay a few thousand SVG nodes). */
const MAX_SCENE_WIDTH = 250_000;
/** Largest PNG side in pixels (browsers refuse bigger canvases). */
const MAX_PNG_SIDE = 16_000;
/** Main-thread time per animation frame given to indexing queued live events (the rest is the frame's). */
export const INDEX_BUDGET_MS = 4;
/** Events indexed between two looks at the clock. */
const INDEX_SLICE = 100;
/** Queued events beyond which they are indexed at once (a hidden page gets no animation frames). */
const MAX_QUEUED_EVENTS = 20_000;
/** Least time between two rebuilds of the call list while events stream in. */
const LIST_INTERVAL_MS = 250;

export interface TimelineHost {
  copy(text: string): void;
  saveFile(format: 'svg' | 'png' | 'txt', name: string, data: string): void;
  notice(level: 'info' | 'error', text: string): void;
  /** Catalogue description of an event field, for header tooltips. */
  fieldDoc(eventName: string, field: string): string | undefined;
  /** A callback when the selected call changes (the panel keeps it in its state). */
  onSelect?(linkedid: string | undefined): void;
  /** Opens a call's timeline in its own editor tab (absent where the timeline already is one). */
  openInTab?(linkedid: string): void;
}

/** Marks a call row selected or not, touching the DOM only when that changes. */
function markRowSelected(row: HTMLElement, selected: boolean): void {
  const value = String(selected);
  if (row.getAttribute('aria-selected') === value) return;
  row.classList.toggle('selected', selected);
  row.setAttribute('aria-selected', value);
}

function html<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function htmlButton(text: string, id: string, onClick: () => void, title?: string): HTMLButtonElement {
  const node = html('button', undefined, text);
  node.type = 'button';
  node.id = id;
  if (title) node.title = title;
  node.addEventListener('click', onClick);
  return node;
}

/** A file name made of safe characters from a Linkedid. */
function fileStem(call: TimelineCall): string {
  return `call-${call.linkedid.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

export class TimelineView {
  readonly element: HTMLElement;
  private readonly search: HTMLInputElement;
  private readonly countersLabel: HTMLElement;
  private readonly callList: HTMLElement;
  private readonly listNote: HTMLElement;
  private readonly canvasHost: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly zoomLabel: HTMLElement;
  private selected: string | undefined;
  private drawnVersion = -1;
  private drawnCall: string | undefined;
  private listVersion = -1;
  private zoom = 1;
  /** Factor on the fit scale so a call with clustered marks still fits at 100 %. */
  private fitAdjust = 1;
  private selectedSeq: number | undefined;
  private scene: Scene | undefined;
  /** Live events not indexed yet (indexed a few milliseconds per frame, or all at once before a read). */
  private queued: Array<readonly TimelineInputEvent[]> = [];
  /** How many events of queued[0] are already indexed. */
  private queuedOffset = 0;
  private queuedCount = 0;
  private indexingScheduled = false;
  private listRenderedAt = Number.NEGATIVE_INFINITY;
  private listTimer: ReturnType<typeof setTimeout> | undefined;
  /** The call list's rows by Linkedid (reused while the call stays listed). */
  private readonly rowsById = new Map<string, HTMLElement>();

  constructor(
    readonly index: CallIndex,
    private readonly host: TimelineHost,
  ) {
    this.search = html('input');
    this.search.id = 'timeline-search';
    this.search.placeholder = 'Find a call: Linkedid, channel, Uniqueid';
    this.search.spellcheck = false;
    this.search.addEventListener('input', () => {
      this.listVersion = -1;
      this.refresh();
    });
    this.countersLabel = html('span', 'tl-counters');
    this.countersLabel.id = 'timeline-counters';
    this.zoomLabel = html('span', 'tl-zoom');
    this.zoomLabel.id = 'timeline-zoom';
    const toolbar = html('div', 'toolbar tl-toolbar');
    toolbar.append(
      this.search,
      htmlButton('−', 'timeline-zoom-out', () => this.setZoom(this.zoom / 1.5), 'Zoom out (or the mouse wheel over the timeline)'),
      htmlButton('+', 'timeline-zoom-in', () => this.setZoom(this.zoom * 1.5), 'Zoom in (or the mouse wheel over the timeline)'),
      htmlButton('Fit', 'timeline-fit', () => this.setZoom(1), 'Whole call in view'),
      this.zoomLabel,
      htmlButton('Export SVG', 'timeline-export-svg', () => this.exportSvg(), 'Save the picture as SVG'),
      htmlButton('Export PNG', 'timeline-export-png', () => this.exportPng(), 'Save the picture as PNG'),
      htmlButton('Copy events', 'timeline-copy', () => this.copyEvents(), "Copy the call's events as text"),
      htmlButton('Save events…', 'timeline-save-text', () => this.saveEvents(), "Save the call's events as a text file"),
      ...(host.openInTab
        ? [htmlButton('Open in editor tab', 'timeline-open-tab', () => this.openInTab(), 'The selected call in its own editor tab, at full width')]
        : []),
      this.countersLabel,
    );
    this.callList = html('div', 'tl-calls');
    this.callList.id = 'timeline-calls';
    this.callList.setAttribute('role', 'listbox');
    this.callList.setAttribute('aria-label', 'Calls');
    this.listNote = html('div', 'tl-note');
    const listPane = html('div', 'tl-list-pane');
    listPane.append(this.callList, this.listNote);
    this.canvasHost = html('div', 'tl-canvas');
    this.canvasHost.id = 'timeline-canvas';
    this.canvasHost.addEventListener('wheel', (event) => this.onWheel(event), { passive: false });
    this.canvasHost.addEventListener('click', (event) => this.onClick(event));
    this.detail = html('div', 'tl-detail');
    this.detail.id = 'timeline-detail';
    const legend = html('div', 'tl-legend');
    for (const [kind, name] of Object.entries(MARK_KIND_NAMES)) {
      const swatch = html('span', 'tl-swatch');
      swatch.style.background = MARK_COLORS[kind as keyof typeof MARK_COLORS];
      const item = html('span', 'tl-legend-item');
      item.append(swatch, document.createTextNode(name));
      legend.append(item);
    }
    const main = html('div', 'tl-main');
    main.append(this.canvasHost, legend, this.detail);
    const split = html('div', 'tl-split');
    split.append(listPane, main);
    this.element = html('section', 'view tl-view');
    this.element.id = 'timeline-view';
    this.element.append(toolbar, split);
    this.renderDetail();
  }

  /**
   * Queues live events for the index: they are indexed INDEX_BUDGET_MS per animation frame, so a batch of
   * thousands does not hold up a frame, and at once before anything reads the index (a click, Show call, the tab).
   */
  add(events: readonly TimelineInputEvent[]): void {
    if (events.length === 0) return;
    this.queued.push(events);
    this.queuedCount += events.length;
    if (this.queuedCount > MAX_QUEUED_EVENTS) this.catchUp();
    else this.scheduleIndexing();
  }

  /** Events queued and not indexed yet. */
  get queuedEvents(): number {
    return this.queuedCount;
  }

  /** Indexes queued events for about `budgetMs`; returns true when some are still queued. */
  indexQueued(budgetMs: number): boolean {
    const deadline = performance.now() + budgetMs;
    while (this.queued.length > 0) {
      const batch = this.queued[0];
      const end = Math.min(batch.length, this.queuedOffset + INDEX_SLICE);
      this.index.add(this.queuedOffset === 0 && end === batch.length ? batch : batch.slice(this.queuedOffset, end));
      this.queuedCount -= end - this.queuedOffset;
      if (end === batch.length) {
        this.queued.shift();
        this.queuedOffset = 0;
      } else this.queuedOffset = end;
      if (performance.now() >= deadline) break;
    }
    return this.queued.length > 0;
  }

  /** Indexes everything queued (before the index is read). */
  private catchUp(): void {
    if (this.queuedCount > 0) this.indexQueued(Number.POSITIVE_INFINITY);
  }

  private scheduleIndexing(): void {
    if (this.indexingScheduled) return;
    this.indexingScheduled = true;
    requestAnimationFrame(() => {
      this.indexingScheduled = false;
      const more = this.indexQueued(INDEX_BUDGET_MS);
      if (!this.element.classList.contains('hidden')) this.refresh();
      if (more) this.scheduleIndexing();
    });
  }

  /** Forgets every call (clear, reload, another session). */
  reset(events: readonly TimelineInputEvent[] = []): void {
    this.queued = [];
    this.queuedOffset = 0;
    this.queuedCount = 0;
    this.index.reset();
    this.index.add(events);
    this.listVersion = -1;
    this.drawnVersion = -1;
    this.selectedSeq = undefined;
    if (this.selected !== undefined && !this.index.call(this.selected)) this.selected = undefined;
  }

  get selectedCall(): string | undefined {
    return this.selected;
  }

  /** Shows a call (from the list, an event row or a block result). Returns false when the index does not know it. */
  select(linkedid: string | undefined): boolean {
    this.catchUp();
    if (linkedid !== undefined && !this.index.call(linkedid)) return false;
    if (linkedid !== this.selected) {
      this.selected = linkedid;
      this.zoom = 1;
      this.selectedSeq = undefined;
      this.drawnVersion = -1;
      // Only the highlight moves: rebuilding the list would make the browser lay out every row again.
      this.markSelectedRow();
      this.host.onSelect?.(linkedid);
    }
    this.refresh();
    return true;
  }

  private markSelectedRow(): void {
    for (const row of Array.from(this.callList.children) as HTMLElement[]) markRowSelected(row, row.dataset.linkedid === this.selected);
  }

  private openInTab(): void {
    if (this.selected === undefined) {
      this.host.notice('error', 'Pick a call first, then open it in its own tab.');
      return;
    }
    this.host.openInTab?.(this.selected);
  }

  /** The call an event or a list of header sets belongs to, if the timeline knows it. */
  callOf(headerSets: ReadonlyArray<ReadonlyArray<readonly [string, string]>>): TimelineCall | undefined {
    this.catchUp();
    for (const headers of headerSets) {
      const call = this.index.callOf(headers);
      if (call) return call;
    }
    return undefined;
  }

  /** Redraws what changed: the list when calls changed, the picture when the selected call did. Cheap otherwise. */
  refresh(): void {
    // What is indexed so far: queued events follow within a few frames (scheduleIndexing refreshes after each slice).
    const counters = this.index.counters();
    this.countersLabel.textContent =
      `${counters.calls} call${counters.calls === 1 ? '' : 's'} · ${counters.channels} channel${counters.channels === 1 ? '' : 's'}` +
      (counters.evictedCalls > 0 ? ` · ${counters.evictedCalls} older calls evicted` : '') +
      (counters.waitingEvents > 0 ? ` · ${counters.waitingEvents} events waiting for their channel` : '') +
      (counters.unplacedEvents > 0 ? ` · ${counters.unplacedEvents} events of unknown channels` : '');
    this.countersLabel.title =
      `Calls are kept up to a bound; older ones are evicted and counted. ${counters.unrelatedEvents} events name no channel (DeviceStateChange, FullyBooted...).`;
    if (this.listVersion !== this.index.version) {
      // While events stream in, the list (hundreds of rows to lay out) is rebuilt a few times a second at most.
      const wait = this.listVersion < 0 ? 0 : this.listRenderedAt + LIST_INTERVAL_MS - performance.now();
      if (wait <= 0) {
        this.listVersion = this.index.version;
        this.listRenderedAt = performance.now();
        this.renderList();
      } else if (this.listTimer === undefined) {
        this.listTimer = setTimeout(() => {
          this.listTimer = undefined;
          if (!this.element.classList.contains('hidden')) this.refresh();
        }, wait);
      }
    }
    const call = this.selected === undefined ? undefined : this.index.call(this.selected);
    if (!call) {
      if (this.drawnCall !== undefined || this.drawnVersion !== -2) {
        this.drawnCall = undefined;
        this.drawnVersion = -2;
        this.scene = undefined;
        const hint = html('div', 'empty', this.index.callCount === 0 ? 'No calls yet: calls appear here as their events arrive (Newchannel, Dial, Bridge, Hangup…).' : 'Pick a call on the left, or "Show call" on an event or a block result.');
        this.canvasHost.replaceChildren(hint);
        this.renderDetail();
      }
      return;
    }
    if (this.drawnCall !== call.linkedid || this.drawnVersion !== call.version) this.draw(call);
  }

  private renderList(): void {
    const query = this.search.value.trim().toLowerCase();
    const calls = this.index.calls();
    const rows: HTMLElement[] = [];
    let matched = 0;
    for (let i = calls.length - 1; i >= 0; i--) {
      const call = calls[i];
      if (query && !(call.linkedid.toLowerCase().includes(query) || call.channels.some((c) => c.name.toLowerCase().includes(query) || c.uniqueid.includes(query)))) continue;
      matched++;
      if (rows.length >= MAX_CALL_ROWS) continue;
      rows.push(this.callRow(call));
    }
    this.placeRows(rows);
    if (this.rowsById.size > rows.length) {
      const listed = new Set(rows);
      for (const [linkedid, row] of this.rowsById) if (!listed.has(row)) this.rowsById.delete(linkedid);
    }
    this.listNote.textContent =
      matched > rows.length ? `showing the newest ${rows.length} of ${matched} calls: type in the search box to find others` : matched === 0 && calls.length > 0 ? 'no call matches' : '';
  }

  /** Puts the rows in this order, moving only those out of place (a stream adds calls at the top). */
  private placeRows(rows: readonly HTMLElement[]): void {
    let current = this.callList.firstElementChild;
    for (const row of rows) {
      if (row === current) {
        current = current.nextElementSibling;
        continue;
      }
      this.callList.insertBefore(row, current);
    }
    while (current) {
      const next = current.nextElementSibling;
      current.remove();
      current = next;
    }
  }

  /** A call's row, kept per call while it is listed, its text changed only where the call did. */
  private callRow(call: TimelineCall): HTMLElement {
    let row = this.rowsById.get(call.linkedid);
    if (!row) {
      row = html('div', 'tl-call-row');
      row.dataset.linkedid = call.linkedid;
      row.setAttribute('role', 'option');
      row.append(html('span', 'tl-call-time'), html('span', 'tl-call-name'), html('span', 'tl-call-meta'));
      const linkedid = call.linkedid;
      row.addEventListener('click', () => this.select(linkedid));
      this.rowsById.set(linkedid, row);
    }
    const ended = CallIndex.isEnded(call);
    const first = call.channels[0];
    const causes = [...new Set(call.channels.filter((c) => c.hangup).map((c) => `${c.hangup!.code} ${c.hangup!.text}`))];
    const texts = [
      clockTime(call.start, true),
      first ? first.name : call.linkedid,
      `${call.channels.length} ch · ${((call.end - call.start) / 1000).toFixed(1)} s · ${ended ? `ended${causes.length ? ` (${causes.join(', ')})` : ''}` : 'live'}`,
    ];
    texts.forEach((text, k) => {
      const cell = row.children[k];
      if (cell.textContent !== text) cell.textContent = text;
    });
    const title = `Linkedid ${call.linkedid}: ${call.channels.map((c) => c.name).join(', ')}`;
    if (row.title !== title) row.title = title;
    markRowSelected(row, call.linkedid === this.selected);
    return row;
  }

  private theme(): SceneTheme {
    const style = getComputedStyle(this.canvasHost);
    const body = getComputedStyle(document.body);
    const background = body.backgroundColor && body.backgroundColor !== 'rgba(0, 0, 0, 0)' ? body.backgroundColor : '#1e1e1e';
    return { background, foreground: style.color || '#cccccc', grid: 'rgba(127,127,127,0.35)', font: body.fontFamily || 'sans-serif' };
  }

  private draw(call: TimelineCall): void {
    // Layout and style are read once, before the DOM changes (a read after a change makes the browser lay out again).
    const scrolled = this.canvasHost.scrollLeft;
    const keepScroll = this.drawnCall === call.linkedid ? scrolled : 0;
    const width = Math.max(this.canvasHost.clientWidth, 600);
    const theme = this.theme();
    if (this.drawnCall !== call.linkedid || this.zoom === 1) this.fitAdjust = 1;
    let scene = layoutCall(this.index, call, fitScale(call, width) * this.fitAdjust * this.zoom, theme);
    // Marks of one instant are spread MARK_GAP apart, which can push the picture past the width at "Fit":
    // shrink the time scale until it fits, and keep that factor for zooming.
    const plot = width - LABEL_WIDTH - RIGHT_PAD;
    for (let attempt = 0; this.zoom === 1 && attempt < 4 && scene.width > width && plot > 100; attempt++) {
      this.fitAdjust *= Math.max(0.1, (plot - (scene.width - width)) / plot);
      scene = layoutCall(this.index, call, fitScale(call, width) * this.fitAdjust, theme);
    }
    this.scene = scene;
    this.canvasHost.replaceChildren(this.toSvg(this.scene, call, theme));
    if (keepScroll !== scrolled || keepScroll !== 0) this.canvasHost.scrollLeft = keepScroll;
    this.drawnCall = call.linkedid;
    this.drawnVersion = call.version;
    this.zoomLabel.textContent = `${Math.round(this.zoom * 100)}%`;
    this.renderDetail();
  }

  /** The scene as an <svg> element: every server value set as text or an attribute value. */
  private toSvg(scene: Scene, call: TimelineCall, theme: SceneTheme): SVGSVGElement {
    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('xmlns', SVG_NS);
    svg.setAttribute('width', String(scene.width));
    svg.setAttribute('height', String(scene.height));
    svg.setAttribute('viewBox', `0 0 ${scene.width} ${scene.height}`);
    svg.setAttribute('font-family', theme.font);
    svg.setAttribute('class', 'tl-svg');
    svg.dataset.linkedid = call.linkedid;
    svg.dataset.scale = String(scene.scale);
    const title = document.createElementNS(SVG_NS, 'title');
    title.textContent = `Call ${call.linkedid}`;
    svg.append(title);
    for (const prim of scene.prims) svg.append(this.svgPrim(prim));
    return svg;
  }

  private svgPrim(prim: Prim): SVGElement {
    const set = (node: SVGElement, attributes: Record<string, string | number | undefined>): void => {
      for (const [name, value] of Object.entries(attributes)) if (value !== undefined) node.setAttribute(name, String(value));
    };
    let node: SVGElement;
    switch (prim.kind) {
      case 'rect':
        node = document.createElementNS(SVG_NS, 'rect');
        set(node, { x: prim.x, y: prim.y, width: prim.w, height: prim.h, fill: prim.fill, stroke: prim.stroke, 'stroke-dasharray': prim.dash ? '4 3' : undefined });
        break;
      case 'line':
        node = document.createElementNS(SVG_NS, 'line');
        set(node, { x1: prim.x1, y1: prim.y1, x2: prim.x2, y2: prim.y2, stroke: prim.stroke, 'stroke-width': prim.width ?? 1, 'stroke-dasharray': prim.dash ? '4 3' : undefined });
        break;
      case 'circle':
        node = document.createElementNS(SVG_NS, 'circle');
        set(node, { cx: prim.cx, cy: prim.cy, r: prim.r, fill: prim.fill, stroke: prim.stroke });
        break;
      case 'poly':
        node = document.createElementNS(SVG_NS, prim.fill === 'none' ? 'polyline' : 'polygon');
        set(node, { points: prim.points.map(([px, py]) => `${px},${py}`).join(' '), fill: prim.fill, stroke: prim.stroke, 'stroke-width': prim.fill === 'none' ? 2 : undefined });
        break;
      case 'text':
        node = document.createElementNS(SVG_NS, 'text');
        set(node, { x: prim.x, y: prim.y, fill: prim.fill, 'font-size': prim.size, 'font-weight': prim.bold ? 'bold' : undefined, 'text-anchor': prim.anchor });
        node.textContent = prim.text;
        break;
    }
    if (prim.cls) node.setAttribute('class', prim.cls);
    if (prim.data) for (const [key, value] of Object.entries(prim.data)) node.dataset[key] = value;
    if (prim.title) {
      const title = document.createElementNS(SVG_NS, 'title');
      title.textContent = prim.title;
      node.append(title);
    }
    return node;
  }

  private setZoom(zoom: number, anchorClientX?: number): void {
    const call = this.selected === undefined ? undefined : this.index.call(this.selected);
    if (!call || !this.scene) return;
    const next = Math.min(MAX_ZOOM, MAX_SCENE_WIDTH / Math.max(this.canvasHost.clientWidth, 600), Math.max(MIN_ZOOM, zoom));
    const rect = this.canvasHost.getBoundingClientRect();
    const anchorX = anchorClientX === undefined ? this.canvasHost.clientWidth / 2 : anchorClientX - rect.left;
    // Keep the time under the pointer (or the middle) where it is.
    const contentX = this.canvasHost.scrollLeft + anchorX;
    const LABEL = LABEL_WIDTH;
    const time = contentX <= LABEL ? call.start : call.start + (contentX - LABEL) / this.scene.scale;
    this.zoom = next;
    this.drawnVersion = -1;
    this.draw(call);
    if (contentX > LABEL && this.scene) this.canvasHost.scrollLeft = Math.max(0, LABEL + (time - call.start) * this.scene.scale - anchorX);
  }

  private onWheel(event: WheelEvent): void {
    if (!this.scene || event.deltaY === 0 || event.shiftKey) return; // shift+wheel scrolls sideways
    event.preventDefault();
    this.setZoom(this.zoom * (event.deltaY < 0 ? 1.25 : 1 / 1.25), event.clientX);
  }

  private onClick(event: MouseEvent): void {
    const target = (event.target as Element | null)?.closest('[data-seq]');
    if (!target || !(target instanceof SVGElement)) return;
    const seq = Number(target.dataset.seq);
    if (!Number.isFinite(seq)) return;
    this.selectedSeq = seq;
    for (const node of Array.from(this.canvasHost.querySelectorAll('.tl-mark.selected'))) node.classList.remove('selected');
    for (const node of Array.from(this.canvasHost.querySelectorAll(`.tl-mark[data-seq="${seq}"]`))) node.classList.add('selected');
    this.renderDetail();
  }

  private renderDetail(): void {
    const call = this.selected === undefined ? undefined : this.index.call(this.selected);
    const event = call && this.selectedSeq !== undefined ? call.events.find((e) => e.seq === this.selectedSeq) : undefined;
    if (!event) {
      this.detail.replaceChildren(html('div', 'empty', call ? 'Click a mark to see its event’s headers.' : ''));
      return;
    }
    const name = event.headers.find(([n]) => n.toLowerCase() === 'event')?.[1] ?? '';
    const table = html('table', 'headers');
    const body = html('tbody');
    for (const [field, value] of event.headers) {
      const th = html('th', undefined, field);
      const description = this.host.fieldDoc(name, field);
      if (description) {
        th.title = description;
        th.classList.add('documented');
      }
      const row = html('tr');
      row.append(th, html('td', undefined, value));
      body.append(row);
    }
    table.append(body);
    const text = event.headers.map(([n, v]) => `${n}: ${v}`).join('\n') + '\n';
    this.detail.replaceChildren(
      html('h4', undefined, `${name} · #${event.seq} · ${clockTime(event.time, true)}`),
      htmlButton('Copy event', 'timeline-copy-event', () => this.host.copy(text)),
      table,
    );
  }

  private current(): TimelineCall | undefined {
    const call = this.selected === undefined ? undefined : this.index.call(this.selected);
    if (!call) this.host.notice('error', 'Pick a call first (the list on the left of the Timeline tab).');
    return call;
  }

  /** The drawn picture as a standalone SVG document. */
  svgText(): string | undefined {
    const svg = this.canvasHost.querySelector('svg');
    if (!svg) return undefined;
    return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}\n`;
  }

  private exportSvg(): void {
    const call = this.current();
    const text = this.svgText();
    if (!call || !text) return;
    this.host.saveFile('svg', `${fileStem(call)}.svg`, text);
  }

  /** Paints the scene on a canvas (the CSP forbids loading the SVG as an image) and returns PNG base64. */
  pngBase64(): string | undefined {
    const scene = this.scene;
    if (!scene) return undefined;
    const ratio = Math.min(2, MAX_PNG_SIDE / scene.width, MAX_PNG_SIDE / scene.height);
    if (ratio < 0.25) throw new Error(`the picture is ${scene.width} px wide: zoom out (−) to export it as PNG, or export SVG`);
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(scene.width * ratio);
    canvas.height = Math.ceil(scene.height * ratio);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('this webview cannot draw on a canvas');
    context.scale(ratio, ratio);
    paintScene(context, scene, this.theme().font);
    return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
  }

  private exportPng(): void {
    const call = this.current();
    if (!call) return;
    try {
      const data = this.pngBase64();
      if (data) this.host.saveFile('png', `${fileStem(call)}.png`, data);
    } catch (error) {
      this.host.notice('error', `PNG export failed: ${(error as Error).message}`);
    }
  }

  private copyEvents(): void {
    const call = this.current();
    if (call) this.host.copy(callAsText(call));
  }

  private saveEvents(): void {
    const call = this.current();
    if (call) this.host.saveFile('txt', `${fileStem(call)}.txt`, callAsText(call));
  }
}

/** Draws scene primitives on a 2D canvas (the PNG export), in the same order and colours as the SVG. */
export function paintScene(context: CanvasRenderingContext2D, scene: Scene, font: string): void {
  for (const prim of scene.prims) {
    context.setLineDash([]);
    switch (prim.kind) {
      case 'rect':
        context.fillStyle = prim.fill;
        context.fillRect(prim.x, prim.y, prim.w, prim.h);
        if (prim.stroke) {
          context.strokeStyle = prim.stroke;
          context.strokeRect(prim.x, prim.y, prim.w, prim.h);
        }
        break;
      case 'line':
        context.strokeStyle = prim.stroke;
        context.lineWidth = prim.width ?? 1;
        if (prim.dash) context.setLineDash([4, 3]);
        context.beginPath();
        context.moveTo(prim.x1, prim.y1);
        context.lineTo(prim.x2, prim.y2);
        context.stroke();
        break;
      case 'circle':
        context.beginPath();
        context.arc(prim.cx, prim.cy, prim.r, 0, Math.PI * 2);
        context.fillStyle = prim.fill;
        context.fill();
        if (prim.stroke) {
          context.lineWidth = 1;
          context.strokeStyle = prim.stroke;
          context.stroke();
        }
        break;
      case 'poly': {
        context.beginPath();
        prim.points.forEach(([px, py], k) => (k === 0 ? context.moveTo(px, py) : context.lineTo(px, py)));
        if (prim.fill !== 'none') {
          context.closePath();
          context.fillStyle = prim.fill;
          context.fill();
        }
        if (prim.stroke) {
          context.lineWidth = prim.fill === 'none' ? 2 : 1;
          context.strokeStyle = prim.stroke;
          context.stroke();
        }
        break;
      }
      case 'text':
        context.fillStyle = prim.fill;
        context.font = `${prim.bold ? 'bold ' : ''}${prim.size}px ${font}`;
        context.textAlign = prim.anchor === 'middle' ? 'center' : prim.anchor === 'end' ? 'right' : 'left';
        context.fillText(prim.text, prim.x, prim.y);
        break;
    }
  }
}
